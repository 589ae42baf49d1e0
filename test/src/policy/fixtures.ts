/**
 * An in-memory RegistryView built from plain Maps, so policy tests read like stories:
 *   const world = registry().port("1069012345", { spId: "sp-huaxin" }).signature("云端科技", …)
 * Nothing here is shared between tests: each builds its own.
 */
import { normaliseSignatureText } from "../../../src/policy/signature.ts";
import { ContentRegistry } from "../../../src/registry/content.ts";
import type {
  Category,
  ExtensionEntry,
  PolicySettings,
  PreferenceBlock,
  PortEntry,
  PortMatch,
  PortStatus,
  RecipientCounters,
  RegistryView,
  RuleMode,
  SignatureBinding,
  SignatureEntry,
  SignatureStatus,
  Submission,
} from "../../../src/policy/types.ts";

/** 2025-03-10 12:00 in Shanghai (04:00 UTC): daytime, outside quiet hours. */
export const NOON = Date.UTC(2025, 2, 10, 4, 0, 0);
/** Epoch ms of a Shanghai wall-clock time on 2025-03-10 (or the given day). */
export function shanghai(hh: number, mm: number, ss = 0, ms = 0, day = 10): number {
  return Date.UTC(2025, 2, day, hh - 8, mm, ss, ms);
}

interface Contract {
  spId: string;
  enterpriseId: string;
  validFrom: number;
  validTo: number | null;
}

export class TestRegistry implements RegistryView {
  readonly ports = new Map<string, PortEntry>();
  readonly extensions = new Map<string, ExtensionEntry[]>();
  readonly signatures = new Map<string, SignatureEntry>();
  readonly contracts: Contract[] = [];
  readonly optOuts = new Set<string>();
  readonly doNotDisturb = new Set<string>();
  /**
   * Consents: null = every recipient consented to every enterprise (the tests written before the
   * consent rule stay about their own rule); a set once a test calls consent() or noConsents().
   */
  consents: Set<string> | null = null;
  readonly consentRequests = new Map<string, number>();
  /** Every hasContract call, to check the policy passes `at` through. */
  readonly contractQueries: { spId: string; enterpriseId: string; at: number }[] = [];
  /** `${recipientHash}|${category}` → the subscriber's block. */
  readonly preferences = new Map<string, PreferenceBlock>();
  settings: PolicySettings = {
    ruleModes: {},
    quietHours: null,
    dailyMarketingCap: null,
    velocity: { perTenMinutes: null, perHour: null, perDay: null, enterprisesPerHour: null },
    honeypotSuspension: null,
  };
  /** Link domains, call-backs, content rules, templates: the registry's own structure (src/registry/content.ts). */
  content: ContentRegistry | undefined;

  /** Registers content data: `fill` gets a fresh ContentRegistry (created on first use). */
  withContent(fill: (content: ContentRegistry) => void): this {
    fill((this.content ??= new ContentRegistry()));
    return this;
  }

  preferenceBlock(recipientHash: string, category: Category): PreferenceBlock | undefined {
    return this.preferences.get(`${recipientHash}|${category}`);
  }

  port(number: string, options: { spId: string; status?: PortStatus; id?: string }): this {
    this.ports.set(number, { id: options.id ?? `port-${number}`, number, spId: options.spId, status: options.status ?? "active" });
    return this;
  }

  extension(portNumber: string, extension: string, enterpriseId: string): this {
    const list = this.extensions.get(portNumber) ?? [];
    list.push({ id: `ext-${portNumber}-${extension}`, extension, enterpriseId });
    this.extensions.set(portNumber, list);
    return this;
  }

  signature(
    text: string,
    options: {
      enterpriseId: string;
      spId?: string;
      status?: SignatureStatus;
      scope?: Category[];
      expiresAt?: number | null;
      bindings?: SignatureBinding[];
      id?: string;
    },
  ): this {
    const normalised = normaliseSignatureText(text);
    this.signatures.set(normalised, {
      id: options.id ?? `sig-${text}`,
      text: normalised,
      enterpriseId: options.enterpriseId,
      spId: options.spId ?? "sp-huaxin",
      status: options.status ?? "approved",
      scope: new Set(options.scope ?? ["verification", "notification"]),
      expiresAt: options.expiresAt ?? null,
      bindings: options.bindings ?? [],
    });
    return this;
  }

  contract(spId: string, enterpriseId: string, validFrom = 0, validTo: number | null = null): this {
    this.contracts.push({ spId, enterpriseId, validFrom, validTo });
    return this;
  }

  optOut(recipientHash: string, enterpriseId: string): this {
    this.optOuts.add(`${recipientHash}|${enterpriseId}`);
    return this;
  }

  noConsents(): this {
    this.consents ??= new Set();
    return this;
  }

  consent(recipientHash: string, enterpriseId: string): this {
    (this.consents ??= new Set()).add(`${recipientHash}|${enterpriseId}`);
    return this;
  }

  consentRequested(recipientHash: string, enterpriseId: string, at: number): this {
    this.consentRequests.set(`${recipientHash}|${enterpriseId}`, at);
    return this;
  }

  hasConsent(recipientHash: string, enterpriseId: string): boolean {
    return this.consents === null || this.consents.has(`${recipientHash}|${enterpriseId}`);
  }

  consentRequestedAt(recipientHash: string, enterpriseId: string): number | undefined {
    return this.consentRequests.get(`${recipientHash}|${enterpriseId}`);
  }

  dnd(recipientHash: string): this {
    this.doNotDisturb.add(recipientHash);
    return this;
  }

  mode(rule: string, mode: RuleMode): this {
    this.settings = { ...this.settings, ruleModes: { ...this.settings.ruleModes, [rule]: mode } };
    return this;
  }

  quietHours(start: string, end: string, timeZoneOffsetMinutes = 480): this {
    this.settings = { ...this.settings, quietHours: { start, end, timeZoneOffsetMinutes } };
    return this;
  }

  velocity(limits: Partial<PolicySettings["velocity"]>): this {
    this.settings = { ...this.settings, velocity: { ...this.settings.velocity, ...limits } };
    return this;
  }

  /** The subscriber blocks these categories, all day or in a band of minutes after midnight (China time). */
  preference(recipientHash: string, categories: Category[], band?: { start: number; end: number }): this {
    for (const category of categories) this.preferences.set(`${recipientHash}|${category}`, band ?? "always");
    return this;
  }

  dailyCap(cap: number | null): this {
    this.settings = { ...this.settings, dailyMarketingCap: cap };
    return this;
  }

  matchPort(sourceAddr: string): PortMatch | undefined {
    for (let length = sourceAddr.length; length > 0; length--) {
      const port = this.ports.get(sourceAddr.slice(0, length));
      if (!port) continue;
      const suffix = sourceAddr.slice(length);
      const candidates = (this.extensions.get(port.number) ?? []).filter((e) => suffix.startsWith(e.extension));
      // Longest assigned extension the suffix starts with.
      const extension = candidates.sort((a, b) => b.extension.length - a.extension.length)[0];
      return extension ? { port, suffix, extension } : { port, suffix };
    }
    return undefined;
  }

  signatureByText(normalisedText: string): SignatureEntry | undefined {
    return this.signatures.get(normalisedText);
  }

  /** Valid from validFrom (inclusive) to validTo (exclusive), like the registry's SQL. */
  hasContract(spId: string, enterpriseId: string, at: number): boolean {
    this.contractQueries.push({ spId, enterpriseId, at });
    return this.contracts.some(
      (c) => c.spId === spId && c.enterpriseId === enterpriseId && c.validFrom <= at && (c.validTo === null || at < c.validTo),
    );
  }

  isOptedOut(recipientHash: string, enterpriseId: string): boolean {
    return this.optOuts.has(`${recipientHash}|${enterpriseId}`);
  }

  isDoNotDisturb(recipientHash: string): boolean {
    return this.doNotDisturb.has(recipientHash);
  }
}

export function registry(): TestRegistry {
  return new TestRegistry();
}

/**
 * The usual story: SP 华信 (sp-huaxin) owns port 1069012345. Extension 01 is assigned to 云端科技
 * (ent-yunduan), 02 to 星河商贸 (ent-xinghe). 云端科技 holds signature 【云端科技】 for verification
 * and notification, bound to the bare port, and 【云端商城】 for marketing bound to extension 01.
 * 星河商贸 holds 【星河商贸】, bound to extension 02. 华信 has contracts with both enterprises.
 */
export function world(): TestRegistry {
  return registry()
    .port("1069012345", { spId: "sp-huaxin", id: "port-huaxin" })
    .port("1069099999", { spId: "sp-other", id: "port-other" })
    .port("1069088888", { spId: "sp-huaxin", id: "port-suspended", status: "suspended" })
    .port("1069077777", { spId: "sp-huaxin", id: "port-revoked", status: "revoked" })
    .extension("1069012345", "01", "ent-yunduan")
    .extension("1069012345", "02", "ent-xinghe")
    .signature("云端科技", { enterpriseId: "ent-yunduan", id: "sig-yunduan", bindings: [{ portId: "port-huaxin", extension: "" }] })
    .signature("云端商城", {
      enterpriseId: "ent-yunduan",
      id: "sig-yunduan-mall",
      scope: ["marketing"],
      bindings: [{ portId: "port-huaxin", extension: "01" }],
    })
    .signature("星河商贸", {
      enterpriseId: "ent-xinghe",
      id: "sig-xinghe",
      scope: ["verification", "notification", "marketing"],
      bindings: [{ portId: "port-huaxin", extension: "02" }],
    })
    .contract("sp-huaxin", "ent-yunduan")
    .contract("sp-huaxin", "ent-xinghe");
}

export function submission(overrides: Partial<Submission> = {}): Submission {
  return {
    command: "submit_sm",
    spId: "sp-huaxin",
    accountId: "acct-huaxin-1",
    sourceAddr: "1069012345",
    recipients: [{ hash: "hash-alice" }],
    text: "【云端科技】您的验证码是123456，5分钟内有效，请勿泄露。",
    declaredCategory: "verification",
    at: NOON,
    ...overrides,
  };
}

/** A marketing message that passes every rule from extension 01 under 【云端商城】. */
export function marketing(overrides: Partial<Submission> = {}): Submission {
  return submission({
    sourceAddr: "106901234501",
    text: "【云端商城】会员日全场5折，领取优惠券，回T退订",
    declaredCategory: "marketing",
    ...overrides,
  });
}

/** Counters from a plain map of "hash|enterpriseId" → count, and per recipient hash its verification counts. */
export function counters(
  sent: Record<string, number> = {},
  verification: Record<string, { tenMinutes?: number; hour?: number; day?: number; enterprises?: string[] }> = {},
): RecipientCounters & { queries: number[] } {
  const queries: number[] = [];
  return {
    queries,
    verificationVelocity(recipientHash, at) {
      queries.push(at);
      const seen = verification[recipientHash] ?? {};
      const enterprises = new Set(seen.enterprises ?? []);
      return { tenMinutes: seen.tenMinutes ?? 0, hour: seen.hour ?? 0, day: seen.day ?? 0, enterprisesThisHour: enterprises.size, hasEnterprise: (id) => enterprises.has(id) };
    },
    marketingSentToday(recipientHash, enterpriseId, at) {
      queries.push(at);
      return sent[`${recipientHash}|${enterpriseId}`] ?? 0;
    },
  };
}

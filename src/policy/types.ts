import type { PhraseMatcher } from "./content/phrases.ts";
import type { TemplateIndex } from "./content/templates.ts";

/**
 * The contract between the registry snapshot (src/registry) and the pure policy (src/policy).
 * The policy reads only these interfaces; the registry implements them with whatever compact
 * structures it likes. Times are epoch milliseconds passed in, never read from a clock.
 */
export type Category = "verification" | "notification" | "marketing";
export const CATEGORIES: readonly Category[] = ["verification", "notification", "marketing"];

export type PortStatus = "active" | "suspended" | "revoked";
export type SignatureStatus = "pending" | "approved" | "rejected" | "suspended" | "revoked";

export interface ExtensionEntry {
  id: string;
  /** Digits appended to the port number. */
  extension: string;
  enterpriseId: string;
  /** The categories this extension may carry (port purpose); absent = what its port may carry. */
  categories?: ReadonlySet<Category> | null;
}

export interface PortEntry {
  id: string;
  number: string;
  spId: string;
  status: PortStatus;
  /** The categories this port may carry (port purpose); absent or null = any. */
  categories?: ReadonlySet<Category> | null;
}

/** Where a source address lands: the port (longest prefix match) and the assigned extension, if any. */
export interface PortMatch {
  port: PortEntry;
  /** The digits after the port number ('' when the message is sent from the bare port). */
  suffix: string;
  /** The assigned extension the suffix starts with, if any. */
  extension?: ExtensionEntry;
}

export interface SignatureBinding {
  portId: string;
  /** '' = the port itself and any extension assigned to the signature's enterprise. */
  extension: string;
}

export interface SignatureEntry {
  id: string;
  /** Normalised text (see src/policy/signature.ts normaliseSignatureText). */
  text: string;
  enterpriseId: string;
  /** The SP that filed it. */
  spId: string;
  status: SignatureStatus;
  scope: ReadonlySet<Category>;
  /** Epoch ms, or null for no expiry. */
  expiresAt: number | null;
  bindings: readonly SignatureBinding[];
  /** The signature may send only its approved templates (rule `templates`). */
  templateRequired?: boolean;
}

export type RuleMode = "enforce" | "monitor" | "off";

/** Operator-configurable rule settings, read from the snapshot. */
export interface PolicySettings {
  /** Per rule group (see reasons.ts `rule`): enforce (default), monitor (journal, let pass), off. */
  ruleModes: Readonly<Record<string, RuleMode>>;
  /** Quiet hours for marketing, local wall-clock "HH:MM" in `timeZoneOffsetMinutes` (Asia/Shanghai = +480). */
  quietHours: { start: string; end: string; timeZoneOffsetMinutes: number } | null;
  /** Marketing messages per recipient per enterprise per local day; null = no cap. */
  dailyMarketingCap: number | null;
  /**
   * CMPP Service_Id (业务代码, up to 10 characters) → the category a message declares. A Service_Id
   * not listed falls back to VER / NTF / MKT like SMPP's service_type, then to the account default.
   */
  serviceIdCategories?: Readonly<Record<string, Category>>;
  /**
   * Carrier-wide verification limits per recipient, across every SP and enterprise (rule
   * `velocity`); each null = no limit. Windows are fixed: 10-minute buckets, clock hours and China
   * days (see README "Carrier-wide velocity").
   */
  velocity: VelocityLimits;
  /** Honeypot hits of one signature within `periodMinutes` that suspend it; null = never suspend automatically. */
  honeypotSuspension: { hits: number; periodMinutes: number } | null;
  /** Public link shorteners refused unless the enterprise owns them; absent = DEFAULT_SHORTENERS (content/links.ts). */
  shorteners?: readonly string[];
  /**
   * A consent request may reach a recipient once per enterprise within this many days (absent:
   * DEFAULT_CONSENT_REQUEST_PERIOD_DAYS). 《通信短信息服务管理规定》 art. 18: after a refusal or no
   * reply the same request may not be sent again.
   */
  consentRequestPeriodDays?: number;
}

/** One operator content rule as the policy runs it (its phrases live in ContentView.phrases). */
export interface ContentRuleEntry {
  id: string;
  /** loan, gambling, fraud, contact_diversion, prohibited_goods, other. */
  category: string;
  /** The message categories (as judged) it applies to. */
  appliesTo: ReadonlySet<Category>;
  /** The rule's own mode inside the `content` group: it refuses only when both are enforce. */
  mode: RuleMode;
  /** A pattern checked by content/patterns.ts compilePattern, run on the folded text. */
  pattern?: { readonly source: string; test(folded: string): boolean };
}

/**
 * What the content rules read (links, call-backs, operator content rules, templates): one object
 * the registry rebuilds or updates from the change feed. Optional on RegistryView so a registry
 * without it (older fakes) judges as if no content data were registered.
 */
export interface ContentView {
  /** The registrable domain (eTLD+1) is approved for the enterprise. */
  isLinkDomainApproved(enterpriseId: string, registrableDomain: string): boolean;
  /** The normalised number (content/phones.ts) is an approved call-back number of the enterprise. */
  isCallbackApproved(enterpriseId: string, normalised: string): boolean;
  /** One automaton over every active rule's phrases. */
  readonly phrases: PhraseMatcher;
  readonly rulesById: ReadonlyMap<string, ContentRuleEntry>;
  /** The active rules that have a pattern. */
  readonly patternRules: readonly ContentRuleEntry[];
  /** The message categories some active rule applies to (a message of another is not scanned). */
  readonly coveredCategories: ReadonlySet<Category>;
  /** Approved templates, indexed per signature. */
  readonly templates: TemplateIndex;
}

export interface VelocityLimits {
  perTenMinutes: number | null;
  perHour: number | null;
  perDay: number | null;
  /** Distinct enterprises sending verification codes to one number in one clock hour (the 短信轰炸 signature). */
  enterprisesPerHour: number | null;
}

/** What the counters know about one recipient's verification traffic at a moment (every proxy's, within the sharing error). */
export interface VerificationVelocity {
  tenMinutes: number;
  hour: number;
  day: number;
  /** Distinct enterprises that sent this recipient a verification message this clock hour. */
  enterprisesThisHour: number;
  /** Whether `enterpriseId` is one of them (a known sender does not add to the distinct count). */
  hasEnterprise(enterpriseId: string): boolean;
}

/**
 * A subscriber's own block for one category (beyond the operator-wide DND list): all day, or only
 * inside a local window [start, end) in minutes after midnight, China time, which may wrap midnight.
 */
export type PreferenceBlock = "always" | { readonly start: number; readonly end: number };

export interface RegistryView {
  /** Longest-prefix match of a source address against port numbers. */
  matchPort(sourceAddr: string): PortMatch | undefined;
  /** Lookup by normalised signature text. */
  signatureByText(normalisedText: string): SignatureEntry | undefined;
  /** A contract between this SP and this enterprise that is active at `at` (epoch ms). */
  hasContract(spId: string, enterpriseId: string, at: number): boolean;
  isOptedOut(recipientHash: string, enterpriseId: string): boolean;
  isDoNotDisturb(recipientHash: string): boolean;
  /** The subscriber's block on this category (marketing or notification), if any; never consulted for verification. */
  preferenceBlock(recipientHash: string, category: Category): PreferenceBlock | undefined;
  /** A current (recorded, not withdrawn, not expired) consent of this recipient for this enterprise. */
  hasConsent(recipientHash: string, enterpriseId: string): boolean;
  /** When this enterprise last sent this recipient a consent request (epoch ms), if the registry knows of one. */
  consentRequestedAt(recipientHash: string, enterpriseId: string): number | undefined;
  readonly settings: PolicySettings;
  /** Links, call-backs, content rules and templates; absent = none registered. */
  readonly content?: ContentView;
}

/** Per-recipient counters the caller keeps (daily caps); the policy only reads them. */
export interface RecipientCounters {
  marketingSentToday(recipientHash: string, enterpriseId: string, at: number): number;
  /** Verification messages accepted for this recipient carrier-wide, per window, at `at`. */
  verificationVelocity(recipientHash: string, at: number): VerificationVelocity;
}

export interface Recipient {
  /** Keyed hash (src/lib/pii.ts); the policy never sees clear numbers. */
  hash: string;
}

export interface Submission {
  command: "submit_sm" | "data_sm" | "submit_multi" | "cmpp_submit";
  spId: string;
  accountId: string;
  sourceAddr: string;
  recipients: readonly Recipient[];
  /** The whole decoded text (all parts of a concatenated message joined). */
  text: string;
  /** From service_type (VER / NTF / MKT) or the account's default. */
  declaredCategory: Category;
  /** Declared a consent request (service_type CRQ); a request is also recognised by its text. */
  consentRequest?: boolean;
  /** Epoch ms. */
  at: number;
}

import type {
  Category,
  ExtensionEntry,
  PolicySettings,
  PortEntry,
  PortMatch,
  PreferenceBlock,
  RegistryView,
  SignatureEntry,
} from "../policy/types.ts";
import { Key64Set, recipientEnterpriseKey, recipientKey } from "./key-set.ts";
import { DEFAULT_POLICY_SETTINGS } from "../settings/policy-settings.schemas.ts";
import { ContentRegistry } from "./content.ts";
import { SubscriberShield } from "./subscriber-shield.ts";

export interface AccountEntry {
  id: string;
  /** The SP whose bind this is; null for a gateway account (each message's SP is its source port's owner). */
  spId: string | null;
  kind: "sp" | "gateway";
  /** Gateway accounts: the SPs whose ports it may carry (empty = every SP). */
  carriedSpIds: readonly string[];
  systemId: string;
  passwordHash: string;
  /** smpp: binds over SMPP; cmpp: connects over CMPP (systemId is the SP code). */
  protocol: "smpp" | "cmpp";
  /** The CMPP shared secret sealed under SECRETS_KEY (null for SMPP accounts). */
  secretSealed: string | null;
  allowedIps: readonly string[];
  maxBinds: number;
  maxSubmitsPerSecond: number;
  defaultCategory: Category;
  status: "active" | "disabled";
}

/** A category's bit in a subscriber preference (and the salt of its key); verification has none. */

interface ContractWindow {
  id: string;
  from: number;
  to: number;
}


/**
 * The registry as the hot path sees it: every lookup is a hash-map access or a few of them
 * (longest-prefix port match walks at most the source address length), so the cost does not grow
 * with the registry. Mutated in place by the loader between messages (JavaScript is single-threaded,
 * so a decision never sees a half-applied change).
 */
export class RegistrySnapshot implements RegistryView {
  readonly portsByNumber = new Map<string, PortEntry>();
  readonly portsById = new Map<string, PortEntry>();
  /** portId → extension digits → entry */
  readonly extensionsByPort = new Map<string, Map<string, ExtensionEntry>>();
  readonly extensionsById = new Map<string, { portId: string; entry: ExtensionEntry }>();
  readonly signaturesByText = new Map<string, SignatureEntry>();
  readonly signaturesById = new Map<string, SignatureEntry>();
  /** `${spId}|${enterpriseId}` → contract windows */
  readonly contracts = new Map<string, ContractWindow[]>();
  readonly contractsById = new Map<string, string>();
  readonly accountsBySystemId = new Map<string, AccountEntry>();
  readonly accountsById = new Map<string, AccountEntry>();
  /** spAccountRate's cache, dropped whenever an account changes. */
  private spRates: Map<string, number> | undefined;
  readonly spStatus = new Map<string, "active" | "suspended">();
  readonly enterpriseStatus = new Map<string, "active" | "suspended">();
  /** The "recipient keyed hash (× enterprise)" sets by name (src/registry/keyed-sets.ts). */
  private readonly keyedSets = new Map<string, Key64Set>();
  readonly optOuts: Key64Set;
  readonly doNotDisturb: Key64Set;
  /** Subscriber preferences and honeypot numbers (subscriber-shield.ts). */
  readonly shield = new SubscriberShield();
  /** Current consents (recipient × enterprise), keyed exactly as opt-outs: 8 bytes a slot. Expiry is swept by the loader. */
  readonly consents: Key64Set;
  /** `${recipientHash}|${enterpriseId}` → when the last consent request was sent (epoch ms). */
  private readonly consentRequests = new Map<string, number>();
  settings: PolicySettings = DEFAULT_POLICY_SETTINGS;
  /** Link domains, call-back numbers, content rules and templates (src/registry/content.ts). */
  readonly content = new ContentRegistry();
  private minPortLength = Number.POSITIVE_INFINITY;
  private maxPortLength = 0;
  private readonly key: [number, number] = [0, 0];

  /** Presize the opt-out and do-not-disturb sets (a count(*) before a full load avoids rehashing). */
  constructor(expected: { optOuts?: number; doNotDisturb?: number; consents?: number } = {}) {
    this.optOuts = this.addKeyedSet("optOuts", expected.optOuts ?? 1024);
    this.doNotDisturb = this.addKeyedSet("doNotDisturb", expected.doNotDisturb ?? 1024);
    this.consents = this.addKeyedSet("consents", expected.consents ?? 1024);
  }

  /** Creates (or replaces, while still empty: presizing) the keyed set `name`; `values` keeps a uint32 per key (an expiry). */
  addKeyedSet(name: string, expected: number, options: { values?: boolean } = {}): Key64Set {
    const existing = this.keyedSets.get(name);
    if (existing && existing.size > 0) return existing;
    return this.putKeyedSet(name, new Key64Set(Math.max(1024, expected), options));
  }

  /** Makes `set` the keyed set `name` (one built elsewhere: a load's worker thread). */
  putKeyedSet(name: string, set: Key64Set): Key64Set {
    this.keyedSets.set(name, set);
    if (name === "optOuts") (this as { optOuts: Key64Set }).optOuts = set;
    if (name === "doNotDisturb") (this as { doNotDisturb: Key64Set }).doNotDisturb = set;
    if (name === "consents") (this as { consents: Key64Set }).consents = set;
    return set;
  }

  keyedSet(name: string): Key64Set | undefined {
    return this.keyedSets.get(name);
  }

  /**
   * Whether a keyed set holds (recipient, enterprise) — enterprise undefined for an operator-wide
   * set — and, for a set with expiries, holds it unexpired at `at` (epoch ms).
   */
  hasKeyed(name: string, recipientHash: string, enterpriseId: string | undefined, at = 0): boolean {
    const set = this.keyedSets.get(name);
    if (!set) return false;
    const [hi, lo] = recipientEnterpriseKey(recipientHash, enterpriseId, this.key);
    const expiry = set.valueOf(hi, lo);
    return expiry !== undefined && (expiry === 0 || expiry * 1000 > at);
  }

  /** Adds to a keyed set (`expiresAtSeconds` 0: never expires). */
  addKeyed(name: string, recipientHash: string, enterpriseId: string | undefined, expiresAtSeconds = 0): void {
    const [hi, lo] = recipientEnterpriseKey(recipientHash, enterpriseId, this.key);
    this.keyedSets.get(name)?.add(hi, lo, expiresAtSeconds);
  }

  removeKeyed(name: string, recipientHash: string, enterpriseId: string | undefined): void {
    const [hi, lo] = recipientEnterpriseKey(recipientHash, enterpriseId, this.key);
    this.keyedSets.get(name)?.delete(hi, lo);
  }

  // ---- RegistryView -------------------------------------------------------------------------

  matchPort(sourceAddr: string): PortMatch | undefined {
    const longest = Math.min(this.maxPortLength, sourceAddr.length);
    for (let length = longest; length >= this.minPortLength; length--) {
      const port = this.portsByNumber.get(length === sourceAddr.length ? sourceAddr : sourceAddr.slice(0, length));
      if (!port) continue;
      const suffix = sourceAddr.slice(length);
      if (suffix === "") return { port, suffix };
      const extensions = this.extensionsByPort.get(port.id);
      if (extensions) {
        // Assignments never overlap by prefix, so at most one prefix of the suffix is assigned.
        for (let n = 1; n <= suffix.length && n <= 8; n++) {
          const extension = extensions.get(suffix.slice(0, n));
          if (extension) return { port, suffix, extension };
        }
      }
      return { port, suffix };
    }
    return undefined;
  }

  signatureByText(normalisedText: string): SignatureEntry | undefined {
    return this.signaturesByText.get(normalisedText);
  }

  hasContract(spId: string, enterpriseId: string, at: number): boolean {
    const windows = this.contracts.get(`${spId}|${enterpriseId}`);
    if (!windows) return false;
    for (const window of windows) if (window.from <= at && at <= window.to) return true;
    return false;
  }

  isOptedOut(recipientHash: string, enterpriseId: string): boolean {
    const [hi, lo] = recipientEnterpriseKey(recipientHash, enterpriseId, this.key);
    return this.optOuts.has(hi, lo);
  }

  isDoNotDisturb(recipientHash: string): boolean {
    const [hi, lo] = recipientKey(recipientHash, 0, this.key);
    return this.doNotDisturb.has(hi, lo);
  }

  preferenceBlock(recipientHash: string, category: Category): PreferenceBlock | undefined {
    return this.shield.preferenceBlock(recipientHash, category);
  }

  isHoneypot(recipientHash: string): boolean {
    return this.shield.isHoneypot(recipientHash);
  }

  get honeypotCount(): number {
    return this.shield.honeypotCount;
  }

  hasConsent(recipientHash: string, enterpriseId: string): boolean {
    return this.hasKeyed("consents", recipientHash, enterpriseId);
  }

  consentRequestedAt(recipientHash: string, enterpriseId: string): number | undefined {
    return this.consentRequests.get(`${recipientHash}|${enterpriseId}`);
  }

  // ---- mutations used by the loader -----------------------------------------------------------

  putPort(port: PortEntry): void {
    const previous = this.portsById.get(port.id);
    if (previous && previous.number !== port.number) this.portsByNumber.delete(previous.number);
    this.portsById.set(port.id, port);
    this.portsByNumber.set(port.number, port);
    this.minPortLength = Math.min(this.minPortLength, port.number.length);
    this.maxPortLength = Math.max(this.maxPortLength, port.number.length);
  }

  removePort(portId: string): void {
    const previous = this.portsById.get(portId);
    if (!previous) return;
    this.portsById.delete(portId);
    this.portsByNumber.delete(previous.number);
  }

  putExtension(portId: string, entry: ExtensionEntry): void {
    this.removeExtension(entry.id);
    let extensions = this.extensionsByPort.get(portId);
    if (!extensions) this.extensionsByPort.set(portId, (extensions = new Map()));
    extensions.set(entry.extension, entry);
    this.extensionsById.set(entry.id, { portId, entry });
  }

  removeExtension(extensionId: string): void {
    const previous = this.extensionsById.get(extensionId);
    if (!previous) return;
    this.extensionsById.delete(extensionId);
    this.extensionsByPort.get(previous.portId)?.delete(previous.entry.extension);
  }

  /** `fresh`: a full load into this new snapshot, whose ids do not repeat (nothing to remove first). */
  putSignature(signature: SignatureEntry, options: { fresh?: boolean } = {}): void {
    if (!options.fresh) this.removeSignature(signature.id);
    this.signaturesById.set(signature.id, signature);
    // A text reclaimed by an operator has two rows: the revoked (released) one never hides the new one.
    const holder = this.signaturesByText.get(signature.text);
    if (!holder || signature.status !== "revoked" || holder.status === "revoked") this.signaturesByText.set(signature.text, signature);
  }

  removeSignature(signatureId: string): void {
    const previous = this.signaturesById.get(signatureId);
    if (!previous) return;
    this.signaturesById.delete(signatureId);
    if (this.signaturesByText.get(previous.text)?.id === signatureId) this.signaturesByText.delete(previous.text);
  }

  putContract(id: string, spId: string, enterpriseId: string, from: number, to: number): void {
    this.removeContract(id);
    const key = `${spId}|${enterpriseId}`;
    let windows = this.contracts.get(key);
    if (!windows) this.contracts.set(key, (windows = []));
    windows.push({ id, from, to });
    this.contractsById.set(id, key);
  }

  removeContract(id: string): void {
    const key = this.contractsById.get(id);
    if (!key) return;
    this.contractsById.delete(id);
    const windows = this.contracts.get(key)?.filter((w) => w.id !== id) ?? [];
    if (windows.length) this.contracts.set(key, windows);
    else this.contracts.delete(key);
  }

  /**
   * The per-account rate an SP was granted: the highest maxSubmitsPerSecond of its active own
   * (`sp`) accounts, or undefined when it has none. A gateway bind caps each SP's share with it.
   */
  spAccountRate(spId: string): number | undefined {
    if (!this.spRates) {
      this.spRates = new Map();
      for (const account of this.accountsById.values()) {
        if (account.kind !== "sp" || account.spId === null || account.status !== "active") continue;
        this.spRates.set(account.spId, Math.max(this.spRates.get(account.spId) ?? 0, account.maxSubmitsPerSecond));
      }
    }
    return this.spRates.get(spId);
  }

  putAccount(account: AccountEntry): void {
    this.removeAccount(account.id);
    this.spRates = undefined;
    this.accountsById.set(account.id, account);
    this.accountsBySystemId.set(account.systemId, account);
  }

  removeAccount(accountId: string): void {
    const previous = this.accountsById.get(accountId);
    if (!previous) return;
    this.spRates = undefined;
    this.accountsById.delete(accountId);
    if (this.accountsBySystemId.get(previous.systemId)?.id === accountId) this.accountsBySystemId.delete(previous.systemId);
  }

  addOptOut(recipientHash: string, enterpriseId: string): void {
    const [hi, lo] = recipientEnterpriseKey(recipientHash, enterpriseId, this.key);
    this.optOuts.add(hi, lo);
  }

  removeOptOut(recipientHash: string, enterpriseId: string): void {
    const [hi, lo] = recipientEnterpriseKey(recipientHash, enterpriseId, this.key);
    this.optOuts.delete(hi, lo);
  }

  /** A consent became current (true) or stopped being current (false) for this recipient × enterprise. */
  setConsent(recipientHash: string, enterpriseId: string, current: boolean): void {
    if (current) this.addKeyed("consents", recipientHash, enterpriseId);
    else this.removeKeyed("consents", recipientHash, enterpriseId);
  }

  /** A consent request was sent at `at` (epoch ms); the latest one is kept. */
  noteConsentRequest(recipientHash: string, enterpriseId: string, at: number): void {
    const key = `${recipientHash}|${enterpriseId}`;
    const previous = this.consentRequests.get(key);
    if (previous === undefined || at > previous) this.consentRequests.set(key, at);
  }

  /** Forgets requests sent before `before` (epoch ms): past any period they can no longer refuse anything. */
  forgetConsentRequestsBefore(before: number): void {
    for (const [key, at] of this.consentRequests) if (at < before) this.consentRequests.delete(key);
  }

  addDoNotDisturb(recipientHash: string): void {
    const [hi, lo] = recipientKey(recipientHash, 0, this.key);
    this.doNotDisturb.add(hi, lo);
  }

  removeDoNotDisturb(recipientHash: string): void {
    const [hi, lo] = recipientKey(recipientHash, 0, this.key);
    this.doNotDisturb.delete(hi, lo);
  }

  /** The port (or extension) an MO was sent to: whose enterprise is behind it. */
  enterpriseForDestination(destinationAddr: string): { port: PortEntry; enterpriseId?: string } | undefined {
    const match = this.matchPort(destinationAddr);
    if (!match) return undefined;
    return { port: match.port, enterpriseId: match.extension?.enterpriseId };
  }

  stats(): { ports: number; extensions: number; signatures: number; contracts: number; accounts: number; optOuts: number; doNotDisturb: number; optOutBytes: number; [set: string]: number } {
    return {
      ports: this.portsById.size,
      extensions: this.extensionsById.size,
      signatures: this.signaturesById.size,
      contracts: this.contractsById.size,
      accounts: this.accountsById.size,
      optOuts: this.optOuts.size,
      doNotDisturb: this.doNotDisturb.size,
      preferences: this.shield.preferenceCount,
      honeypots: this.shield.honeypotCount,
      optOutBytes: this.optOuts.bytes + this.doNotDisturb.bytes,
      ...Object.fromEntries([...this.keyedSets].filter(([name]) => name !== "optOuts" && name !== "doNotDisturb").map(([name, set]) => [name, set.size])),
      ...this.content.stats(),
      consents: this.consents.size,
      consentBytes: this.consents.bytes,
      consentRequests: this.consentRequests.size,
    };
  }
}

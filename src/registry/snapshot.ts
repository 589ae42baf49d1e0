import type {
  Category,
  ExtensionEntry,
  PolicySettings,
  PortEntry,
  PortMatch,
  RegistryView,
  SignatureEntry,
} from "../policy/types.ts";
import { Key64Set, recipientKey, recipientKeyAt } from "./key-set.ts";
import { DEFAULT_POLICY_SETTINGS } from "../settings/policy-settings.schemas.ts";

export interface AccountEntry {
  id: string;
  spId: string;
  systemId: string;
  passwordHash: string;
  allowedIps: readonly string[];
  maxBinds: number;
  maxSubmitsPerSecond: number;
  defaultCategory: Category;
  status: "active" | "disabled";
}

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
  readonly spStatus = new Map<string, "active" | "suspended">();
  readonly enterpriseStatus = new Map<string, "active" | "suspended">();
  /** Enterprise id → small integer used to salt opt-out keys. */
  private readonly enterpriseIndex = new Map<string, number>();
  readonly optOuts: Key64Set;
  readonly doNotDisturb: Key64Set;
  /** Current consents (recipient × enterprise), keyed exactly as opt-outs: 8 bytes a slot. Expiry is swept by the loader. */
  readonly consents: Key64Set;
  /** `${recipientHash}|${enterpriseId}` → when the last consent request was sent (epoch ms). */
  private readonly consentRequests = new Map<string, number>();
  settings: PolicySettings = DEFAULT_POLICY_SETTINGS;
  private minPortLength = Number.POSITIVE_INFINITY;
  private maxPortLength = 0;
  private readonly key: [number, number] = [0, 0];

  /** Presize the opt-out and do-not-disturb sets (a count(*) before a full load avoids rehashing). */
  constructor(expected: { optOuts?: number; doNotDisturb?: number; consents?: number } = {}) {
    this.optOuts = new Key64Set(expected.optOuts ?? 1024);
    this.doNotDisturb = new Key64Set(expected.doNotDisturb ?? 1024);
    this.consents = new Key64Set(expected.consents ?? 1024);
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
    const index = this.enterpriseIndex.get(enterpriseId);
    if (index === undefined) return false;
    const [hi, lo] = recipientKey(recipientHash, index, this.key);
    return this.optOuts.has(hi, lo);
  }

  isDoNotDisturb(recipientHash: string): boolean {
    const [hi, lo] = recipientKey(recipientHash, 0, this.key);
    return this.doNotDisturb.has(hi, lo);
  }

  hasConsent(recipientHash: string, enterpriseId: string): boolean {
    const index = this.enterpriseIndex.get(enterpriseId);
    if (index === undefined) return false;
    const [hi, lo] = recipientKey(recipientHash, index, this.key);
    return this.consents.has(hi, lo);
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

  putSignature(signature: SignatureEntry): void {
    this.removeSignature(signature.id);
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

  putAccount(account: AccountEntry): void {
    this.removeAccount(account.id);
    this.accountsById.set(account.id, account);
    this.accountsBySystemId.set(account.systemId, account);
  }

  removeAccount(accountId: string): void {
    const previous = this.accountsById.get(accountId);
    if (!previous) return;
    this.accountsById.delete(accountId);
    if (this.accountsBySystemId.get(previous.systemId)?.id === accountId) this.accountsBySystemId.delete(previous.systemId);
  }

  private indexOf(enterpriseId: string): number {
    let index = this.enterpriseIndex.get(enterpriseId);
    if (index === undefined) {
      index = this.enterpriseIndex.size + 1;
      this.enterpriseIndex.set(enterpriseId, index);
    }
    return index;
  }

  addOptOut(recipientHash: string, enterpriseId: string): void {
    const [hi, lo] = recipientKey(recipientHash, this.indexOf(enterpriseId), this.key);
    this.optOuts.add(hi, lo);
  }

  /**
   * Bulk load: `count` recipient hashes of `hashLength` characters concatenated in `hashes`, and as
   * many enterprise ids of `idLength` characters in `enterpriseIds` (the loader's page format).
   */
  addOptOutsPacked(hashes: string, hashLength: number, enterpriseIds: string, idLength: number, count: number): void {
    this.addPairsPacked(this.optOuts, hashes, hashLength, enterpriseIds, idLength, count);
  }

  /** Bulk load of current consents, in the page format of addOptOutsPacked. */
  addConsentsPacked(hashes: string, hashLength: number, enterpriseIds: string, idLength: number, count: number): void {
    this.addPairsPacked(this.consents, hashes, hashLength, enterpriseIds, idLength, count);
  }

  private addPairsPacked(set: Key64Set, hashes: string, hashLength: number, enterpriseIds: string, idLength: number, count: number): void {
    const key = this.key;
    let lastEnterprise = "";
    let index = 0;
    for (let i = 0; i < count; i++) {
      const enterpriseId = enterpriseIds.slice(i * idLength, (i + 1) * idLength);
      if (enterpriseId !== lastEnterprise) {
        index = this.indexOf(enterpriseId);
        lastEnterprise = enterpriseId;
      }
      if (!recipientKeyAt(hashes, i * hashLength, index, key)) recipientKey(hashes.slice(i * hashLength, (i + 1) * hashLength), index, key);
      set.add(key[0], key[1]);
    }
  }

  /** Bulk load of do-not-disturb hashes, concatenated as in addOptOutsPacked. */
  addDoNotDisturbPacked(hashes: string, hashLength: number, count: number): void {
    const key = this.key;
    for (let i = 0; i < count; i++) {
      if (!recipientKeyAt(hashes, i * hashLength, 0, key)) recipientKey(hashes.slice(i * hashLength, (i + 1) * hashLength), 0, key);
      this.doNotDisturb.add(key[0], key[1]);
    }
  }

  removeOptOut(recipientHash: string, enterpriseId: string): void {
    const index = this.enterpriseIndex.get(enterpriseId);
    if (index === undefined) return;
    const [hi, lo] = recipientKey(recipientHash, index, this.key);
    this.optOuts.delete(hi, lo);
  }

  /** A consent became current (true) or stopped being current (false) for this recipient × enterprise. */
  setConsent(recipientHash: string, enterpriseId: string, current: boolean): void {
    if (current) {
      const [hi, lo] = recipientKey(recipientHash, this.indexOf(enterpriseId), this.key);
      this.consents.add(hi, lo);
      return;
    }
    const index = this.enterpriseIndex.get(enterpriseId);
    if (index === undefined) return;
    const [hi, lo] = recipientKey(recipientHash, index, this.key);
    this.consents.delete(hi, lo);
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

  stats() {
    return {
      ports: this.portsById.size,
      extensions: this.extensionsById.size,
      signatures: this.signaturesById.size,
      contracts: this.contractsById.size,
      accounts: this.accountsById.size,
      optOuts: this.optOuts.size,
      doNotDisturb: this.doNotDisturb.size,
      optOutBytes: this.optOuts.bytes + this.doNotDisturb.bytes,
      consents: this.consents.size,
      consentBytes: this.consents.bytes,
      consentRequests: this.consentRequests.size,
    };
  }
}

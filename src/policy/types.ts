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
}

export interface PortEntry {
  id: string;
  number: string;
  spId: string;
  status: PortStatus;
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
   * A consent request may reach a recipient once per enterprise within this many days (absent:
   * DEFAULT_CONSENT_REQUEST_PERIOD_DAYS). 《通信短信息服务管理规定》 art. 18: after a refusal or no
   * reply the same request may not be sent again.
   */
  consentRequestPeriodDays?: number;
}

export interface RegistryView {
  /** Longest-prefix match of a source address against port numbers. */
  matchPort(sourceAddr: string): PortMatch | undefined;
  /** Lookup by normalised signature text. */
  signatureByText(normalisedText: string): SignatureEntry | undefined;
  /** A contract between this SP and this enterprise that is active at `at` (epoch ms). */
  hasContract(spId: string, enterpriseId: string, at: number): boolean;
  isOptedOut(recipientHash: string, enterpriseId: string): boolean;
  isDoNotDisturb(recipientHash: string): boolean;
  /** A current (recorded, not withdrawn, not expired) consent of this recipient for this enterprise. */
  hasConsent(recipientHash: string, enterpriseId: string): boolean;
  /** When this enterprise last sent this recipient a consent request (epoch ms), if the registry knows of one. */
  consentRequestedAt(recipientHash: string, enterpriseId: string): number | undefined;
  readonly settings: PolicySettings;
}

/** Per-recipient counters the caller keeps (daily caps); the policy only reads them. */
export interface RecipientCounters {
  marketingSentToday(recipientHash: string, enterpriseId: string, at: number): number;
}

export interface Recipient {
  /** Keyed hash (src/lib/pii.ts); the policy never sees clear numbers. */
  hash: string;
}

export interface Submission {
  command: "submit_sm" | "data_sm" | "submit_multi";
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

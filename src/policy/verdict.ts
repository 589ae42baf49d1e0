import type { ReasonCode } from "./reasons.ts";
import type { Category, ExtensionEntry, PortEntry, SignatureEntry } from "./types.ts";

/** A refusal that a rule in monitor mode would have made: journaled, not enforced. */
export interface MonitoredRefusal {
  reason: ReasonCode;
  detail: string;
  /** Index into Submission.recipients for per-recipient rules; absent for message-level rules. */
  recipient?: number;
}

export interface RecipientAccepted {
  outcome: "accept";
}

export interface RecipientRejected {
  outcome: "reject";
  reason: ReasonCode;
  commandStatus: number;
  detail: string;
}

/** recipients[i] is the verdict for Submission.recipients[i] (submit_multi_resp's unsuccess_sme list). */
export type RecipientVerdict = RecipientAccepted | RecipientRejected;

/**
 * The message may go to the SMSC for every recipient whose verdict is accept (at least one).
 * port, signature and enterpriseId are always present when every rule is enforced; they can be
 * absent only when a rule in monitor or off mode let through a message without them (an unknown
 * source address, a missing or unregistered signature).
 */
export interface AcceptVerdict {
  outcome: "accept";
  category: Category;
  port?: PortEntry;
  extension?: ExtensionEntry;
  signature?: SignatureEntry;
  /**
   * The signature text the message offered when no registered signature was matched (for the
   * journal: signature_unregistered, signature_multiple "A / B", empty or misplaced tags), each
   * part normalised and cut at 40 characters. Absent when `signature` is set.
   */
  offeredSignature?: string;
  enterpriseId?: string;
  /** The body reads as a verification code (declared as anything): counted by the velocity counters. */
  readsAsVerification?: boolean;
  /**
   * A consent request (declared CRQ, or its body asks for 回复是/Y/同意), read as the consent rule
   * reads it; set when the enterprise is known. The proxy records each request it let through.
   */
  consentRequest?: boolean;
  recipients: readonly RecipientVerdict[];
  monitored: readonly MonitoredRefusal[];
}

/**
 * Nothing is sent. For a message-level refusal every recipient carries the same reason; when every
 * recipient was refused by a per-recipient rule, reason is the first recipient's (for submit_sm,
 * its only one). The known facts (port, signature, …) are included for the journal.
 */
export interface RejectVerdict {
  outcome: "reject";
  reason: ReasonCode;
  commandStatus: number;
  detail: string;
  category?: Category;
  port?: PortEntry;
  extension?: ExtensionEntry;
  signature?: SignatureEntry;
  /**
   * The signature text the message offered when no registered signature was matched (for the
   * journal: signature_unregistered, signature_multiple "A / B", empty or misplaced tags), each
   * part normalised and cut at 40 characters. Absent when `signature` is set.
   */
  offeredSignature?: string;
  enterpriseId?: string;
  recipients: readonly RecipientVerdict[];
  monitored: readonly MonitoredRefusal[];
}

export type Verdict = AcceptVerdict | RejectVerdict;

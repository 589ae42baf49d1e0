/** What the gatekeeper judges: the bound session a submission arrives on, and the message. */
import type { Category, Submission, Verdict } from "../policy/index.ts";

/** The bound session a submission arrives on. */
export interface SessionIdentity {
  accountId: string;
  spId: string;
  systemId: string;
  defaultCategory: Category;
  remoteAddress: string;
}

/**
 * Enough to journal a refusal: a message that came over a trusted gateway link and whose SP is not
 * known (no port owner) has no SP.
 */
export type RefusalIdentity = Omit<SessionIdentity, "spId" | "defaultCategory"> & { spId: string | null };

export interface JudgeInput {
  command: Submission["command"];
  serviceType: string;
  /** The declared category when the adapter resolved it itself (CMPP Service_Id mapping); else from serviceType. */
  category?: Category;
  sourceAddr: string;
  destinations: readonly string[];
  text: string;
}

/** Who sent a judged submission, as the journal and the honeypot hits record it. */
export interface SubmissionSender {
  spId: string;
  accountId: string;
  portId: string | null;
  sourceAddr: string;
  signatureId: string | null;
  signatureText: string | null;
  enterpriseId: string | null;
}

/** The sender of a judged submission: the session's SP and account, and what the verdict resolved (port, signature, enterprise). */
export function submissionSender(session: SessionIdentity, input: JudgeInput, verdict: Verdict): SubmissionSender {
  return {
    spId: session.spId,
    accountId: session.accountId,
    portId: verdict.port?.id ?? null,
    sourceAddr: input.sourceAddr,
    signatureId: verdict.signature?.id ?? null,
    signatureText: verdict.signature?.text ?? verdict.offeredSignature ?? null,
    enterpriseId: verdict.enterpriseId ?? null,
  };
}

/** What the gatekeeper judges: the bound session a submission arrives on, and the message. */
import type { Category, Submission } from "../policy/index.ts";

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

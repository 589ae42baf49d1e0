/** What the gatekeeper judges: the bound session a submission arrives on, and the message. */
import type { Category, Submission } from "../../src/policy/index.ts";

/** The bound session a submission arrives on. */
export interface SessionIdentity {
  accountId: string;
  spId: string;
  systemId: string;
  defaultCategory: Category;
  remoteAddress: string;
}

/** Enough to journal a refusal: a gateway's message whose SP is not known has no SP. */
export type RefusalIdentity = Omit<SessionIdentity, "spId" | "defaultCategory"> & { spId: string | null };

export interface JudgeInput {
  command: Submission["command"];
  serviceType: string;
  sourceAddr: string;
  destinations: readonly string[];
  text: string;
}

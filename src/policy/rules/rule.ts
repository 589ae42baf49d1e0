import type { PolicyGroup } from "../groups.ts";
import type { ReasonCode } from "../reasons.ts";
import type { Category } from "../types.ts";
import type { Facts } from "./facts.ts";

/**
 * One rule of decide(): an object in its own file under src/policy/rules/, listed once in the
 * ordered table (src/policy/rules/index.ts). A rule states only its judgement; decide() applies
 * the group's mode (enforce / monitor / off), the order, and the categories.
 *
 * A rule that needs a fact an earlier monitored or skipped rule could not establish (no port, no
 * registered signature, no enterprise) returns undefined: it skips, it does not refuse.
 * Detail strings name ids and numbers of the registry (never a recipient's number) and are built
 * only on refusal, so the accept path allocates nothing.
 */
export interface Refusal {
  reason: ReasonCode;
  detail: string;
  /**
   * Recorded as monitored even when the group is enforced: an operator content rule in its own
   * `monitor` mode (src/policy/rules/content.ts). Absent for every other rule.
   */
  monitorOnly?: true;
}

interface RuleBase {
  /** The group whose mode applies; every reason the rule returns belongs to this group (reasons.ts). */
  readonly group: PolicyGroup;
  /** The categories (as judged, facts.category) the rule applies to; "all" does not classify the text. */
  readonly categories: "all" | readonly Category[];
}

/** Judges the whole message: a refusal in enforce mode refuses it for every recipient. */
export interface MessageRule extends RuleBase {
  readonly judges: "message";
  check(facts: Facts): Refusal | undefined;
}

/** Judges each recipient (Submission.recipients[recipient]) on its own. */
export interface RecipientRule extends RuleBase {
  readonly judges: "recipient";
  check(facts: Facts, recipient: number): Refusal | undefined;
}

export type Rule = MessageRule | RecipientRule;

import type { Facts } from "./facts.ts";
import type { RecipientRule } from "./rule.ts";

/**
 * g. Marketing reaches a number at most once per message: a recipient whose keyed hash appears
 * earlier in the same submission is refused (the first occurrence is judged as usual). Repeating a
 * number would also slip past the daily cap, whose counter is read before anything is sent.
 */
export const duplicateRecipientRule: RecipientRule = {
  group: "duplicate_recipient",
  judges: "recipient",
  categories: ["marketing"],
  check(facts, recipient) {
    if (recipient === 0) return undefined;
    const first = facts.memo(firstIndexByHash, firstIndexByHash).get(facts.submission.recipients[recipient]!.hash)!;
    if (first === recipient) return undefined;
    return { reason: "recipient_duplicate", detail: `recipient #${recipient} repeats recipient #${first}` };
  },
};

/** Each recipient hash's first index in the submission, built once per decision. */
function firstIndexByHash(facts: Facts): Map<string, number> {
  const first = new Map<string, number>();
  const recipients = facts.submission.recipients;
  for (let index = 0; index < recipients.length; index++) if (!first.has(recipients[index]!.hash)) first.set(recipients[index]!.hash, index);
  return first;
}

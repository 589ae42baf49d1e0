import type { RecipientRule } from "./rule.ts";

/** f. The recipient is not on the operator's do-not-disturb list for marketing. */
export const dndRule: RecipientRule = {
  group: "dnd",
  judges: "recipient",
  categories: ["marketing"],
  check(facts, recipient) {
    if (!facts.registry.isDoNotDisturb(facts.submission.recipients[recipient]!.hash)) return undefined;
    return { reason: "recipient_do_not_disturb", detail: `recipient #${recipient} is on the do-not-disturb list` };
  },
};

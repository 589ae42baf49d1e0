import type { RecipientRule } from "./rule.ts";

/**
 * f. The recipient has not opted out of the enterprise's marketing. The opt-out is per enterprise,
 * so it covers every signature the enterprise sends under. Skips without an enterprise.
 */
export const optOutRule: RecipientRule = {
  group: "opt_out",
  judges: "recipient",
  categories: ["marketing"],
  check(facts, recipient) {
    const enterpriseId = facts.enterpriseId;
    if (enterpriseId === undefined || !facts.registry.isOptedOut(facts.submission.recipients[recipient]!.hash, enterpriseId)) return undefined;
    return { reason: "recipient_opted_out", detail: `recipient #${recipient} opted out of enterprise ${enterpriseId}` };
  },
};

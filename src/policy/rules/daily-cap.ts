import type { RecipientRule } from "./rule.ts";

/**
 * f. The recipient has had fewer than the daily cap of marketing messages from this enterprise
 * today (no cap configured, or no enterprise: the rule skips).
 */
export const dailyCapRule: RecipientRule = {
  group: "daily_cap",
  judges: "recipient",
  categories: ["marketing"],
  check(facts, recipient) {
    const cap = facts.settings.dailyMarketingCap;
    const enterpriseId = facts.enterpriseId;
    if (cap === null || enterpriseId === undefined) return undefined;
    const sent = facts.counters.marketingSentToday(facts.submission.recipients[recipient]!.hash, enterpriseId, facts.submission.at);
    if (sent < cap) return undefined;
    return {
      reason: "daily_cap_exceeded",
      detail: `recipient #${recipient} already received ${sent} marketing messages today from enterprise ${enterpriseId} (cap ${cap})`,
    };
  },
};

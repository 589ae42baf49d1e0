import type { RecipientRule } from "./rule.ts";

/**
 * Carrier-wide velocity (短信轰炸): one number may receive at most N verification messages per 10
 * minutes / hour / China day from all senders together, and codes from at most M distinct
 * enterprises per clock hour. Only a carrier sees every SP at once, so only here can a phone be
 * shielded from dozens of sites sending it codes. The counts are read from the counters the proxy
 * keeps (shared between proxies, see README "Carrier-wide velocity"); this rule only compares.
 */
export const velocityRule: RecipientRule = {
  group: "velocity",
  judges: "recipient",
  // A code declared as a notification (or sent under an account whose default is notification) is
  // still a code: notifications that read as one count and are judged too, so the limit cannot be
  // dodged by the service_type.
  categories: ["verification", "notification"],
  check(facts, recipient) {
    if (facts.category === "notification" && !facts.classification.readsAsVerification) return undefined;
    const limits = facts.settings.velocity;
    if (limits.perTenMinutes === null && limits.perHour === null && limits.perDay === null && limits.enterprisesPerHour === null) return undefined;
    const seen = facts.counters.verificationVelocity(facts.submission.recipients[recipient]!.hash, facts.submission.at);
    const over = (count: number, limit: number | null, window: string) =>
      limit !== null && count >= limit ? { reason: "recipient_velocity_exceeded" as const, detail: `recipient #${recipient} already received ${count} verification messages ${window} (limit ${limit})` } : undefined;
    const refusal = over(seen.tenMinutes, limits.perTenMinutes, "in these 10 minutes") ?? over(seen.hour, limits.perHour, "this hour") ?? over(seen.day, limits.perDay, "today");
    if (refusal) return refusal;
    const enterpriseId = facts.enterpriseId;
    const cap = limits.enterprisesPerHour;
    if (cap === null || enterpriseId === undefined || seen.hasEnterprise(enterpriseId) || seen.enterprisesThisHour < cap) return undefined;
    return {
      reason: "recipient_velocity_exceeded",
      detail: `recipient #${recipient} already received verification codes from ${seen.enterprisesThisHour} enterprises this hour (limit ${cap}); enterprise ${enterpriseId} would be one more`,
    };
  },
};

import type { ExtractedPhone } from "../content/phones.ts";
import type { Facts } from "./facts.ts";
import type { MessageRule } from "./rule.ts";

/** Every phone number in the body (content/phones.ts tells codes, amounts and dates apart), once per decision: facts.phones. */
export function phonesOf(facts: Facts): ExtractedPhone[] {
  return facts.phones;
}

/** Service numbers are published; a mobile, landline or foreign number may be a person's: masked. */
export function shownNumber(phone: ExtractedPhone): string {
  const n = phone.normalised;
  if (phone.kind !== "mobile" && phone.kind !== "landline" && phone.kind !== "other") return n;
  return n.length <= 6 ? `${n.slice(0, 1)}****` : `${n.slice(0, 3)}****${n.slice(-4)}`;
}

/**
 * Call-back numbers ("call this number" is the classic scam): every phone number in the body —
 * mobile, landline, 400/800, 95xxx/96xxx, short codes, foreign numbers — must be a registered
 * call-back number of the enterprise behind the signature (callback-numbers, approved). One-time
 * codes, amounts, dates, card tails and order numbers are not read as numbers (content/phones.ts
 * and README "Call-back numbers"). Skips without a registered signature.
 */
export const callbacksRule: MessageRule = {
  group: "callbacks",
  judges: "message",
  categories: "all",
  check(facts) {
    const enterpriseId = facts.enterpriseId;
    if (enterpriseId === undefined) return undefined;
    const phones = phonesOf(facts);
    if (phones.length === 0) return undefined;
    const content = facts.registry.content;
    for (const phone of phones) {
      if (content?.isCallbackApproved(enterpriseId, phone.normalised)) continue;
      return { reason: "callback_number_not_allowed", detail: `${phone.kind} number ${shownNumber(phone)} is not a registered call-back number of enterprise ${enterpriseId}` };
    }
    return undefined;
  },
};

import { DAY_MS_POLICY, DEFAULT_CONSENT_REQUEST_PERIOD_DAYS, isConsentRequestCompact } from "../consent.ts";
import type { Facts } from "./facts.ts";
import type { RecipientRule } from "./rule.ts";

/**
 * h. Consent before marketing (《通信短信息服务管理规定》 art. 18; MIIT 2021: no marketing "without
 * the consumer's consent"). Marketing reaches a recipient only under a current consent for the
 * message's enterprise (recorded, not withdrawn, not expired): otherwise consent_missing.
 *
 * The one exception is the consent request itself — declared (service_type CRQ) or recognised by
 * its text (回复是/Y/同意…) — which may reach a recipient once per enterprise within the configured
 * period (settings consentRequestPeriodDays); a second one is consent_request_repeated. A request
 * is judged whatever its category, so declaring it a notification does not dodge the limit.
 * Skips without an enterprise (an earlier rule could not establish one).
 */
export const consentRule: RecipientRule = {
  group: "consent",
  judges: "recipient",
  categories: "all",
  check(facts, recipient) {
    const enterpriseId = facts.enterpriseId;
    if (enterpriseId === undefined) return undefined;
    const hash = facts.submission.recipients[recipient]!.hash;
    if (isConsentRequest(facts)) {
      const last = facts.registry.consentRequestedAt(hash, enterpriseId);
      const periodMs = (facts.settings.consentRequestPeriodDays ?? DEFAULT_CONSENT_REQUEST_PERIOD_DAYS) * DAY_MS_POLICY;
      if (last === undefined || facts.submission.at - last >= periodMs) return undefined;
      return { reason: "consent_request_repeated", detail: `recipient #${recipient} had a consent request from enterprise ${enterpriseId} ${Math.floor((facts.submission.at - last) / DAY_MS_POLICY)} day(s) ago` };
    }
    if (facts.category !== "marketing" || facts.registry.hasConsent(hash, enterpriseId)) return undefined;
    return { reason: "consent_missing", detail: `recipient #${recipient} has no current consent for enterprise ${enterpriseId}` };
  },
};

/** Is the message a consent request? Read once per decision (the verdict reports it too: decide.ts). */
export function isConsentRequest(facts: Facts): boolean {
  return facts.memo(consentRule, readsAsConsentRequest);
}

function readsAsConsentRequest(facts: Facts): boolean {
  // The folded body (computed for the category anyway): width, case, spaces, invisible characters,
  // traditional characters and split words are undone before the wording is matched.
  return facts.submission.consentRequest === true || isConsentRequestCompact(facts.compact);
}

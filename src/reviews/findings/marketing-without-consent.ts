import { refusalsBySignature } from "./refusals-by-signature.ts";

/**
 * Marketing sent to recipients with no current consent (《通信短信息服务管理规定》 art. 18), by
 * signature: the consent rule's consent_missing in the period, refused (enforce) or let through
 * (monitor) — a monitored one is marketing that was delivered without consent, including to a
 * recipient whose consent had expired or been withdrawn.
 */
export const marketingWithoutConsent = refusalsBySignature({
  type: "marketing_without_consent",
  reasons: ["consent_missing"],
  recommend: (count) => (count >= 100 ? "suspend" : "rectify"),
});

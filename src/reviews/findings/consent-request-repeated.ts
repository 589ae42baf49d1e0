import { refusalsBySignature } from "./refusals-by-signature.ts";

/**
 * Consent requests sent again within the period to someone who did not answer or refused
 * (《通信短信息服务管理规定》 art. 18: no repeating the same or a similar request), by signature.
 */
export const consentRequestRepeated = refusalsBySignature({
  type: "consent_request_repeated",
  reasons: ["consent_request_repeated"],
  recommend: (count) => (count >= 100 ? "suspend" : "rectify"),
});

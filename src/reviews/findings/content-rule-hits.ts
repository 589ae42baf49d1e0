import { refusalsBySignature } from "./refusals-by-signature.ts";

/** Signatures whose texts hit operator content rules (loan, gambling, fraud, contact diversion…), refused or monitored. */
export const contentRuleHits = refusalsBySignature({
  type: "content_rule_hits",
  reasons: ["content_prohibited"],
  recommend: (count) => (count >= 20 ? "suspend" : "rectify"),
});

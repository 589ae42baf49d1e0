import { refusalsBySignature } from "./refusals-by-signature.ts";

/** Signatures using public link shorteners (their own reason, told apart from other unapproved links). */
export const shortenerUse = refusalsBySignature({
  type: "shortener_use",
  reasons: ["link_shortener_not_allowed"],
  recommend: (count) => (count >= 100 ? "suspend" : "rectify"),
});

import { refusalsBySignature } from "./refusals-by-signature.ts";

/** Signatures sending links to domains not approved for their enterprise (refused or monitored), with samples. */
export const unapprovedLinks = refusalsBySignature({
  type: "unapproved_links",
  reasons: ["link_not_allowed"],
  recommend: (count) => (count >= 100 ? "suspend" : "rectify"),
});

import { refusalsBySignature } from "./refusals-by-signature.ts";

/** Marketing sent without an opt-out hint (回T退订), by signature. */
export const optOutHintMissing = refusalsBySignature({
  type: "opt_out_hint_missing",
  reasons: ["opt_out_hint_missing"],
  recommend: () => "rectify",
});

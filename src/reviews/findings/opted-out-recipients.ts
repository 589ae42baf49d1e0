import { refusalsBySignature } from "./refusals-by-signature.ts";

/** Marketing aimed at recipients who had refused the enterprise (不得更换名义后再次发送), by signature. */
export const optedOutRecipients = refusalsBySignature({
  type: "recipient_opted_out",
  reasons: ["recipient_opted_out"],
  recommend: (count) => (count >= 100 ? "suspend" : "rectify"),
});

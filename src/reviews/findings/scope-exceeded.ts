import { refusalsBySignature } from "./refusals-by-signature.ts";

/** Attempts to send outside the signature's approved scope (扩大签名使用范围), by signature and sending SP. */
export const scopeExceeded = refusalsBySignature({
  type: "scope_exceeded",
  reasons: ["scope_exceeded"],
  recommend: (count) => (count >= 100 ? "suspend" : "rectify"),
});

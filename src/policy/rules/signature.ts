import type { MessageRule } from "./rule.ts";

/** b. Exactly one signature, registered, approved, not expired at `at` (expiry instant included). */
export const signatureRule: MessageRule = {
  group: "signature",
  judges: "message",
  categories: "all",
  check(facts) {
    const extracted = facts.extracted;
    if (!extracted.ok) {
      const detail =
        extracted.reason === "signature_multiple"
          ? `more than one signature tag: 【${extracted.raw}】 and 【${extracted.otherRaw}】`
          : extracted.raw === undefined
            ? "no signature at the start or end of the text"
            : `signature bracket holds 【${extracted.raw}】`;
      return { reason: extracted.reason, detail };
    }
    const signature = facts.signature;
    if (!signature) return { reason: "signature_unregistered", detail: `signature 【${extracted.raw}】 (${extracted.text}) is not registered` };
    switch (signature.status) {
      case "approved":
        break;
      case "pending":
      case "rejected":
        return { reason: "signature_not_approved", detail: `signature ${signature.id} is ${signature.status}` };
      case "suspended":
        return { reason: "signature_suspended", detail: `signature ${signature.id} is suspended` };
      case "revoked":
        return { reason: "signature_revoked", detail: `signature ${signature.id} is revoked` };
    }
    if (signature.expiresAt !== null && signature.expiresAt <= facts.submission.at) {
      return { reason: "signature_expired", detail: `signature ${signature.id} expired at ${new Date(signature.expiresAt).toISOString()}` };
    }
    return undefined;
  },
};

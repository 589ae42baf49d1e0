import type { MessageRule } from "./rule.ts";

/**
 * d. 扩大签名使用范围: the category the message is judged as (declared, escalated by what the body
 * reads as) is in the signature's approved scope. Skips without a registered signature.
 */
export const scopeRule: MessageRule = {
  group: "scope",
  judges: "message",
  categories: "all",
  check(facts) {
    const signature = facts.signature;
    if (!signature) return undefined;
    const category = facts.category;
    if (signature.scope.has(category)) return undefined;
    const declared = facts.submission.declaredCategory;
    const escalated = category === declared ? "" : ` (declared ${declared}, reads as ${category})`;
    return { reason: "scope_exceeded", detail: `signature ${signature.id} is not approved for ${category}${escalated}` };
  },
};

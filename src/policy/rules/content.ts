import { foldCompactOfFolded } from "../text.ts";
import type { ContentRuleEntry } from "../types.ts";
import type { Facts } from "./facts.ts";
import type { MessageRule, Refusal } from "./rule.ts";

/**
 * Operator content rules (loan, gambling, fraud, contact diversion such as 加微信/加QQ, prohibited
 * goods…), changed through the API without a release. Matching reads the classifier's folded body
 * (traditional → simplified, full width, separators between Han characters, spaced letters), then
 * drops whitespace, punctuation and symbols: 加 微-信, 加*微*信 and 加微信 are one phrase. All
 * phrases of all rules are one Aho–Corasick automaton (one pass whatever their number); patterns
 * (accepted only when they cannot backtrack catastrophically) run on the folded body without
 * whitespace. A rule applies to the message categories it names, in its own mode: it refuses
 * only when it and the `content` group are both enforced; a rule in monitor records its hit and
 * lets the message pass. An enforced hit wins over a monitored one. Detail names the rule and
 * its category (the journal keeps it).
 */
export const contentRule: MessageRule = {
  group: "content",
  judges: "message",
  categories: "all",
  check(facts) {
    const content = facts.registry.content;
    if (!content || content.rulesById.size === 0) return undefined;
    // Most rules name marketing and notifications: a verification code is not even scanned.
    if (!content.coveredCategories.has(facts.category)) return undefined;
    let monitored: Refusal | undefined;
    const consider = (rule: ContentRuleEntry | undefined, matched: string): Refusal | undefined => {
      if (!rule || rule.mode === "off" || !rule.appliesTo.has(facts.category)) return undefined;
      const refusal: Refusal = { reason: "content_prohibited", detail: `content rule ${rule.id} (${rule.category}): ${matched}` };
      if (rule.mode === "enforce") return refusal;
      monitored ??= { ...refusal, monitorOnly: true };
      return undefined;
    };
    if (content.phrases.phraseCount > 0) {
      for (const hit of content.phrases.matchCompact(phraseText(facts))) {
        const refusal = consider(content.rulesById.get(hit.ruleId), `phrase "${hit.phrase}"`);
        if (refusal) return refusal;
      }
    }
    for (const rule of content.patternRules) {
      if (rule.mode === "off" || !rule.appliesTo.has(facts.category)) continue;
      if (!rule.pattern!.test(facts.compact)) continue;
      const refusal = consider(rule, `pattern /${rule.pattern!.source}/`);
      if (refusal) return refusal;
    }
    return monitored;
  },
};

/**
 * What content rules read: the classifier's fold of the body without whitespace (foldCompact of
 * it), which the phrase automaton reads passing over punctuation and symbols; the compact form
 * is shared with the opt-out hint rule.
 */
export function phraseText(facts: Facts): string {
  return foldCompactOfFolded(facts.folded, facts.compact);
}

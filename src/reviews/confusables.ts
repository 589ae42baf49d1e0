import { signatureSkeleton } from "../policy/skeleton.ts";

/**
 * Confusable folding for look-alike signatures (pure). Two signatures that fold to the same key look
 * the same to a recipient: 【Y0UKU】 and 【youku】, 【云端科技】 and 【雲端科技】, Latin "pay" and
 * Cyrillic "раy". The key is the policy's confusable skeleton (src/policy/skeleton.ts: Unicode TR39
 * confusables, traditional → simplified, width, case, invisible characters), the same one a filing
 * is checked against, so the review and the API agree on what looks alike.
 */
export function confusableKey(text: string): string {
  return signatureSkeleton(text);
}

/** Groups of two or more distinct texts that share a confusable key. */
export function lookAlikeGroups<T extends { text: string }>(items: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = confusableKey(item.text);
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  return [...groups.values()].filter((list) => new Set(list.map((i) => i.text)).size >= 2);
}

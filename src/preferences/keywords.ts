import { foldCompact } from "../policy/text.ts";
import type { Category } from "../policy/types.ts";

/**
 * MO keywords a subscriber sends to any port to set their own preferences carrier-wide (not
 * per enterprise, unlike T/TD/退订): what each one blocks, or `null` to clear every block. Matched
 * like opt-out words: width, case, spaces, invisible characters and trailing punctuation ignored.
 */
export const PREFERENCE_KEYWORDS: Readonly<Record<string, readonly Category[] | null>> = {
  退订营销: ["marketing"],
  tdyx: ["marketing"],
  退订通知: ["marketing", "notification"],
  tdtz: ["marketing", "notification"],
  恢复接收: null,
  hfjs: null,
};

const TRAILING_PUNCTUATION = /[\p{P}\p{S}]+$/u;

/** The preference an MO asks for, or undefined when it is not one of the keywords. */
export function preferenceKeyword(moText: string): { categories: readonly Category[] | null } | undefined {
  if (moText.length > 64) return undefined;
  const compact = foldCompact(moText).replace(TRAILING_PUNCTUATION, "");
  if (!Object.hasOwn(PREFERENCE_KEYWORDS, compact)) return undefined;
  return { categories: PREFERENCE_KEYWORDS[compact]! };
}

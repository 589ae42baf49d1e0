import HKVariantsRev from "opencc-js/dict/HKVariantsRev";
import TSCharacters from "opencc-js/dict/TSCharacters";
import TWVariantsRev from "opencc-js/dict/TWVariantsRev";

/**
 * Traditional → simplified Chinese, character by character, from OpenCC's own dictionaries
 * (opencc-js ships them): TSCharacters (traditional → simplified), plus the Taiwan and Hong Kong
 * variant tables (台/港 variant → OpenCC's standard traditional form) so that 偽, 裡 and the like
 * reach their simplified form too. A variant is used only when it leads to a simplified character,
 * so a simplified character that happens to be a regional variant (么) is left alone.
 *
 * Built once at module load into one Map (pure data, no I/O); converting is a lookup per Han
 * character, and a text without any traditional character is returned as it is. Character level,
 * not phrase level: good for matching (signatures, keywords), not for rendering text to people.
 */

function parse(dictionary: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of dictionary.split("|")) {
    const [from, to] = entry.split(" ");
    if (from && to && from !== to && !map.has(from)) map.set(from, to);
  }
  return map;
}

const T2S = parse(TSCharacters);
for (const table of [TWVariantsRev, HKVariantsRev]) {
  for (const [variant, standard] of parse(table)) {
    const simplified = T2S.get(standard);
    if (simplified !== undefined && !T2S.has(variant) && [...variant].length === 1) T2S.set(variant, simplified);
  }
}
for (const key of [...T2S.keys()]) if ([...key].length !== 1) T2S.delete(key);

/** BMP code units that start a traditional character (one bit each), to skip texts without any. */
const STARTS = new Uint8Array(0x10000);
for (const key of T2S.keys()) STARTS[key.charCodeAt(0)] = 1;

/** The number of characters in the table (for tests and the README). */
export const traditionalCharacterCount = T2S.size;

/** 會員專屬 → 会员专属, 雲端 → 云端; everything else unchanged. */
export function toSimplified(text: string): string {
  let i = 0;
  while (i < text.length && STARTS[text.charCodeAt(i)] === 0) i++;
  if (i === text.length) return text;
  let out = text.slice(0, i);
  for (const ch of text.slice(i)) out += T2S.get(ch) ?? ch;
  return out;
}

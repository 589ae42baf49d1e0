import { toSimplified } from "./chinese.ts";

/**
 * Text folding shared by the signature, classifier and opt-out checks. Patterns are compiled once
 * at module load; the /g ones are only used with String.replace, which resets lastIndex.
 */

/**
 * Characters a reader cannot see but a string comparison can: zero-width space/joiners, bidi marks,
 * word joiner, BOM, soft hyphen, variation selectors, Mongolian vowel separator, Hangul fillers,
 * tag characters. Default_Ignorable_Code_Point covers all of those; Cf adds the remaining format
 * characters; U+2800 (braille blank) is the usual "visible-empty" trick that neither covers.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/gu;
const INVISIBLE_OR_SPACE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800\p{White_Space}]/gu;
const SPACES = /[\s\u0085]+/g;

/**
 * Fast path. Most SMS text is ASCII, CJK ideographs and the common Chinese punctuation; for those
 * characters NFKC changes nothing except the full-width ASCII forms (，！？：（）Ｔ), which map to
 * ASCII by a fixed offset, and none is invisible. Skipping normalize() and the Unicode-property
 * scans there saves most of the folding cost. A test checks every character of this set against
 * the slow path, so the two cannot drift apart.
 */
const NFKC_STABLE =
  /^[\t\n\v\f\r\x20-\x7e\u00b7\u00d7\u00f7\u2014\u2018\u2019\u201c\u201d\u3001-\u3003\u3008-\u3011\u3014-\u301f\u4e00-\u9fff\uff01-\uff5e]*$/;
const FULL_WIDTH_ASCII = /[\uff01-\uff5e]/g;
function fromFullWidth(ch: string): string {
  return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
}

/**
 * NFKC (full-width Ｔ→T, ①→1, ㈜→(株)), invisible characters removed, lower case. Whitespace is kept
 * (NFKC turns the ideographic space into a plain one) so English word boundaries still mean something.
 */
export function foldKeepSpaces(text: string): string {
  if (NFKC_STABLE.test(text)) return text.replace(FULL_WIDTH_ASCII, fromFullWidth).toLowerCase();
  return foldSlowly(text);
}

/** The reference folding; the fast path must give the same result. Exported for that test. */
export function foldSlowly(text: string): string {
  // Invisible characters go first as well, so a joiner cannot block NFKC composition.
  return text.replace(INVISIBLE, "").normalize("NFKC").replace(INVISIBLE, "").toLowerCase();
}

/**
 * foldCompact of a text that is already folded (foldKeepSpaces or foldForClassification): when
 * it is in the fast path's set the fold changes nothing but the whitespace, which `compact`
 * (compactFolded of the same text) has already dropped.
 */
export function foldCompactOfFolded(folded: string, compact: string): string {
  return NFKC_STABLE.test(folded) ? compact : foldCompact(folded);
}

/** As foldKeepSpaces, but every kind of whitespace is removed too: "回 T 退订" → "回t退订". */
export function foldCompact(text: string): string {
  if (NFKC_STABLE.test(text)) return text.replace(FULL_WIDTH_ASCII, fromFullWidth).replace(SPACES, "").toLowerCase();
  return text.replace(INVISIBLE_OR_SPACE, "").normalize("NFKC").replace(INVISIBLE_OR_SPACE, "").toLowerCase();
}

/**
 * What the classifier reads: foldKeepSpaces, then traditional → simplified (會員專屬 → 会员专属), then
 * the tricks that split words without changing how they read are undone:
 *  - anything that is not a letter, a digit or sentence punctuation (，。！？；：、 and their ASCII
 *    forms) between two Han characters is removed: 优-惠, 限.时, 特*价, 红😀包, 抢 购 → 优惠 …;
 *  - single Latin letters spaced or dotted apart are joined: "S A L E", "s.a.l.e" → "sale";
 *  - three or more single Han characters each cut off by punctuation are joined: "优。惠。券" → "优惠券".
 * Sentence punctuation stays, so words of two sentences are not run together ("有限，时间" is not 限时).
 */
export function foldForClassification(text: string): string {
  return classificationFoldOfKept(foldKeepSpaces(text));
}

/** foldForClassification of a text already folded by foldKeepSpaces (a caller that needs both folds folds once). */
export function classificationFoldOfKept(kept: string): string {
  let folded = toSimplified(kept);
  // Each rewrite runs only when a cheap test (plain character classes, no Unicode properties)
  // says it could match: most messages need none of them.
  if (MAYBE_HAN_SEPARATOR.test(folded)) folded = folded.replace(HAN_SEPARATOR, "$1");
  if (MAYBE_SPACED_HAN.test(folded)) folded = folded.replace(SPACED_HAN, joinLetters);
  if (MAYBE_SPACED_LETTERS.test(folded)) folded = folded.replace(SPACED_LETTERS, joinLetters);
  return folded;
}

const HAN_RANGE = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\ud840-\\ud87f";
const MAYBE_HAN_SEPARATOR = new RegExp(`[${HAN_RANGE}][^${HAN_RANGE}A-Za-z0-9,!?;:\\u3001\\u3002\\n\\r]`);
const MAYBE_SPACED_HAN = new RegExp(`[${HAN_RANGE}][^${HAN_RANGE}A-Za-z0-9\\n]{1,3}[${HAN_RANGE}][^${HAN_RANGE}A-Za-z0-9\\n]`);
const SMALL_LETTER = "a-z\\u00df-\\u024f\\u03ac-\\u03ce\\u0430-\\u045f";
const MAYBE_SPACED_LETTERS = new RegExp(`[${SMALL_LETTER}][^${SMALL_LETTER}0-9\\n]{1,3}[${SMALL_LETTER}][^${SMALL_LETTER}0-9\\n]{1,3}[${SMALL_LETTER}]`);

const SEPARATOR = "[^\\p{L}\\p{N},.!?;:\\u3001\\u3002\\n\\r]";
/** Separators between two Han characters; one "." may be among them, "..." (…) stays: it ends a phrase. */
const HAN_SEPARATOR = new RegExp(`(\\p{sc=Han})(?:${SEPARATOR}+\\.?${SEPARATOR}*|\\.${SEPARATOR}*)(?=\\p{sc=Han})`, "gu");
const SPACED_LETTERS = /(?<![\p{L}\p{N}])\p{Ll}(?:[^\p{L}\p{N}\n]{1,3}\p{Ll}(?![\p{L}\p{N}])){2,}/gu;
const SPACED_HAN = /(?<!\p{sc=Han})\p{sc=Han}(?:[^\p{L}\p{N}\n]{1,3}\p{sc=Han}(?!\p{sc=Han})){2,}/gu;
const NOT_LETTER = /[^\p{L}]/gu;
function joinLetters(run: string): string {
  return run.replace(NOT_LETTER, "");
}

/** foldCompact for a text that already went through foldKeepSpaces (saves a second fold). */
export function compactFolded(folded: string): string {
  return folded.replace(SPACES, "");
}

/**
 * True for a UTF-16 code unit that is whitespace or an invisible format character, for scanning the
 * edges of a text without allocating. 0xDB40 is the high surrogate of plane 14, which holds only
 * tag characters and the variation selectors supplement (both invisible): callers skip the pair.
 */
export function isInvisibleUnit(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0xad ||
    c === 0x34f ||
    c === 0x61c ||
    c === 0x115f ||
    c === 0x1160 ||
    c === 0x1680 ||
    c === 0x17b4 ||
    c === 0x17b5 ||
    (c >= 0x180b && c <= 0x180f) ||
    (c >= 0x2000 && c <= 0x200f) ||
    (c >= 0x2028 && c <= 0x202f) ||
    (c >= 0x205f && c <= 0x206f) ||
    c === 0x2800 ||
    c === 0x3000 ||
    c === 0x3164 ||
    (c >= 0xfe00 && c <= 0xfe0f) ||
    c === 0xfeff ||
    c === 0xffa0 ||
    (c >= 0xfff0 && c <= 0xfffb) ||
    c === 0xdb40
  );
}

/**
 * One pass over a message body that both fast exits read: the link reader's (can this text hold a
 * link at all?) and the number reader's (can it hold a phone number?). Reading every body twice,
 * once per reader, was most of what the two readers cost on ordinary messages.
 *
 * Everything here is a necessary condition, never a verdict: when a flag says "maybe", the reader
 * runs as it always did. test/src/policy/content/body-scan.test.ts holds each flag to what it
 * stands for on random texts.
 */
import { charTest } from "./char-test.ts";
import { foldsOneForOneUnit } from "./mapped.ts";

export interface BodyScan {
  // ---- for the link reader (links.ts) ----
  /** Every unit is a NO_LINK_CHAR (links.ts): Han, ASCII, whitespace, CJK and full-width punctuation. */
  readonly plainForLinks: boolean;
  /**
   * False only when MAY_HOLD_LINK (links.ts) cannot match: no dot-like or opening bracket next to
   * an ASCII letter, digit, hyphen or whitespace, no comma between an ASCII letter or digit and an
   * ASCII letter, no colon in a text with a slash, no "dot".
   */
  readonly mayHoldLink: boolean;
  // ---- for the number reader (phones.ts) ----
  /** ASCII digits. */
  readonly digits: number;
  /** Chinese numerals (零一二…, 壹贰…, 幺两). */
  readonly numerals: number;
  /** An o or l (either case) anywhere: read as 0 and 1 between digits. */
  readonly lettersOl: boolean;
  /** A unit outside ASCII that is not unified Han, punctuation or whitespace: it may fold into a digit. */
  readonly unusual: boolean;
  /** foldsOneForOne(text) (mapped.ts). */
  readonly oneForOne: boolean;
}

/** What links.ts reads as it stands (NO_LINK_CHAR there; the same class). */
export const NO_LINK_CHAR = /^[\p{Script=Han}0-9A-Za-z\s!-\/:-@\[-`{-~\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]$/u;
const isNoLinkChar = charTest(NO_LINK_CHAR);
/** Beyond ASCII, what is read as it stands: unified Han, punctuation and spaces (anything else may fold into a digit or numeral). */
const isPlainNonAscii = charTest(/^[\u3400-\u4dbf\u4e00-\u9fff\p{P}\s]$/u);
const isChineseNumeral = charTest(/^[零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖幺两]$/);
const isSpace = charTest(/^\s$/);

const isDotLikeOrBracket = (c: number) =>
  c === 0x2e || c === 0x3002 || c === 0xff61 || c === 0xff0e || c === 0x70b9 || c === 0x5b || c === 0x28 || c === 0x7b || c === 0x3010 || c === 0xff08;
const isAsciiLetter = (c: number) => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
const isAsciiAlnum = (c: number) => (c >= 0x30 && c <= 0x39) || isAsciiLetter(c);
/** An ASCII label character or whitespace: what may stand next to a dot-like in a link (spaces around it allowed); -1 is no character. */
const mayBeLinkNeighbour = (c: number) => c >= 0 && (c === 0x2d || isAsciiAlnum(c) || isSpace.has(c));

export function scanBody(text: string): BodyScan {
  let plainForLinks = true;
  let nearDot = false;
  let colon = false;
  let slash = false;
  let digits = 0;
  let numerals = 0;
  let lettersOl = false;
  let unusual = false;
  let oneForOne = true;
  let previous = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
    if (c < 0x80) {
      if (c >= 0x30 && c <= 0x39) digits++;
      else {
        const lower = c | 0x20;
        if (lower === 0x6f || lower === 0x6c) lettersOl = true;
        else if (lower === 0x64 && (next | 0x20) === 0x6f && i + 2 < n && (text.charCodeAt(i + 2) | 0x20) === 0x74) nearDot = true; // "dot"
        else if (c === 0x3a) colon = true;
        else if (c === 0x2f) slash = true;
        else if (c === 0x2c && isAsciiAlnum(previous) && isAsciiLetter(next)) nearDot = true;
      }
      if (!isNoLinkChar.has(c)) plainForLinks = false;
    } else if (c >= 0x4e00 && c <= 0x9fff) {
      // Unified Han: plain for both readers and folds to itself; only a numeral counts.
      if (isChineseNumeral.has(c)) numerals++;
    } else {
      oneForOne &&= foldsOneForOneUnit(c);
      if (isChineseNumeral.has(c)) numerals++;
      else if (!isPlainNonAscii.has(c)) unusual = true;
      if (!isNoLinkChar.has(c)) plainForLinks = false;
      if (c === 0xff1a) colon = true;
      else if (c === 0xff0f) slash = true;
      else if (c === 0xff0c && isAsciiAlnum(previous) && isAsciiLetter(next)) nearDot = true;
    }
    if (isDotLikeOrBracket(c) && (mayBeLinkNeighbour(previous) || mayBeLinkNeighbour(next))) nearDot = true;
    previous = c;
  }
  return { plainForLinks, mayHoldLink: nearDot || (colon && slash), digits, numerals, lettersOl, unusual, oneForOne };
}

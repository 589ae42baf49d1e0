import { foldCompact, isInvisibleUnit } from "./text.ts";

/**
 * Signature extraction. The grammar (README "Signature grammar"):
 *
 *   message   = ws* tag body | body tag ws*      (ws: white space or invisible characters)
 *   tag       = opener text closer               (text: not empty after normalisation)
 *   body      = any text holding NO bracket of the set below, paired or not
 *
 * A message carries exactly one signature tag, as its first or its last visible thing. Any other
 * bracket of the set anywhere — a second tag next to the first, the same tag repeated, a tag at the
 * other end, a tag followed by punctuation or an emoji — is refused: a closed pair is
 * signature_multiple, a lone bracket signature_unclosed. A message whose only tag is not at an edge
 * ("正文【B】。", "正文【B】😀") is signature_not_at_edge.
 *
 * Which brackets count: 【】 and every bracket that renders like it on a phone, in any
 * opener/closer combination. Recognition works on the RAW code points, before NFKC:
 *   【 】 U+3010/3011  black lenticular brackets (the regulated form)
 *   〖 〗 U+3016/3017  white lenticular brackets
 *   〔 〕 U+3014/3015  tortoise shell brackets;  〘 〙 U+3018/3019 white tortoise shell
 *   〚 〛 U+301A/301B  white square brackets;    ⟦ ⟧ U+27E6/27E7 mathematical white square
 *   ［ ］ U+FF3B/FF3D  full-width square brackets
 *   ︻ ︼ ︗ ︘ ︹ ︺ U+FE3B/FE3C, FE17/FE18, FE39/FE3A  vertical presentation forms of 【】〖〗〔〕
 *   ﹝ ﹞ U+FE5D/FE5E  small tortoise shell;     ⦗ ⦘ U+2997/2998 black tortoise shell
 * Not counted: ASCII [ ] (bodies carry "[图片]", "[1/2]" and phones show them as thin ASCII
 * brackets), 「」『』《》〈〉 (quotation and title marks of ordinary Chinese text) and ( ).
 */

export type SignatureErrorCode =
  | "signature_missing"
  | "signature_empty"
  | "signature_unclosed"
  | "signature_multiple"
  | "signature_not_at_edge";

export type SignatureExtraction =
  | {
      ok: true;
      /** Normalised signature text, the registry's lookup key. */
      text: string;
      /** The characters between the brackets, as sent. */
      raw: string;
      position: "start" | "end";
      /** The message without its signature(s), for classification. */
      body: string;
    }
  | {
      ok: false;
      reason: SignatureErrorCode;
      /** The offending bracket's content as sent, when there is one. */
      raw?: string;
      /** For signature_multiple: the other signature as sent. */
      otherRaw?: string;
    };

/**
 * The registry's key for a signature: NFKC (full-width letters to ASCII), invisible characters and
 * every kind of whitespace removed, lower case. 【ＡＢＣ 银\u200B行】 and 【abc银行】 are one signature.
 */
export function normaliseSignatureText(text: string): string {
  return foldCompact(text);
}

const OPENERS: ReadonlySet<number> = new Set([0x3010, 0x3016, 0x3014, 0x3018, 0x301a, 0x27e6, 0xff3b, 0xfe3b, 0xfe17, 0xfe39, 0xfe5d, 0x2997]);
const CLOSERS: ReadonlySet<number> = new Set([0x3011, 0x3017, 0x3015, 0x3019, 0x301b, 0x27e7, 0xff3d, 0xfe3c, 0xfe18, 0xfe3a, 0xfe5e, 0x2998]);

function isOpener(c: number): boolean {
  return OPENERS.has(c);
}

function isCloser(c: number): boolean {
  return CLOSERS.has(c);
}

/** Index of the first visible code unit at or after `from` (text.length when none). */
function skipForward(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0xdb40) i += 2; // plane-14 tag / variation selector: a surrogate pair
    else if (isInvisibleUnit(c)) i++;
    else break;
  }
  return i;
}

/** One past the last visible code unit before `end` (0 when none). */
function skipBackward(text: string, end: number): number {
  let i = end;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c >= 0xdc00 && c <= 0xdfff && i >= 2 && text.charCodeAt(i - 2) === 0xdb40) i -= 2;
    else if (isInvisibleUnit(c)) i--;
    else break;
  }
  return i;
}

/** A bracket pair's positions: `open` and `close` are the bracket indices. */
interface Span {
  open: number;
  close: number;
}

/** The pair opening at `open`, or -1 when unclosed (no closer, or another opener first). */
function closeForward(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isCloser(c)) return i;
    if (isOpener(c)) return -1;
  }
  return -1;
}

/** The pair closing at `close`, or -1 when unopened (no opener, or another closer first). */
function openBackward(text: string, close: number): number {
  for (let i = close - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (isOpener(c)) return i;
    if (isCloser(c)) return -1;
  }
  return -1;
}

const MISSING: SignatureExtraction = { ok: false, reason: "signature_missing" };
const UNCLOSED: SignatureExtraction = { ok: false, reason: "signature_unclosed" };

export function extractSignature(text: string): SignatureExtraction {
  const first = skipForward(text, 0);
  const last = skipBackward(text, text.length) - 1;
  if (first > last) return MISSING;

  let tag: Span;
  let position: "start" | "end";
  if (isOpener(text.charCodeAt(first))) {
    const close = closeForward(text, first);
    if (close < 0) return UNCLOSED;
    tag = { open: first, close };
    position = "start";
  } else if (isCloser(text.charCodeAt(last))) {
    const open = openBackward(text, last);
    if (open < 0) return UNCLOSED;
    tag = { open, close: last };
    position = "end";
  } else {
    const inner = findInnerPair(text, first, last);
    return inner ? { ok: false, reason: "signature_not_at_edge", raw: text.slice(inner.open + 1, inner.close) } : MISSING;
  }

  const raw = text.slice(tag.open + 1, tag.close);
  const normalised = normaliseSignatureText(raw);
  if (normalised === "") return { ok: false, reason: "signature_empty", raw };

  // Exactly one tag: no other signature bracket anywhere in the rest of the message.
  const bodyFrom = position === "start" ? tag.close + 1 : first;
  const bodyTo = position === "start" ? last + 1 : tag.open;
  for (let i = bodyFrom; i < bodyTo; i++) {
    const c = text.charCodeAt(i);
    if (isOpener(c)) {
      const close = closeForward(text, i);
      if (close < 0 || close >= bodyTo) return { ok: false, reason: "signature_unclosed", raw };
      return { ok: false, reason: "signature_multiple", raw, otherRaw: text.slice(i + 1, close) };
    }
    if (isCloser(c)) return { ok: false, reason: "signature_unclosed", raw };
  }
  return { ok: true, text: normalised, raw, position, body: text.slice(bodyFrom, bodyTo) };
}

/** A closed bracket pair strictly inside the text, for telling "misplaced" from "missing". */
function findInnerPair(text: string, from: number, to: number): Span | undefined {
  for (let i = from; i <= to; i++) {
    if (!isOpener(text.charCodeAt(i))) continue;
    const close = closeForward(text, i);
    if (close > 0 && close <= to) return { open: i, close };
  }
  return undefined;
}

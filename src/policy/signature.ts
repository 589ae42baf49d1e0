import { foldCompact, isInvisibleUnit } from "./text.ts";

/**
 * Signature extraction: exactly one 【…】 at the start or end of the text.
 *
 * Which brackets count. Recognition works on the RAW code points, before NFKC, because NFKC maps
 * the full-width ［］ to ASCII [ ], and ASCII brackets are far too common in message bodies
 * ("[图片]", "[1/2]") to be read as signatures. Accepted, in any opener/closer combination:
 *   【 】 U+3010/3011  black lenticular brackets (the regulated form)
 *   〖 〗 U+3016/3017  white lenticular brackets (the usual look-alike)
 *   ［ ］ U+FF3B/FF3D  full-width square brackets (look like 【】 in many phone fonts)
 *   ︻ ︼ U+FE3B/FE3C  vertical presentation forms of 【 】 (NFKC maps them to 【 】)
 *   ︗ ︘ U+FE17/FE18  vertical presentation forms of 〖 〗 (NFKC maps them to 〖 〗)
 * Not accepted: ASCII [ ], 〔〕, 「」, 『』, (). Not recognising a bracket never lets a message
 * through unchecked: without a recognised signature it is refused as signature_missing.
 *
 * Evasions handled: whitespace and invisible characters before the bracket or after the text;
 * full-width letters, spaces and zero-width characters inside (the text is normalised); a second,
 * different signature stacked next to the first ("【A】【B】正文") or at the other end. Brackets in
 * the middle of the body are not signatures and are allowed when an edge signature exists; but a
 * bracket that ENDS the text is read as a signature, as phones and carriers read it, so
 * "【A】查看【物流详情】" is two signatures. The same signature at both ends ("【A】…【A】") is
 * accepted: it names one enterprise.
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

function isOpener(c: number): boolean {
  return c === 0x3010 || c === 0x3016 || c === 0xff3b || c === 0xfe3b || c === 0xfe17;
}

function isCloser(c: number): boolean {
  return c === 0x3011 || c === 0x3017 || c === 0xff3d || c === 0xfe3c || c === 0xfe18;
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

  let start: Span | undefined;
  let startEnd = first; // where the body begins after the leading signature(s)
  if (isOpener(text.charCodeAt(first))) {
    const close = closeForward(text, first);
    if (close < 0) return UNCLOSED;
    start = { open: first, close };
    startEnd = close + 1;
  }
  let end: Span | undefined;
  let endStart = last + 1; // where the body ends before the trailing signature(s)
  if (isCloser(text.charCodeAt(last))) {
    const open = openBackward(text, last);
    if (open < 0) return UNCLOSED;
    if (!start || open !== start.open) {
      end = { open, close: last };
      endStart = open;
    }
  }
  if (!start && !end) {
    const open = findInnerPair(text, first, last);
    return open ? { ok: false, reason: "signature_not_at_edge", raw: text.slice(open.open + 1, open.close) } : MISSING;
  }

  const chosen = (start ?? end) as Span;
  const raw = text.slice(chosen.open + 1, chosen.close);
  const normalised = normaliseSignatureText(raw);
  if (normalised === "") return { ok: false, reason: "signature_empty", raw };

  // Another signature stacked next to a leading one, or before a trailing one, or at the other end.
  if (start) {
    const next = skipForward(text, startEnd);
    if (next < endStart && isOpener(text.charCodeAt(next))) {
      const close = closeForward(text, next);
      if (close < 0) return UNCLOSED;
      const clash = compare(text, next, close, normalised, raw);
      if (clash) return clash;
      startEnd = close + 1;
    }
  }
  if (end) {
    const previous = skipBackward(text, endStart) - 1;
    if (previous >= startEnd && isCloser(text.charCodeAt(previous))) {
      const open = openBackward(text, previous);
      if (open < 0) return UNCLOSED;
      const clash = compare(text, open, previous, normalised, raw);
      if (clash) return clash;
      endStart = open;
    }
    if (start) {
      const clash = compare(text, end.open, end.close, normalised, raw);
      if (clash) return clash;
    }
  }
  return {
    ok: true,
    text: normalised,
    raw,
    position: start ? "start" : "end",
    body: startEnd >= endStart ? "" : text.slice(startEnd, endStart),
  };
}

/** undefined when the bracket at open..close holds the same signature; the refusal otherwise. */
function compare(text: string, open: number, close: number, normalised: string, raw: string): SignatureExtraction | undefined {
  const otherRaw = text.slice(open + 1, close);
  const other = normaliseSignatureText(otherRaw);
  if (other === normalised) return undefined;
  if (other === "") return { ok: false, reason: "signature_empty", raw: otherRaw };
  return { ok: false, reason: "signature_multiple", raw, otherRaw };
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

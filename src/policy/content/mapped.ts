/**
 * Folding that remembers where every output character came from, so an extractor can work on the
 * folded text (full-width → ASCII, invisible characters gone, lower case) and still report the
 * exact slice of the message the SP sent (`raw`). The folding per code point is the same as
 * foldSlowly in src/policy/text.ts (invisible removed, NFKC, lower case); it is done code point by
 * code point so each output character keeps the index of its source.
 */

const INVISIBLE = /^[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]$/u;

export interface Mapped {
  /** The folded text. */
  readonly text: string;
  /**
   * For each UTF-16 unit of `text`, the index in the original of the code point it came from;
   * absent when that is the unit's own index (the one-for-one fold of most messages: no array).
   */
  readonly from?: readonly number[];
  /** The original text (for slicing `raw`). */
  readonly source: string;
}

/**
 * The last text folded and its fold: the link and phone extractors read the same body one after
 * the other, so the second one reuses the first one's fold. A Mapped is never modified (every
 * rewrite builds a new one), so sharing it is safe; the result depends on `source` alone.
 */
let lastSource: string | undefined;
let lastMapped: Mapped | undefined;

export function foldMapped(source: string): Mapped {
  if (source === lastSource) return lastMapped!;
  const mapped = foldMappedNow(source);
  lastSource = source;
  lastMapped = mapped;
  return mapped;
}

/**
 * True when every unit is ASCII, unified Han, full-width ASCII or common Chinese punctuation that
 * NFKC leaves alone (the set of foldKeepSpaces' fast path in src/policy/text.ts): none of them is
 * invisible and each folds to exactly one unit, so the fold is a replace and lower case, and the
 * index map is the identity. test/src/policy/content/mapped.test.ts checks every such character.
 */
export function foldsOneForOne(source: string): boolean {
  for (let i = 0; i < source.length; i++) if (!foldsOneForOneUnit(source.charCodeAt(i))) return false;
  return true;
}

/** foldsOneForOne for one UTF-16 unit (for callers that already walk the text). */
export function foldsOneForOneUnit(c: number): boolean {
  if (c < 0x80 || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xff01 && c <= 0xff5e)) return true;
  if ((c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) || (c >= 0x3014 && c <= 0x301f)) return true;
  return c === 0xb7 || c === 0xd7 || c === 0xf7 || c === 0x2014 || c === 0x2018 || c === 0x2019 || c === 0x201c || c === 0x201d;
}

const FULL_WIDTH_ASCII = /[\uff01-\uff5e]/g;
function fromFullWidth(ch: string): string {
  return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
}

function foldMappedNow(source: string): Mapped {
  if (foldsOneForOne(source)) return { text: source.replace(FULL_WIDTH_ASCII, fromFullWidth).toLowerCase(), source };
  let text = "";
  const from: number[] = [];
  let i = 0;
  for (const ch of source) {
    const code = ch.charCodeAt(0);
    // ASCII (no invisible character there) and unified Han (NFKC and case leave them alone, none
    // is invisible) fold to themselves: no regex, no normalize, for most of every message.
    if (code < 0x80 || (code >= 0x4e00 && code <= 0x9fff)) {
      from.push(i);
      text += code >= 0x41 && code <= 0x5a ? String.fromCharCode(code | 0x20) : ch;
    } else if (!INVISIBLE.test(ch)) {
      const folded = ch.normalize("NFKC").toLowerCase();
      for (let k = 0; k < folded.length; k++) from.push(i);
      text += folded;
    }
    i += ch.length;
  }
  return { text, from, source };
}

/**
 * String.replace on a Mapped text: each replacement's characters map to the start of what they
 * replaced. `pattern` must have the g flag. A replacement equal to what it replaces keeps its
 * mapping (each character maps to itself), so it changes nothing: when every replacement is such
 * (a rewrite that found "https://" already written plainly), the same Mapped comes back, nothing
 * copied.
 */
export function replaceMapped(m: Mapped, pattern: RegExp, replacement: (match: RegExpExecArray) => string): Mapped {
  let text = "";
  let from: number[] | undefined;
  let last = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(m.text); match !== null; match = pattern.exec(m.text)) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const rep = replacement(match);
    if (rep === match[0]) continue;
    from ??= [];
    text += m.text.slice(last, match.index);
    for (let k = last; k < match.index; k++) from.push(sourceIndex(m, k));
    text += rep;
    const end = match.index + match[0].length - 1;
    for (let k = 0; k < rep.length; k++) from.push(sourceIndex(m, k === rep.length - 1 ? end : Math.min(match.index + k, end)));
    last = match.index + match[0].length;
  }
  if (from === undefined) return m;
  text += m.text.slice(last);
  for (let k = last; k < m.text.length; k++) from.push(sourceIndex(m, k));
  return { text, from, source: m.source };
}

/** Where folded unit k came from in the original. */
function sourceIndex(m: Mapped, k: number): number {
  return m.from === undefined ? k : m.from[k]!;
}

/** The original slice that produced folded[start, end). */
export function rawSlice(m: Mapped, start: number, end: number): string {
  if (end <= start) return "";
  const a = sourceIndex(m, start);
  const lastFrom = sourceIndex(m, end - 1);
  const cp = m.source.codePointAt(lastFrom)!;
  return m.source.slice(a, lastFrom + (cp > 0xffff ? 2 : 1));
}

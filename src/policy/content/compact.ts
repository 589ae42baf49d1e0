/**
 * Whitespace-free text that remembers where the whitespace was. Templates are matched with all
 * whitespace folded away (so "验证码 是" fits "验证码是"), but a value's links and numbers must be
 * read as the reader sees them: "sf1234 13800000001" is an order number and a mobile, not one
 * 15-digit run. The compact text equals compactFolded(spaced) from src/policy/text.ts.
 */
import { charTest } from "./char-test.ts";

/** The compact text, and for each of its characters whether whitespace stood right before it. */
export interface Compact {
  readonly text: string;
  /**
   * Absent when the text had no whitespace at all (most messages): nothing to put back. May be
   * longer than `text` (entries past its end are 0; no view is cut, which costs more than it saves).
   */
  readonly gaps?: Uint8Array;
}

/** What compactFolded removes (/[\s\u0085]/), one UTF-16 unit at a time: every such character is in the BMP. */
const isSpace = charTest(/^[\s\u0085]$/);

/** compactFolded (text.ts) that remembers where the whitespace was. */
export function compactWithGaps(spaced: string): Compact {
  let first = 0;
  while (first < spaced.length && !isSpace.has(spaced.charCodeAt(first))) first++;
  if (first === spaced.length) return { text: spaced };
  let text = spaced.slice(0, first);
  const gaps = new Uint8Array(spaced.length);
  let pending = 0;
  let runStart = -1;
  for (let i = first; i <= spaced.length; i++) {
    if (i < spaced.length && !isSpace.has(spaced.charCodeAt(i))) {
      if (runStart < 0) {
        runStart = i;
        gaps[text.length] = pending;
      }
      continue;
    }
    if (runStart >= 0) text += spaced.slice(runStart, i);
    runStart = -1;
    pending = 1;
  }
  return { text, gaps };
}

/** text[start, end) as the reader sees it: with the whitespace that was inside it put back. */
export function spacedSlice(compact: Compact, start: number, end: number): string {
  const gaps = compact.gaps;
  if (gaps === undefined) return compact.text.slice(start, end);
  let out = "";
  let from = start;
  for (let k = start + 1; k < end; k++) {
    if (gaps[k] !== 1) continue;
    out += `${compact.text.slice(from, k)} `;
    from = k;
  }
  return out + compact.text.slice(from, end);
}

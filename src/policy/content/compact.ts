/**
 * Whitespace-free text that remembers where the whitespace was. Templates are matched with all
 * whitespace folded away (so "验证码 是" fits "验证码是"), but a value's links and numbers must be
 * read as the reader sees them: "sf1234 13800000001" is an order number and a mobile, not one
 * 15-digit run. The compact text equals compactFolded(spaced) from src/policy/text.ts.
 */
/** The compact text, and for each of its characters whether whitespace stood right before it. */
export interface Compact {
  readonly text: string;
  readonly gaps: Uint8Array;
}

const SPACE = /[\s\u0085]/;

/** compactFolded (text.ts) that remembers where the whitespace was. */
export function compactWithGaps(spaced: string): Compact {
  let text = "";
  const gaps = new Uint8Array(spaced.length);
  let pending = 0;
  for (const ch of spaced) {
    if (SPACE.test(ch)) {
      pending = 1;
      continue;
    }
    for (let k = 0; k < ch.length; k++) gaps[text.length + k] = k === 0 ? pending : 0;
    text += ch;
    pending = 0;
  }
  return { text, gaps: gaps.subarray(0, text.length) };
}

/** text[start, end) as the reader sees it: with the whitespace that was inside it put back. */
export function spacedSlice(compact: Compact, start: number, end: number): string {
  let out = "";
  for (let k = start; k < end; k++) out += (k > start && compact.gaps[k] === 1 ? " " : "") + compact.text[k];
  return out;
}

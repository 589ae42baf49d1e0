import { describe, expect, it } from "vitest";
import { compactWithGaps, spacedSlice } from "../../../../src/policy/content/compact.ts";
import { compactFolded } from "../../../../src/policy/text.ts";

/** Every character compactFolded removes, and neighbours that must stay. */
const ALPHABET = ["a", "1", "验", "码", "\u{20000}", "-", ".", " ", "\t", "\n", "\r", "\v", "\f", "\u0085", "\u00a0", "\u1680", "\u2000", "\u200a", "\u200b", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff", "\u0084", "\u0086", "\u2010"];

function randomText(seed: number): string {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  const length = next() % 14;
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[next() % ALPHABET.length];
  return out;
}

describe("compactWithGaps", () => {
  it("gives compactFolded's text, and puts one space back wherever whitespace stood inside a slice", () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const spaced = randomText(seed);
      const compact = compactWithGaps(spaced);
      expect(compact.text, JSON.stringify(spaced)).toBe(compactFolded(spaced));
      const reader = spaced.replace(/^[\s\u0085]+|[\s\u0085]+$/g, "").replace(/[\s\u0085]+/g, " ");
      expect(spacedSlice(compact, 0, compact.text.length), JSON.stringify(spaced)).toBe(reader);
    }
  });

  it("keeps inner whitespace of a value, not the whitespace at its edges", () => {
    const compact = compactWithGaps("单号 sf1234 13800000001 。");
    expect(compact.text).toBe("单号sf123413800000001。");
    expect(spacedSlice(compact, 2, 19)).toBe("sf1234 13800000001");
    expect(spacedSlice(compact, 0, 2)).toBe("单号");
    expect(compactWithGaps("没有空白").gaps).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { EndsIndex } from "../../../../src/policy/content/ends-index.ts";

/** What the index must return: every item whose start is a prefix and whose end a suffix, not overlapping. */
function naive(items: readonly { first: string; last: string; id: number }[], text: string): number[] {
  return items.filter((i) => i.first.length + i.last.length <= text.length && text.startsWith(i.first) && text.endsWith(i.last)).map((i) => i.id);
}

describe("EndsIndex", () => {
  it("finds the items whose fixed start and end fit, with few and with many keys of one length", () => {
    let seed = 11;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const alphabet = ["您", "的", "验", "码", "1", "，"];
    const word = (max: number) => Array.from({ length: random(max + 1) }, () => alphabet[random(alphabet.length)]).join("");
    // A short list (checked item by item), just past it (moved into the maps: few keys per length,
    // compared in place) and, with 3 characters of 6 letters, many keys (probed in the map).
    for (const [count, max] of [[5, 3], [9, 3], [400, 3]] as const) {
      const items = Array.from({ length: count }, (_, id) => ({ first: word(max), last: word(max), id }));
      const index = new EndsIndex<number>();
      for (const item of items) index.add(item.first, item.last, item.id);
      for (let t = 0; t < 2000; t++) {
        const text = word(8);
        expect(index.lookup(text).sort((a, b) => a - b), text).toEqual(naive(items, text));
      }
    }
  });

  it("does not let the start and the end share characters", () => {
    const index = new EndsIndex<string>();
    index.add("您的", "的码", "overlap");
    expect(index.lookup("您的码")).toEqual([]);
    expect(index.lookup("您的的码")).toEqual(["overlap"]);
  });
});

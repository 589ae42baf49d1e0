import { describe, expect, it } from "vitest";
import { foldMapped, foldsOneForOne, rawSlice } from "../../../../src/policy/content/mapped.ts";

const INVISIBLE = /^[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]$/u;
/** The fold by its definition, one code point at a time: invisible removed, NFKC, lower case. */
function reference(text: string): string {
  let out = "";
  for (const ch of text) if (!INVISIBLE.test(ch)) out += ch.normalize("NFKC").toLowerCase();
  return out;
}

describe("foldMapped", () => {
  it("folds every character of its one-for-one fast path as the reference fold does, one unit each", () => {
    const mismatches: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const ch = String.fromCharCode(code);
      if (!foldsOneForOne(ch)) continue;
      const m = foldMapped(`${ch}x`);
      if (m.text !== `${reference(ch)}x` || m.text.length !== 2 || rawSlice(m, 0, 1) !== ch || rawSlice(m, 1, 2) !== "x") mismatches.push(code.toString(16));
    }
    expect(mismatches).toEqual([]);
  });

  it("gives the same text and source slices on both paths (a character outside the fast set takes the slow one)", () => {
    const fast = "【云端】访问ＷＷＷ．Example。com，回T退订";
    const slow = `${fast}\u200b①`;
    expect(foldsOneForOne(fast)).toBe(true);
    expect(foldsOneForOne(slow)).toBe(false);
    const a = foldMapped(fast);
    const b = foldMapped(slow);
    expect(a.text).toBe(reference(fast));
    expect(b.text).toBe(reference(slow));
    expect(b.text.startsWith(a.text)).toBe(true);
    const at = a.text.indexOf("www");
    expect(rawSlice(a, at, at + 3)).toBe("ＷＷＷ");
    expect(rawSlice(b, at, at + 3)).toBe("ＷＷＷ");
    expect(rawSlice(b, b.text.length - 1, b.text.length)).toBe("①");
  });

  it("answers for the text it is given when texts alternate (the last fold is reused only for the same text)", () => {
    const one = foldMapped("ＡＢＣ123");
    const two = foldMapped("DEF456");
    expect(foldMapped("ＡＢＣ123").text).toBe("abc123");
    expect(foldMapped("DEF456").text).toBe("def456");
    expect(one.text).toBe("abc123");
    expect(two.text).toBe("def456");
  });
});

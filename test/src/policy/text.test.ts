import { describe, expect, it } from "vitest";
import { compactFolded, foldCompact, foldKeepSpaces, foldSlowly } from "../../../src/policy/text.ts";

const SLOW_COMPACT = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/gu;

describe("text folding", () => {
  it("gives the same result on the fast path as the reference NFKC folding, for every BMP character", () => {
    const mismatches: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const ch = String.fromCharCode(code);
      const text = `a${ch}中Ｂ`;
      if (foldKeepSpaces(text) !== foldSlowly(text)) mismatches.push(code.toString(16));
      if (foldCompact(text) !== foldSlowly(text).replace(SLOW_COMPACT, "")) mismatches.push(`compact ${code.toString(16)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("folds a typical Chinese SMS: full-width punctuation and letters to ASCII, lower case", () => {
    expect(foldKeepSpaces("【云端】您好，ＶＩＰ专享！Reply STOP")).toBe("【云端】您好,vip专享!reply stop");
    expect(foldCompact("回 Ｔ 退\u200b订")).toBe("回t退订");
  });

  it("compacts an already folded text like foldCompact does", () => {
    for (const text of ["回 T 退订", "Reply\tSTOP\n", "回\u3000T退订", "a\u0085b"]) {
      expect(compactFolded(foldKeepSpaces(text))).toBe(foldCompact(text));
    }
  });
});

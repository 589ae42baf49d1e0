import { describe, expect, it } from "vitest";
import { SIGNATURE_MAX_LENGTH, checkSignatureText, normaliseSignatureText } from "../../../src/lib/signature-text.ts";

describe("normaliseSignatureText", () => {
  it.each([
    ["云端科技", "云端科技"],
    ["  云端科技  ", "云端科技"],
    ["云端 科技", "云端科技"],
    ["云端\u3000科技", "云端科技"],
    ["云端\t科\n技", "云端科技"],
    ["云\u200B端\u200C科\u200D技\uFEFF", "云端科技"],
    ["\u2060云端科技\u00AD", "云端科技"],
    ["ＡＢＣ", "abc"],
    ["ＡＢＣ１２３", "abc123"],
    ["【云端科技】", "云端科技"],
    ["【ＡＢＣ】", "abc"],
    [" 【 云端科技 】 ", "云端科技"],
  ])("%j → %j", (input, expected) => {
    expect(normaliseSignatureText(input)).toBe(expected);
  });

  it("folds Latin case like the policy matcher, so 【ABC】 and 【abc】 are one signature", () => {
    expect(normaliseSignatureText("abc")).toBe("abc");
    expect(normaliseSignatureText("ＡＢＣ")).toBe(normaliseSignatureText("abc"));
  });

  it("is idempotent", () => {
    for (const input of ["【 ＡＢＣ 】", "云\u200B端", "ｱｲｳ", "①②"]) {
      const once = normaliseSignatureText(input);
      expect(normaliseSignatureText(once)).toBe(once);
    }
  });

  it("strips only one enclosing pair of 【】", () => {
    expect(normaliseSignatureText("【【云端】】")).toBe("【云端】");
    expect(normaliseSignatureText("【云端")).toBe("【云端");
  });
});

describe("checkSignatureText", () => {
  it("accepts 2 to 20 characters after normalisation", () => {
    expect(checkSignatureText("云端")).toEqual({ ok: true, text: "云端" });
    expect(checkSignatureText("云".repeat(SIGNATURE_MAX_LENGTH))).toMatchObject({ ok: true });
    // Whitespace and zero-width characters do not count towards the length.
    expect(checkSignatureText(`云 ${"\u200B".repeat(30)} 端`)).toEqual({ ok: true, text: "云端" });
  });

  it.each([
    ["云", /2–20 characters/],
    ["", /got 0/],
    [" \u200B ", /got 0/],
    ["云".repeat(21), /got 21/],
    ["云端【科技", /brackets/],
    ["云端】科技", /brackets/],
    ["【【云端】】", /brackets/],
    ["云端〖科技〗", /brackets/],
    ["云端［科技］", /brackets/],
    ["云端\u0007科技", /control/],
  ])("refuses %j", (input, problem) => {
    const result = checkSignatureText(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  it("counts characters, not UTF-16 units", () => {
    expect(checkSignatureText("𠀀".repeat(20))).toMatchObject({ ok: true });
    expect(checkSignatureText("𠀀".repeat(21))).toMatchObject({ ok: false });
  });
});

describe("checkSignatureText: every signature bracket of the message grammar", () => {
  it.each(["云端〘科技", "云端〙科技", "云端⟦科技⟧", "云端﹝科技", "云端︹科技", "云端⦗科技", "云端〚科技"])("refuses %s", (text) => {
    expect(checkSignatureText(text)).toMatchObject({ ok: false });
  });
});

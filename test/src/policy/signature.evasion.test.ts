import { describe, expect, it } from "vitest";
import { extractSignature } from "../../../src/policy/signature.ts";

/** Tricks an SP may use to slip an unregistered or second signature past the gate. */
describe("extractSignature (evasion)", () => {
  it("sees 【ＡＢＣ银行】 (full-width letters) as 【ABC银行】", () => {
    const a = extractSignature("【ＡＢＣ银行】您的账户余额变动");
    const b = extractSignature("【ABC银行】您的账户余额变动");
    expect(a).toMatchObject({ ok: true, text: "abc银行", raw: "ＡＢＣ银行" });
    expect(b).toMatchObject({ ok: true, text: "abc银行" });
  });

  it("sees through a zero-width space inside the signature", () => {
    expect(extractSignature("【云端\u200b科技】您好")).toMatchObject({ ok: true, text: "云端科技" });
  });

  it("sees through spaces inside the brackets", () => {
    expect(extractSignature("【 云端 科技 】您好")).toMatchObject({ ok: true, text: "云端科技" });
  });

  it("finds a signature behind leading spaces and invisible characters", () => {
    expect(extractSignature(" \u3000\u200b\ufeff【云端科技】您好")).toMatchObject({ ok: true, text: "云端科技", position: "start" });
    expect(extractSignature("\u{e0020}【云端科技】您好")).toMatchObject({ ok: true, position: "start" });
  });

  it("finds a signature before trailing spaces and invisible characters", () => {
    expect(extractSignature("您好【云端科技】 \u200d\n")).toMatchObject({ ok: true, text: "云端科技", position: "end" });
    expect(extractSignature("您好【云端科技】\u{e007f}")).toMatchObject({ ok: true, position: "end" });
  });

  it.each([
    ["〖云端科技〗您好", "white lenticular 〖〗"],
    ["［云端科技］您好", "full-width square ［］"],
    ["︻云端科技︼您好", "vertical 【】 ︻︼"],
    ["︗云端科技︘您好", "vertical 〖〗 ︗︘"],
    ["【云端科技〗您好", "mixed opener and closer"],
  ])("treats %s (%s) as a signature bracket", (text) => {
    expect(extractSignature(text)).toMatchObject({ ok: true, text: "云端科技" });
  });

  it("catches a different signature at the other end", () => {
    expect(extractSignature("【云端科技】您好，欢迎光临【星河商贸】")).toEqual({
      ok: false,
      reason: "signature_multiple",
      raw: "云端科技",
      otherRaw: "星河商贸",
    });
  });

  it("catches a different signature stacked after the first", () => {
    expect(extractSignature("【云端科技】 【星河商贸】您好")).toMatchObject({ ok: false, reason: "signature_multiple" });
  });

  it("catches a different signature stacked before the last", () => {
    expect(extractSignature("您好【云端科技】\u200b【星河商贸】")).toMatchObject({ ok: false, reason: "signature_multiple" });
  });

  it("catches a message made of two different signatures", () => {
    expect(extractSignature("【云端科技】【星河商贸】")).toMatchObject({ ok: false, reason: "signature_multiple" });
  });

  it("catches a second signature in a look-alike bracket", () => {
    expect(extractSignature("【云端科技】您好〖星河商贸〗")).toMatchObject({ ok: false, reason: "signature_multiple" });
  });

  it("refuses the same name repeated in full-width at the other end: exactly one tag", () => {
    expect(extractSignature("【ABC银行】您好【ＡＢＣ银行】")).toMatchObject({ ok: false, reason: "signature_multiple" });
  });
});

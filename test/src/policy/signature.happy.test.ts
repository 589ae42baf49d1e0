import { describe, expect, it } from "vitest";
import { extractSignature, normaliseSignatureText } from "../../../src/policy/signature.ts";

describe("normaliseSignatureText", () => {
  it("leaves an ordinary Chinese signature as it is", () => {
    expect(normaliseSignatureText("云端科技")).toBe("云端科技");
  });

  it("folds full-width letters and digits and lower-cases Latin", () => {
    expect(normaliseSignatureText("ＡＢＣ银行")).toBe("abc银行");
    expect(normaliseSignatureText("ABC银行")).toBe("abc银行");
    expect(normaliseSignatureText("１２３ｇｏ")).toBe("123go");
  });

  it("removes whitespace of every kind, including the ideographic space", () => {
    expect(normaliseSignatureText(" 云端 \t科技\u3000")).toBe("云端科技");
  });

  it("removes zero-width and format characters", () => {
    for (const invisible of ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\ufe0f", "\u200e", "\u202e", "\u{e0041}", "\u{e0100}"]) {
      expect(normaliseSignatureText(`云端${invisible}科技`), JSON.stringify(invisible)).toBe("云端科技");
    }
  });
});

describe("extractSignature (happy)", () => {
  it("finds the signature at the start and returns the body without it", () => {
    expect(extractSignature("【云端科技】您的验证码是123456，5分钟内有效。")).toEqual({
      ok: true,
      text: "云端科技",
      raw: "云端科技",
      position: "start",
      body: "您的验证码是123456，5分钟内有效。",
    });
  });

  it("finds the signature at the end", () => {
    expect(extractSignature("您的订单已发货。【云端科技】")).toMatchObject({ ok: true, text: "云端科技", position: "end", body: "您的订单已发货。" });
  });

  it("accepts a message that is only a signature", () => {
    expect(extractSignature("【云端科技】")).toMatchObject({ ok: true, text: "云端科技", position: "start", body: "" });
  });

  it("returns the body without the tag and the white space around it kept", () => {
    expect(extractSignature("  【云端科技】您好 ")).toMatchObject({ ok: true, text: "云端科技", position: "start", body: "您好" });
    expect(extractSignature("您好【云端科技】\u200b ")).toMatchObject({ ok: true, text: "云端科技", position: "end", body: "您好" });
  });

  it("accepts quotation and title marks in the body (not signature brackets)", () => {
    expect(extractSignature("【云端科技】请阅读《用户协议》和「隐私政策」。")).toMatchObject({ ok: true, text: "云端科技" });
  });

  it("does not read ASCII square brackets as a signature", () => {
    expect(extractSignature("[图片]【云端科技】")).toMatchObject({ ok: true, text: "云端科技", position: "end" });
    expect(extractSignature("[云端科技]您的验证码是123456")).toEqual({ ok: false, reason: "signature_missing" });
  });
});

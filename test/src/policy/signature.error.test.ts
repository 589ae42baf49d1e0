import { describe, expect, it } from "vitest";
import { extractSignature } from "../../../src/policy/signature.ts";

describe("extractSignature (error)", () => {
  it("reports a text without brackets as signature_missing", () => {
    expect(extractSignature("您的验证码是123456")).toEqual({ ok: false, reason: "signature_missing" });
  });

  it("reports an empty or blank text as signature_missing", () => {
    expect(extractSignature("")).toEqual({ ok: false, reason: "signature_missing" });
    expect(extractSignature(" \u200b ")).toEqual({ ok: false, reason: "signature_missing" });
  });

  it("reports 【】 as signature_empty", () => {
    expect(extractSignature("【】您好")).toEqual({ ok: false, reason: "signature_empty", raw: "" });
  });

  it("reports brackets holding only spaces or invisible characters as signature_empty", () => {
    expect(extractSignature("【 \u200b\u3000】您好")).toMatchObject({ ok: false, reason: "signature_empty" });
    expect(extractSignature("您好【\u2060】")).toMatchObject({ ok: false, reason: "signature_empty" });
  });

  it("reports an empty second tag as signature_multiple: a message carries exactly one tag", () => {
    expect(extractSignature("【云端科技】您好【】")).toMatchObject({ ok: false, reason: "signature_multiple", raw: "云端科技", otherRaw: "" });
  });

  it("reports 【abc without a closer as signature_unclosed", () => {
    expect(extractSignature("【abc 您的验证码是123456")).toEqual({ ok: false, reason: "signature_unclosed" });
  });

  it("reports a closer at the end without its opener as signature_unclosed", () => {
    expect(extractSignature("您的验证码是123456 云端科技】")).toEqual({ ok: false, reason: "signature_unclosed" });
  });

  it("reports an opener inside the leading signature as signature_unclosed", () => {
    expect(extractSignature("【云端【科技】您好")).toEqual({ ok: false, reason: "signature_unclosed" });
  });

  it("reports an unclosed stacked second bracket as signature_unclosed", () => {
    expect(extractSignature("【云端科技】【星河 您好")).toEqual({ ok: false, reason: "signature_unclosed", raw: "云端科技" });
  });

  it("reports a signature in the middle of the text as signature_not_at_edge", () => {
    expect(extractSignature("您好，【云端科技】提醒您按时还款。")).toEqual({
      ok: false,
      reason: "signature_not_at_edge",
      raw: "云端科技",
    });
  });

  it("reports punctuation after a trailing signature as not at the edge", () => {
    expect(extractSignature("您好【云端科技】。")).toMatchObject({ ok: false, reason: "signature_not_at_edge" });
  });

  it("reports a lone opener in the middle as signature_missing", () => {
    expect(extractSignature("您好【云端科技 欢迎")).toEqual({ ok: false, reason: "signature_missing" });
  });
});

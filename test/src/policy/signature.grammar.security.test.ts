import { describe, expect, it } from "vitest";
import { decide } from "../../../src/policy/decide.ts";
import { extractSignature } from "../../../src/policy/signature.ts";
import { counters, submission, world } from "./fixtures.ts";

/**
 * Issue 11 item 2: a message carries exactly one signature tag. Each of these was accepted under
 * the first signature before; each must now be refused, and the refusal must name what was tried.
 */
const A = "云端科技";
const B = "星河商贸";

describe("signature grammar (security): exactly one tag", () => {
  it.each([
    [`【${A}】【${A}】【${B}】您的验证码是123456`, "stacked, repeated and different at the start"],
    [`您的验证码是123456【${B}】【${A}】【${A}】`, "stacked at the end"],
    [`【${A}】您的验证码是123456【${B}】。`, "a trailing tag followed by punctuation"],
    [`【${A}】您的验证码是123456【${B}】!`, "a trailing tag followed by !"],
    [`【${A}】您的验证码是123456【${B}】😀`, "a trailing tag followed by an emoji"],
    [`【${A}】 【${B}】您的验证码是123456`, "two leading tags with a space between"],
    [`【${A}】您的验证码是123456【${A}】`, "the same tag at both ends"],
    [`【${A}】【${A}】您的验证码是123456`, "the same tag stacked"],
    [`【${A}】您已获得【黄金会员】资格，验证码123456`, "a tag in the middle of the body"],
    [`【${A}】您的验证码是123456〖${B}〗`, "a look-alike 〖〗 tag"],
    [`【${A}】您的验证码是123456〔${B}〕`, "a look-alike 〔〕 tag"],
    [`【${A}】您的验证码是123456［${B}］`, "a full-width ［］ tag"],
    [`【${A}】您的验证码是123456︻${B}︼`, "a vertical-form ︻︼ tag"],
    [`【${A}】您的验证码是123456〘${B}〙`, "a white tortoise shell 〘〙 tag"],
    [`【${A}】您的验证码是123456﹝${B}﹞`, "a small tortoise shell ﹝﹞ tag"],
    [`【${A}】您的验证码是123456【${B}〗`, "mixed brackets"],
    [`【${A}】您的\u200b验证码【\u200b${B}\u200b】是123456`, "a tag hidden between zero-width characters"],
  ])("refuses %s (%s) as signature_multiple and keeps the other tag", (text) => {
    const extracted = extractSignature(text);
    expect(extracted).toMatchObject({ ok: false, reason: "signature_multiple" });
    const verdict = decide(submission({ text }), world(), counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "signature_multiple", commandStatus: 0x413 });
    if (verdict.outcome === "reject") expect(verdict.detail).toMatch(/【.*】 and 【.*】/);
  });

  it.each([
    [`【${A}】您的验证码是123456【`, "a lone opener at the end"],
    [`【${A}】您的验证码】是123456`, "a lone closer in the body"],
    [`【${A}】您的验证码〖是123456`, "a lone look-alike opener"],
  ])("refuses %s (%s) as signature_unclosed", (text) => {
    expect(decide(submission({ text }), world(), counters())).toMatchObject({ outcome: "reject", reason: "signature_unclosed" });
  });

  it.each([
    [`您的验证码是123456【${A}】。`],
    [`您的验证码是123456【${A}】😀`],
    [`您的验证码是123456【${A}】a`],
  ])("refuses a tag followed by anything but white space (%s) as signature_not_at_edge", (text) => {
    expect(decide(submission({ text }), world(), counters())).toMatchObject({ outcome: "reject", reason: "signature_not_at_edge" });
  });

  it.each([
    [`【${A}】您的验证码是123456，5分钟内有效。`],
    [`您的验证码是123456，5分钟内有效。【${A}】`],
    [`您的验证码是123456，5分钟内有效。【${A}】 \u3000\n`],
    [`\u200b 【${A}】您的验证码是123456，[图片]请勿泄露。`],
    [`【${A}】您的验证码是123456，详见《用户协议》「第3条」。`],
  ])("still accepts one tag at an edge (%s)", (text) => {
    expect(decide(submission({ text }), world(), counters())).toMatchObject({ outcome: "accept", signature: { id: "sig-yunduan" } });
  });
});

import { describe, expect, it } from "vitest";
import { hasOptOutHint, isOptOutWord } from "../../../src/policy/classifier.ts";

describe("hasOptOutHint", () => {
  it.each([
    "会员日全场5折，回T退订",
    "退订回T",
    "退订回TD",
    "回TD退订",
    "拒收请回复R",
    "回N退订",
    "回复TD退订",
    "退订请回复T",
    "如需退订请回复T",
    "回复0退订",
    "回 Ｔ 退 订", // spaces and full width
    "回\u200bT退订", // zero-width
    "回t退订", // lower case
    "Reply STOP to opt out",
    "STOP to opt out",
    "txt STOP to 10690123",
    "Text STOP to unsubscribe",
    "reply stop",
    "ＲＥＰＬＹ ＳＴＯＰ",
  ])("finds the hint in %s", (text) => {
    expect(hasOptOutHint(text)).toBe(true);
  });

  it.each(["会员日全场5折", "回T", "退订", "请勿回复", "Stop by our store", "退订回Tom"])("finds no hint in %s", (text) => {
    expect(hasOptOutHint(text)).toBe(false);
  });
});

describe("isOptOutWord", () => {
  it.each(["T", "t", "TD", "td", "N", "R", "退订", "取消", "STOP", "stop", "Stop", "UNSUBSCRIBE", "unsubscribe"])("reads %s as an opt-out", (word) => {
    expect(isOptOutWord(word)).toBe(true);
  });

  it.each(["Ｔ", "ＴＤ", "ｓｔｏｐ", " T ", "T。", "T.", "td!", "退订！", "STOP!!", "\u200bT\u200b", "T\n", "T D"])(
    "tolerates width, case, whitespace and trailing punctuation: %j",
    (word) => {
      expect(isOptOutWord(word)).toBe(true);
    },
  );

  it.each(["", "。", "TT", "好的", "T 谢谢", "please stop", "退订了吗", "0", "Y", "NO", "stopp", "T".repeat(100)])(
    "does not read %j as an opt-out",
    (word) => {
      expect(isOptOutWord(word)).toBe(false);
    },
  );
});

import { describe, expect, it } from "vitest";
import { NO_LINK_CHAR, scanBody } from "../../../../src/policy/content/body-scan.ts";
import { foldsOneForOne } from "../../../../src/policy/content/mapped.ts";

// What the link reader's fast exit must never miss: a text of plain characters can hold a link
// only if this matches (links.ts keeps the same pattern and runs it when the scan says "maybe").
const MAY_HOLD_LINK = /[:：][\s*]{0,3}[\/／]|[a-z0-9-]\s*[.。｡．点]\s*[a-z0-9-]|www\s*[.。｡．点]|[a-z0-9]\s*[\[({【（]\s*(?:[.。｡．点]|dot)|dot|[a-z0-9][,，][a-z]/i;
const NUMERAL = /[零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖幺两]/g;
const IS_NUMERAL = /^[零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖幺两]$/;
const PLAIN_NON_ASCII = /^[\u3400-\u4dbf\u4e00-\u9fff\p{P}\s]$/u;

function reference(text: string) {
  const units = Array.from({ length: text.length }, (_, i) => text.charAt(i));
  return {
    plainForLinks: units.every((u) => NO_LINK_CHAR.test(u)),
    digits: (text.match(/[0-9]/g) ?? []).length,
    numerals: (text.match(NUMERAL) ?? []).length,
    lettersOl: /[ol]/i.test(text),
    unusual: units.some((u) => u.charCodeAt(0) >= 0x80 && !IS_NUMERAL.test(u) && !PLAIN_NON_ASCII.test(u)),
    oneForOne: foldsOneForOne(text),
  };
}

describe("scanBody: the one pass both readers' fast exits read", () => {
  it("counts and flags what the readers need, and never rules out a text the link pattern matches, on 30,000 texts", () => {
    let seed = 5;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const pieces = ["您", "的", "验证码", "点", "一", "三八", "壹", "两", "零", "⼀", "。", "，", ",", ".", "｡", "．", ":", "：", "/", "／", "[", "(", "{", "【", "（",
      " ", "\u3000", "\u00a0", "*", "a", "Z", "o", "L", "w", "www", "dot", "DoT", "d", "x", "-", "5", "1380000", "com", "cn", "！", "①", "Ｓ", "５", "…", "\u200b", "𠀀", "😀", "㐀"];
    let mayLink = 0;
    for (let i = 0; i < 30_000; i++) {
      const text = Array.from({ length: 1 + random(12) }, () => pieces[random(pieces.length)]).join("");
      const scan = scanBody(text);
      const expected = reference(text);
      expect({ ...scan, mayHoldLink: undefined }, text).toEqual({ ...expected, mayHoldLink: undefined });
      if (MAY_HOLD_LINK.test(text)) {
        mayLink++;
        expect(scan.mayHoldLink, text).toBe(true);
      }
    }
    expect(mayLink).toBeGreaterThan(3000);
  });

  it("rules out the link pattern on ordinary messages, so it does not run there", () => {
    for (const text of ["您的验证码是482913，5分钟内有效，请勿泄露。", "您的订单已发货，快递单号SF1234567890，请注意查收。", "会员日全场8折，优惠券已到账，回T退订"]) {
      expect(scanBody(text).mayHoldLink, text).toBe(false);
    }
    for (const text of ["访问example.com", "example 。com", "www。例子", "a[.]b", "h t t p : / / x", "example,com", "见dot处"]) {
      expect(scanBody(text).mayHoldLink, text).toBe(true);
    }
  });
});

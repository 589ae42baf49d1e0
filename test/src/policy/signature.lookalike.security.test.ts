import { describe, expect, it } from "vitest";
import { toSimplified, traditionalCharacterCount } from "../../../src/policy/chinese.ts";
import { normaliseSignatureText } from "../../../src/policy/signature.ts";
import { signatureSkeleton } from "../../../src/policy/skeleton.ts";
import { confusableKey } from "../../../src/reviews/confusables.ts";

/**
 * Issue 11 item 3: the confusable skeleton a filing is checked against. Each pair must collide —
 * also after the text went through the registry's normalisation (lower case, NFKC), because that
 * stored form is what the review and later filings compare.
 */
const SAME: [string, string, string][] = [
  ["ABC商城", "АВС商城", "Cyrillic А В С"],
  ["abc商城", "авс商城", "lower-case Cyrillic, sent upper-cased"],
  ["ABC商城", "ΑΒС商城", "Greek Α Β"],
  ["ABC商城", "ＡＢＣ商城", "full width"],
  ["ABC商城", "𝐀𝐁𝐂商城", "mathematical bold"],
  ["ABC商城", "A\u200bB\u2060C\u00ad商\ufeff城", "invisible characters"],
  ["ABC商城", "A B\u3000C 商城", "spaces"],
  ["云端科技", "雲端科技", "traditional"],
  ["顺丰速运", "順豐速運", "traditional"],
  ["云端科技", "云端·科技", "middle dot"],
  ["云端科技", "云端-科技", "hyphen"],
  ["paypal", "PAYPAI", "capital I for l"],
  ["paypal", "paypa1", "one for l"],
  ["youku", "Y0UKU", "zero for O"],
  ["modern", "rnodern", "rn for m"],
  ["apple", "аррlе", "Cyrillic а р е"],
  ["google", "gооgle", "Cyrillic о"],
];

const DIFFERENT: [string, string][] = [
  ["云端科技", "云端商城"],
  ["abc商城", "abd商城"],
  ["星河银行", "星河电商"],
  ["中国移动", "中国联通"],
];

describe("confusable skeleton (security)", () => {
  it.each(SAME)("【%s】 and 【%s】 (%s) share a skeleton, raw and as stored", (a, b) => {
    expect(signatureSkeleton(b)).toBe(signatureSkeleton(a));
    expect(signatureSkeleton(normaliseSignatureText(b))).toBe(signatureSkeleton(normaliseSignatureText(a)));
    expect(confusableKey(normaliseSignatureText(b))).toBe(signatureSkeleton(a));
  });

  it.each(DIFFERENT)("【%s】 and 【%s】 do not", (a, b) => {
    expect(signatureSkeleton(a)).not.toBe(signatureSkeleton(b));
  });

  it("uses OpenCC's full character table, not a hand list", () => {
    expect(traditionalCharacterCount).toBeGreaterThan(3000);
    expect(toSimplified("會員專屬限時特價搶購紅包")).toBe("会员专属限时特价抢购红包");
    expect(toSimplified("什么干净")).toBe("什么干净"); // simplified text is left alone
  });
});

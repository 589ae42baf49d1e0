import { describe, expect, it } from "vitest";
import { classifyText, judgeCategory } from "../../../src/policy/classifier.ts";
import { decide } from "../../../src/policy/decide.ts";
import { foldForClassification } from "../../../src/policy/text.ts";
import { counters, submission, world } from "./fixtures.ts";

/**
 * Issue 11 item 4: marketing declared as verification. Each text was accepted to an opted-out
 * recipient before. Under 【星河商贸】 (approved for all three categories, extension 02) the only
 * thing that can stop them is reading them as marketing.
 */
const EVASIONS = [
  "會員專屬：限時特價，搶購紅包",
  "优-惠来袭：限.时特.价",
  "S A L E 50 percent off",
  "全场半价…",
  "红😀包已到，抢😀购从速",
  "限 时 特 价 ， 手 慢 无",
  "ｓａｌｅ：全部５折",
  "會員日，全場買一送一",
  "优*惠*券已发放到您的账户",
  "s.a.l.e today only",
  "秒\u200b杀\u200b开\u200b始",
];

describe("classification evasions (security)", () => {
  it.each(EVASIONS)("reads %s as marketing", (text) => {
    expect(classifyText(text).category).toBe("marketing");
  });

  it.each(EVASIONS)("refuses %s declared VER to an opted-out recipient", (body) => {
    const registry = world().optOut("hash-alice", "ent-xinghe");
    const verdict = decide(submission({ sourceAddr: "106901234502", text: `【星河商贸】${body}回T退订`, declaredCategory: "verification" }), registry, counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "recipient_opted_out", category: "marketing" });
  });

  it.each(EVASIONS)("refuses %s declared VER without an opt-out hint (opt_out_hint_missing)", (body) => {
    const verdict = decide(submission({ sourceAddr: "106901234502", text: `【星河商贸】${body}`, declaredCategory: "verification" }), world(), counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "opt_out_hint_missing", category: "marketing" });
  });

  it("folds traditional characters, separators inside words and spaced letters", () => {
    expect(foldForClassification("會員專屬：限時特價")).toBe("会员专属:限时特价");
    expect(foldForClassification("优-惠来袭：限.时特.价")).toBe("优惠来袭:限时特价");
    expect(foldForClassification("S A L E 50 percent off")).toBe("sale 50 percent off");
    expect(foldForClassification("红😀包")).toBe("红包");
  });

  it("does not run words of two sentences together", () => {
    expect(foldForClassification("名额有限，时间另行通知")).toBe("名额有限,时间另行通知");
    expect(classifyText("名额有限，时间另行通知。").category).not.toBe("marketing");
  });
});

describe("declared verification must read as verification", () => {
  it("keeps a real verification message as verification", () => {
    const verdict = decide(submission(), world(), counters());
    expect(verdict).toMatchObject({ outcome: "accept", category: "verification" });
  });

  it("judges a VER message without a code by its content: a single weak marketing word makes it marketing", () => {
    expect(judgeCategory("verification", classifyText("新人专属福利"))).toBe("marketing");
    expect(judgeCategory("verification", classifyText("尊敬的会员，您好"))).toBe("marketing");
    expect(judgeCategory("notification", classifyText("尊敬的会员，您好"))).toBe("notification");
  });

  it("judges a VER message without a code and without marketing words as notification (scope decides)", () => {
    expect(judgeCategory("verification", classifyText("您好，明天见"))).toBe("notification");
    // 【云端商城】 is approved for marketing only: a bare VER text there is out of scope.
    const verdict = decide(
      submission({ sourceAddr: "106901234501", text: "【云端商城】您好，明天见", declaredCategory: "verification" }),
      world(),
      counters(),
    );
    expect(verdict).toMatchObject({ outcome: "reject", reason: "scope_exceeded", category: "notification" });
  });

  it("a code word without a code is not verification; a code without a code word is not either", () => {
    expect(classifyText("验证码活动进行中").readsAsVerification).toBe(false);
    expect(classifyText("123456").readsAsVerification).toBe(false);
    expect(classifyText("您的验证码是 A7K2Q9，请勿泄露").readsAsVerification).toBe(true);
    expect(classifyText("驗證碼：482913").readsAsVerification).toBe(true);
  });

  it("a verification message that also carries strong marketing is marketing", () => {
    expect(judgeCategory("verification", classifyText("验证码123456，会员日全场5折"))).toBe("marketing");
  });
});

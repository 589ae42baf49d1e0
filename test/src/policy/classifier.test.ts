import { describe, expect, it } from "vitest";
import { classifyText } from "../../../src/policy/classifier.ts";

describe("classifyText: verification", () => {
  it.each([
    "您的验证码是123456，5分钟内有效，请勿泄露。",
    "校验码：8812，用于身份验证。",
    "动态码 902314，请勿告诉他人。",
    "您正在修改订单，验证码 4821。", // a verification keyword outweighs order words
    "Your verification code is 482193.",
    "Your code is 4821. Do not share it.",
    "ＣＯＤＥ：４８２１", // full-width
  ])("reads %s as verification", (text) => {
    expect(classifyText(text).category).toBe("verification");
  });

  it("reports the signals it saw", () => {
    expect(classifyText("您的验证码是123456").signals).toEqual(["verification:验证码", "digit_code"]);
  });

  it("ranks a text with no evidence lowest (verification): it widens no scope", () => {
    expect(classifyText("你好")).toEqual({ category: "verification", signals: [], readsAsVerification: false, marketingSignals: 0 });
  });
});

describe("classifyText: notification", () => {
  it.each([
    "您的订单已发货，快递单号SF1234567890。",
    "您的包裹已到驿站，请凭取件码取件。",
    "您本月账单为128.50元，请于25日前缴费。",
    "您尾号8000的账户到账5000.00元。",
    "您已成功预约3月12日上午的门诊。",
    "温馨提醒：明日停水。",
    "中信证券提醒您：交易已完成。", // 证券 is not a coupon
    "验证码已发送给您的家人，订单已发货。".replace("验证码", "通知"),
    "您的快递已到，请及时领取 http://x.cn/a", // a link and 领取 alone are not marketing
    "Your order has shipped and will be delivered tomorrow.",
    "Reminder: your appointment is at 10:00.",
  ])("reads %s as notification", (text) => {
    expect(classifyText(text).category).toBe("notification");
  });
});

describe("classifyText: marketing", () => {
  it.each([
    ["会员日全场5折，回T退订", "会员日"],
    ["新品特价，限时抢购！", "特价"],
    ["满100减20，快来选购", "满减"],
    ["全场8.8折起", "N折"],
    ["全场八折", "N折"],
    ["全场打折", "打折"],
    ["送您一张优惠券，点击领取", "优惠券"],
    ["送您50元代金券", "优惠券"],
    ["双11大促，秒杀不停", "大促"],
    ["领红包啦", "红包"],
    ["0元试用新品", "0元"],
    ["买一送一，仅限今日", "买赠"],
    ["回复1订购流量包", "回复订购"],
    ["全场包邮", "包邮"],
    ["优 惠 来 了", "优惠"], // spaces inside the word
    ["Ｓａｌｅ ends tonight", "sale"], // full-width English
    ["Flash sale: 50% off everything!", "sale"],
    ["Use promo code SPRING for a discount", "discount"],
    ["Limited time: shop now", "limited time"],
  ])("reads %s as marketing (%s)", (text, signal) => {
    const result = classifyText(text);
    expect(result.category).toBe("marketing");
    expect(result.signals).toContain(`marketing:${signal}`);
  });

  it("needs two different weak signals", () => {
    expect(classifyText("免费").category).toBe("verification");
    expect(classifyText("免费 免费").category).toBe("verification");
    expect(classifyText("免费领取福利").category).toBe("marketing");
    expect(classifyText("新品免费试用 t.cn/AbC9").category).toBe("marketing");
    expect(classifyText("Free gift, exclusive to members").category).toBe("marketing");
  });

  it("counts a known short link as a weak signal, a plain link as none", () => {
    expect(classifyText("活动详情 t.cn/A6xYz").signals).toEqual(["marketing:活动", "short_link"]);
    expect(classifyText("活动详情 t.cn/A6xYz").category).toBe("marketing");
    expect(classifyText("活动详情 https://example.com/a").category).toBe("verification");
    expect(classifyText("活动详情 https://example.com/a").signals).toContain("link");
  });

  it("reads marketing that is dressed as a verification code as marketing", () => {
    expect(classifyText("您的验证码是123456。会员日全场5折，回T退订").category).toBe("marketing");
  });

  it("does not mistake everyday words for marketing", () => {
    for (const text of ["验证码已发送至您的手机", "您的快递正在配送中", "包裹已送达", "几经周折终于", "证券账户提醒", "wholesale order", "sales tax receipt"]) {
      expect(classifyText(text).category, text).not.toBe("marketing");
    }
  });
});

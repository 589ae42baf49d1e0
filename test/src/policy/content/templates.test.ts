import { describe, expect, it } from "vitest";
import { buildTemplateIndex, compileTemplate, greedyMatch, matchTemplate, strictMatch, TemplateSyntaxError } from "../../../../src/policy/content/templates.ts";

const index = buildTemplateIndex([
  { id: "otp", signatureId: "bank", text: "您的验证码是{code}，{number:2}分钟内有效，请勿泄露。" },
  { id: "debit", signatureId: "bank", text: "尊敬的{name}，您尾号{code}的账户于{date} {time}支出{amount}元，详询{phone}。" },
  { id: "ship", signatureId: "shop", text: "您的订单{number}已发货，查看物流：{url}" },
  { id: "hello", signatureId: "shop", text: "您好{name}，欢迎光临" },
]);
const checks = {
  isApprovedDomain: (d: string) => d === "example.com",
  isRegisteredCallback: (n: string) => n === "95588",
};
const verdict = (signatureId: string, body: string) => matchTemplate(index, signatureId, body, checks);

describe("matchTemplate: happy path", () => {
  it("accepts a message that fits a template of its signature, with folding and whitespace tolerance", () => {
    expect(verdict("bank", "您的验证码是123456，5分钟内有效，请勿泄露。")).toEqual({ ok: true, templateId: "otp" });
    expect(verdict("bank", "您的验证码是 １２３４５６ ，5分钟内有效，请勿泄露。")).toEqual({ ok: true, templateId: "otp" });
    expect(verdict("bank", "尊敬的张三，您尾号1234的账户于2026-12-01 13:00支出1,200.50元，详询95588。")).toEqual({ ok: true, templateId: "debit" });
    expect(verdict("shop", "您的订单SF1234已发货，查看物流：https://www.example.com/x?id=1")).toEqual({ ok: true, templateId: "ship" });
    expect(verdict("shop", "您好Anna，欢迎光临")).toEqual({ ok: true, templateId: "hello" });
  });

  it("checks only the templates of the message's signature", () => {
    expect(verdict("shop", "您的验证码是123456，5分钟内有效，请勿泄露。")).toMatchObject({ reason: "template_not_matched" });
    expect(verdict("nobody", "您好")).toMatchObject({ reason: "template_not_matched" });
  });
});

describe("matchTemplate: bad values", () => {
  it("refuses a too-long variable as template_variable_invalid, naming it", () => {
    const v = verdict("bank", "您的验证码是123456789，5分钟内有效，请勿泄露。");
    expect(v).toMatchObject({ reason: "template_variable_invalid" });
    expect(!v.ok && v.detail).toContain("{code}");
  });

  it("refuses a name that carries a link or extra words", () => {
    const v = verdict("shop", "您好张三请加微信abc.cn，欢迎光临");
    expect(v).toMatchObject({ reason: "template_variable_invalid" });
  });

  it("refuses a {number} that carries a mobile number", () => {
    const v = verdict("shop", "您的订单13800000001已发货，查看物流：https://www.example.com/x");
    expect(v).toMatchObject({ reason: "template_variable_invalid" });
    expect(!v.ok && v.detail).toContain("phone number");
  });

  it("refuses a {url} on an unapproved domain or disguised with @", () => {
    expect(verdict("shop", "您的订单SF1234已发货，查看物流：https://evil.cn/x")).toMatchObject({ reason: "template_variable_invalid" });
    expect(verdict("shop", "您的订单SF1234已发货，查看物流：https://example.com@evil.cn/x")).toMatchObject({ reason: "template_variable_invalid" });
  });

  it("refuses a {url} that hides a second link behind a space (whitespace is folded away for matching)", () => {
    const v = verdict("shop", "您的订单SF1234已发货，查看物流：https://www.example.com/ evil.cn");
    expect(v).toMatchObject({ reason: "template_variable_invalid" });
  });

  it("reads a value's numbers with its inner spaces, so a mobile cannot hide in a longer digit run", () => {
    const v = verdict("shop", "您的订单SF1234 13800000001已发货，查看物流：https://www.example.com/x");
    expect(v).toMatchObject({ reason: "template_variable_invalid" });
    expect(!v.ok && v.detail).toContain("phone number");
    expect(verdict("bank", "尊敬的张三，您尾号1234的账户于2026-12-01 13:00支出1,200.50元，详询 95 588。")).toEqual({ ok: true, templateId: "debit" });
  });

  it("refuses a {phone} that is not a registered call-back number", () => {
    const v = verdict("bank", "尊敬的张三，您尾号1234的账户于2026-12-01 13:00支出1,200.50元，详询13800000001。");
    expect(!v.ok && v.detail).toContain("call-back");
  });

  it("refuses values of the wrong shape", () => {
    expect(verdict("bank", "尊敬的张三，您尾号1234的账户于2026-13-01x 13:00支出1,200.50元，详询95588。").ok).not.toBe(true);
    expect(verdict("bank", "尊敬的张三，您尾号1234的账户于2026-12-01 13:00支出1,2,0元，详询95588。").ok).not.toBe(true);
  });
});

describe("matchTemplate: an SP appending or prepending text", () => {
  it("refuses extra text before, after or inside the fixed parts", () => {
    expect(verdict("bank", "您的验证码是123456，5分钟内有效，请勿泄露。点击t.cn/x领取")).toMatchObject({ reason: "template_not_matched" });
    expect(verdict("bank", "加微信领钱 您的验证码是123456，5分钟内有效，请勿泄露。")).toMatchObject({ reason: "template_not_matched" });
    expect(verdict("bank", "您的验证码是123456，5分钟内有效，请加微信。")).toMatchObject({ reason: "template_not_matched" });
  });

  it("is not slowed down by a long body full of near-matches", () => {
    const body = `您的验证码是${"1".repeat(5000)}，5分钟内有效，请勿泄露。`;
    expect(verdict("bank", body)).toMatchObject({ reason: "template_variable_invalid" });
  });
});

describe("matchTemplate: many templates under one signature", () => {
  it("finds the one template that fits among 10,000 that share their start, and a fixed-text-only one", () => {
    const list = Array.from({ length: 10_000 }, (_, i) => ({ id: `t${i}`, signatureId: "s", text: `您的验证码是{code}，业务${i}。` }));
    const idx = buildTemplateIndex([...list, { id: "plain", signatureId: "s", text: "欢迎光临" }]);
    expect(matchTemplate(idx, "s", "您的验证码是123456，业务9876。", checks)).toEqual({ ok: true, templateId: "t9876" });
    expect(matchTemplate(idx, "s", "您的验证码是123456，业务10000。", checks)).toMatchObject({ reason: "template_not_matched" });
    expect(matchTemplate(idx, "s", "您的验证码是123456789，业务5。", checks)).toMatchObject({ reason: "template_variable_invalid" });
    expect(matchTemplate(idx, "s", "欢迎光临", checks)).toEqual({ ok: true, templateId: "plain" });
    expect(matchTemplate(idx, "s", "欢迎光临加微信", checks)).toMatchObject({ reason: "template_not_matched" });
  });
});

describe("compileTemplate: syntax errors", () => {
  it.each([
    ["unknown type", "您好{foo}"],
    ["stray brace", "您好{name"],
    ["length over the cap", "验证码{code:20}"],
    ["length under the minimum", "验证码{code:2}"],
    ["no fixed text", "{name}{code}"],
    ["prototype key", "您好{constructor}"],
  ])("%s", (_, text) => {
    expect(() => compileTemplate("t", "s", text)).toThrow(TemplateSyntaxError);
  });

  it("accepts an explicit maximum length and enforces it", () => {
    const idx = buildTemplateIndex([{ id: "t", signatureId: "s", text: "您好{name:2}，欢迎" }]);
    expect(matchTemplate(idx, "s", "您好张三，欢迎", checks)).toEqual({ ok: true, templateId: "t" });
    expect(matchTemplate(idx, "s", "您好欧阳娜娜，欢迎", checks)).toMatchObject({ reason: "template_variable_invalid" });
  });

  it("finds templates whose fixed start is one character or that start with a variable", () => {
    const idx = buildTemplateIndex([
      { id: "a", signatureId: "s", text: "您{name}好" },
      { id: "b", signatureId: "s", text: "{name}，欢迎" },
    ]);
    expect(matchTemplate(idx, "s", "您张三好", checks)).toEqual({ ok: true, templateId: "a" });
    expect(matchTemplate(idx, "s", "张三，欢迎", checks)).toEqual({ ok: true, templateId: "b" });
  });
});

describe("matchTemplate: cost on hostile input", () => {
  it("stays fast on a long body against templates with wide and adjacent variables", () => {
    const idx = buildTemplateIndex([
      { id: "u", signatureId: "s", text: "查看{url}{url}{number}{name}详情" },
      { id: "v", signatureId: "s", text: "{name}{number}{amount}{code}{date}{time}结束" },
    ]);
    for (const body of [`查看${"a".repeat(20_000)}详情`, `${"1".repeat(20_000)}结束`, `查看${"详情".repeat(5000)}`]) {
      const started = performance.now();
      const v = matchTemplate(idx, "s", body, checks);
      expect(v.ok).not.toBe(true);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});

describe("greedy templates: the one-pass match", () => {
  it("is used when every variable ends where its characters end, and not otherwise", () => {
    expect(compileTemplate("a", "s", "您的验证码是{code}，{number:2}分钟内有效").greedy).toBe(true);
    expect(compileTemplate("b", "s", "您尾号{code}的账户支出{amount}元，详询{phone}").greedy).toBe(true);
    expect(compileTemplate("c", "s", "订单{number}已发货：{url}").greedy).toBe(true);
    // A name holds Han characters, so it may run into 您好; two variables side by side; a number's
    // characters include the hyphen that follows it.
    expect(compileTemplate("d", "s", "{name}您好，欢迎").greedy).toBe(false);
    expect(compileTemplate("e", "s", "查看{url}{number}详情").greedy).toBe(false);
    expect(compileTemplate("f", "s", "编号{number}-附件").greedy).toBe(false);
  });

  it("finds exactly what the dynamic programme finds, on 20,000 texts near the templates", () => {
    const templates = [
      "您的验证码是{code}，{number:2}分钟内有效，请勿泄露。",
      "您尾号{code}的账户于{date}支出{amount}元，详询{phone}。",
      "订单{number}已发货，查看物流：{url}",
      "会议时间{time}，地点{name}。",
      "余额{amount}",
    ].map((text, i) => compileTemplate(`t${i}`, "s", text));
    expect(templates.every((t) => t.greedy)).toBe(true);
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const pieces = ["1", "23", "4567", "12345678", "123456789", "a", "x-1", ",", ".", "5,000.50", "2026年6月1日", "6月1日", "10:30", "9点30分",
      "张三", "例子", "https://example.com/a", "，", "元", "。", "-", "：", " ", "分钟内有效", "已发货"];
    const fitting: Record<string, string[]> = {
      code: ["4821", "482913", "12345678", "123456789"], number: ["5", "a1", "sf-1234"], date: ["6月1日", "2026-06-01", "6/1"],
      amount: ["12", "5,000.50", "1.5"], phone: ["95588", "+86-10-1234"], url: ["example.com/a", "https://example.com"], time: ["10:30", "9点30分"], name: ["张三"],
    };
    let compared = 0;
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      const t = templates[random(templates.length)]!;
      // The template with random values, then sometimes a random piece inserted or a character cut.
      const value = (type: string) =>
        random(3) > 0 ? fitting[type]![random(fitting[type]!.length)]! : Array.from({ length: 1 + random(3) }, () => pieces[random(pieces.length)]).join("");
      let text = t.segments.map((s) => s.literal ?? value(s.variable!)).join("");
      const edit = random(4);
      const at = random(text.length + 1);
      if (edit === 1) text = text.slice(0, at) + pieces[random(pieces.length)] + text.slice(at);
      if (edit === 2) text = text.slice(0, at) + text.slice(at + 1);
      const fast = greedyMatch(t.segments, text);
      expect(fast, `${t.id}: ${text}`).toEqual(strictMatch(t.segments, text));
      compared++;
      if (fast !== null) matched++;
    }
    expect(compared).toBe(20_000);
    // Both outcomes are exercised.
    expect(matched).toBeGreaterThan(1000);
    expect(matched).toBeLessThan(19_000);
  });
});

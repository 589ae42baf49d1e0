import { describe, expect, it } from "vitest";
import { decide } from "../../../../src/policy/decide.ts";
import type { StoredContentRule } from "../../../../src/registry/content.ts";
import { counters, marketing, submission, world } from "../fixtures.ts";

const rule = (over: Partial<StoredContentRule>): StoredContentRule => ({ id: "r1", category: "loan", phrases: ["秒批贷款"], pattern: null, appliesTo: ["marketing"], mode: "enforce", ...over });
const reasonsOf = (v: ReturnType<typeof decide>) => [v.outcome === "reject" ? v.reason : "accept", ...v.monitored.map((m) => `monitored:${m.reason}`)];

describe("links", () => {
  const enforced = () => world().mode("links", "enforce");
  it("accepts an approved domain and its subdomains, in any disguise; refuses another enterprise's approved domain", () => {
    const registry = enforced().withContent((c) => {
      c.linkDomains.put("d1", "ent-yunduan", "yunduan.com");
      c.linkDomains.put("d2", "ent-xinghe", "xinghe.cn");
    });
    for (const text of ["https://yunduan.com/a", "m.yunduan.com/x", "ＹＵＮＤＵＡＮ。ＣＯＭ", "yunduan[.]com", "hxxps://www.yunduan.com"]) {
      expect(reasonsOf(decide(marketing({ text: `【云端商城】会员日 ${text} ，回T退订` }), registry, counters())), text).toEqual(["accept"]);
    }
    expect(reasonsOf(decide(marketing({ text: "【云端商城】会员日 xinghe.cn ，回T退订" }), registry, counters()))).toEqual(["link_not_allowed"]);
    expect(reasonsOf(decide(marketing({ text: "【云端商城】会员日 http://yunduan.com@evil.cn ，回T退订" }), registry, counters()))).toEqual(["link_not_allowed"]);
  });

  it("a shortener is refused under its own reason unless it is the enterprise's own approved domain; the list is the operator's", () => {
    const text = "【云端商城】会员日 dwz.cn/abc ，回T退订";
    expect(reasonsOf(decide(marketing({ text }), enforced(), counters()))).toEqual(["link_shortener_not_allowed"]);
    const owned = enforced().withContent((c) => c.linkDomains.put("d1", "ent-yunduan", "dwz.cn"));
    expect(reasonsOf(decide(marketing({ text }), owned, counters()))).toEqual(["accept"]);
    const registry = enforced();
    registry.settings = { ...registry.settings, shorteners: ["abc.link"] };
    expect(reasonsOf(decide(marketing({ text: "【云端商城】会员日 abc.link/x ，回T退订" }), registry, counters()))).toEqual(["link_shortener_not_allowed"]);
    expect(reasonsOf(decide(marketing({ text }), registry, counters()))).toEqual(["link_not_allowed"]);
  });

  it("ships in monitor: the link is journaled as monitored and the message passes", () => {
    expect(reasonsOf(decide(marketing({ text: "【云端商城】会员日 evil.cn ，回T退订" }), world(), counters()))).toEqual(["accept", "monitored:link_not_allowed"]);
  });
});

describe("call-back numbers: codes and amounts are not phone numbers", () => {
  const registry = () => world().mode("callbacks", "enforce").withContent((c) => c.callbacks.put("n1", "ent-yunduan", "4008001234"));
  it.each([
    "【云端科技】您的验证码是95588，5分钟内有效",
    "【云端科技】您的验证码是 12345678，请勿泄露",
    "【云端科技】您尾号8848的卡消费95588.00元",
    "【云端科技】您于2026-12-01 10:30支付12345元",
    "【云端科技】订单号1380013000012345已发货",
    "【云端科技】客服热线 400 800 1234",
  ])("accepts %s", (text) => {
    expect(reasonsOf(decide(submission({ text, declaredCategory: "notification" }), registry(), counters()))).toEqual(["accept"]);
  });
  it.each([
    ["【云端科技】验证码13912345678", "mobile"],
    ["【云端科技】请致电 139-1234-5678 办理", "mobile"],
    ["【云端科技】请致电４００８００９９９９", "400"],
    ["【云端科技】请回拨 010 8888 6666", "landline"],
    ["【云端科技】金额13912345678元", "mobile"],
  ])("refuses %s", (text, kind) => {
    const verdict = decide(submission({ text, declaredCategory: "notification" }), registry(), counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "callback_number_not_allowed" });
    expect(verdict.outcome === "reject" && verdict.detail).toContain(`${kind} number`);
    // A personal number is masked in the detail (the journal keeps it).
    if (kind === "mobile") expect(verdict.outcome === "reject" && verdict.detail).toContain("139****5678");
  });
});

describe("content rules", () => {
  const text = "【云端商城】秒批贷款，回T退订";
  it("refuses only when the group and the rule are both enforced; a monitored rule is journaled under an enforced group", () => {
    const withRule = (mode: "enforce" | "monitor" | "off") => world().mode("content", "enforce").withContent((c) => c.setContentRules([rule({ mode })]));
    expect(reasonsOf(decide(marketing({ text }), withRule("enforce"), counters()))).toEqual(["content_prohibited"]);
    expect(reasonsOf(decide(marketing({ text }), withRule("monitor"), counters()))).toEqual(["accept", "monitored:content_prohibited"]);
    expect(reasonsOf(decide(marketing({ text }), withRule("off"), counters()))).toEqual(["accept"]);
    const groupMonitored = world().withContent((c) => c.setContentRules([rule({})]));
    expect(reasonsOf(decide(marketing({ text }), groupMonitored, counters()))).toEqual(["accept", "monitored:content_prohibited"]);
  });

  it("an enforced hit wins over a monitored one; the detail names the rule and its category", () => {
    const registry = world()
      .mode("content", "enforce")
      .withContent((c) => c.setContentRules([rule({ id: "watch", phrases: ["秒批"], mode: "monitor" }), rule({ id: "ban", category: "gambling", phrases: ["回t退订"] })]));
    const verdict = decide(marketing({ text }), registry, counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "content_prohibited", detail: 'content rule ban (gambling): phrase "回t退订"' });
  });

  it("matches through traditional characters, width, separators and spaces; patterns run on the folded text; categories apply", () => {
    const registry = world()
      .mode("content", "enforce")
      .withContent((c) => c.setContentRules([rule({ phrases: ["加微信"], category: "contact_diversion" }), rule({ id: "p", phrases: [], pattern: "日息\\d{1,3}%", appliesTo: ["marketing", "notification"] })]));
    for (const body of ["加 微-信 领取", "加*微*信", "加薇信".replace("薇", "微"), "ＪＩＡ加微信", "加微信".split("").join("\u200b")]) {
      expect(reasonsOf(decide(marketing({ text: `【云端商城】${body}，回T退订` }), registry, counters())), body).toEqual(["content_prohibited"]);
    }
    expect(reasonsOf(decide(marketing({ text: "【云端商城】日息 5 %，回T退订" }), registry, counters()))).toEqual(["content_prohibited"]);
    // The phrase rule is for marketing only: a notification with it passes; the pattern rule still applies.
    expect(reasonsOf(decide(submission({ text: "【云端科技】请加微信核对订单", declaredCategory: "notification" }), registry, counters()))).toEqual(["accept"]);
  });
});

describe("port purpose and templates", () => {
  it("an extension's declaration replaces its port's; the judged category counts, not the declared one", () => {
    const registry = world().mode("port_purpose", "enforce");
    registry.ports.get("1069012345")!.categories = new Set(["verification"]);
    registry.extensions.get("1069012345")!.find((x) => x.extension === "01")!.categories = new Set(["marketing"]);
    expect(reasonsOf(decide(marketing(), registry, counters()))).toEqual(["accept"]);
    expect(reasonsOf(decide(submission({ text: "【云端科技】您的账单已出", declaredCategory: "notification" }), registry, counters()))).toEqual(["port_category_not_allowed"]);
  });

  it("templates are checked only for a template-only signature", () => {
    const registry = world().mode("templates", "enforce");
    expect(reasonsOf(decide(submission(), registry, counters()))).toEqual(["accept"]);
    registry.signatures.set("云端科技", { ...registry.signatures.get("云端科技")!, templateRequired: true });
    expect(reasonsOf(decide(submission(), registry, counters()))).toEqual(["template_not_matched"]);
    registry.withContent((c) => c.templates.put("t", "sig-yunduan", "您的验证码是{code}，{number:2}分钟内有效，请勿泄露。"));
    expect(reasonsOf(decide(submission(), registry, counters()))).toEqual(["accept"]);
    // The smuggled link is also the links group's (monitored by default).
    expect(reasonsOf(decide(submission({ text: "【云端科技】您的验证码是evil.cn，5分钟内有效，请勿泄露。" }), registry, counters()))).toEqual(["template_variable_invalid", "monitored:link_not_allowed"]);
  });
});

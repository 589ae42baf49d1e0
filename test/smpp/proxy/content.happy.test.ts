import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejections } from "../../../src/db/schema/index.ts";
import type { DemoWorld } from "../../../demo/seed.ts";
import { commandStatusFor, type ReasonCode } from "../../../src/policy/reasons.ts";
import { encodeText } from "../../../src/text/index.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * The five content groups over real SMPP (node-smpp client, the whole gateway in process): each
 * offending message passes in monitor mode (the default) with a monitored journal row, is refused
 * with its own command_status once the group is enforced through the settings API, and its
 * allowed twin passes in both modes.
 */
let gateway: TestGateway;
let world: DemoWorld;
let cloudEsme: Esme;
let bankEsme: Esme;
let extensionId: string;
let recipient = 13800130000;

const CONTENT_GROUPS = ["links", "callbacks", "content", "templates", "port_purpose"];

beforeAll(async () => {
  gateway = await startTestGateway();
  world = await seedAndSync(gateway);
  const api = gateway.api;
  const domain = await api.post("/link-domains", { enterpriseId: world.cloud.id, domain: "https://www.yunduan-keji.com/", icpNumber: "沪ICP备20260001号-1" });
  await api.post(`/link-domains/${domain.id}/approve`, { reason: "ICP filing checked" });
  const number = await api.post("/callback-numbers", { enterpriseId: world.cloud.id, number: "400-800-1234" });
  await api.post(`/callback-numbers/${number.id}/approve`, { reason: "the enterprise's hotline" });
  await api.post("/content-rules", { name: "网贷", category: "loan", phrases: ["秒批贷款", "无抵押贷款"], appliesTo: ["notification", "marketing"], mode: "enforce", reason: "loan ads" });
  const template = await api.post("/templates", { signatureId: world.signatures.bank.id, text: "您的验证码是{code}，5分钟内有效" });
  await api.post(`/templates/${template.id}/approve`, { reason: "bank OTP" });
  await api.call("PUT", `/signatures/${world.signatures.bank.id}/template-required`, { required: true, reason: "bank: templates only" });
  const extensions = await api.get(`/ports/${world.portA.id}/extensions`);
  extensionId = extensions.items.find((x: { extension: string }) => x.extension === "01").id;
  await api.call("PUT", `/ports/${world.portA.id}/extensions/${extensionId}/purpose`, { categories: ["verification"], reason: "OTP extension" });
  const snapshot = gateway.registry.snapshot;
  await waitFor(
    () =>
      snapshot.content.templates.size === 1 &&
      snapshot.content.rulesById.size === 1 &&
      snapshot.content.isLinkDomainApproved(world.cloud.id, "yunduan-keji.com") &&
      snapshot.content.isCallbackApproved(world.cloud.id, "4008001234") &&
      snapshot.signaturesById.get(world.signatures.bank.id)?.templateRequired === true &&
      snapshot.extensionsById.get(extensionId)?.entry.categories?.has("verification") === true,
    3000,
    "content registry in the snapshot",
  );
  cloudEsme = await connectEsme(gateway.smppPort, world.accountA);
  bankEsme = await connectEsme(gateway.smppPort, world.accountB);
});
afterAll(async () => {
  await cloudEsme?.close();
  await bankEsme?.close();
  await gateway?.close();
});

interface Case {
  name: string;
  bank?: boolean;
  source?: string;
  serviceType?: string;
  text: string;
  /** undefined: passes in every mode. */
  reason?: ReasonCode;
}

const cases: Case[] = [
  { name: "a foreign link", serviceType: "MKT", text: "【云端商城】冬季新品上市 详见 evil-shop.cn/sale 回T退订", reason: "link_not_allowed" },
  { name: "a full-width disguised link", serviceType: "MKT", text: "【云端商城】冬季新品 ｅｖｉｌ－ｓｈｏｐ。ｃｎ 回T退订", reason: "link_not_allowed" },
  { name: "a public shortener", serviceType: "MKT", text: "【云端商城】冬季新品 t.cn/A6xYz 回T退订", reason: "link_shortener_not_allowed" },
  { name: "the enterprise's own domain", serviceType: "MKT", text: "【云端商城】冬季新品 详见 https://m.yunduan-keji.com/sale 回T退订" },
  { name: "an unregistered mobile call-back", serviceType: "MKT", text: "【云端商城】咨询请致电 139 1234 5678 回T退订", reason: "callback_number_not_allowed" },
  { name: "the registered hotline", serviceType: "MKT", text: "【云端商城】咨询请致电 400-800-1234 回T退订" },
  { name: "a one-time code and an amount", text: "【云端科技】您的验证码是138000，消费金额13800元，5分钟内有效" },
  { name: "a loan phrase", serviceType: "MKT", text: "【云端商城】秒批贷款，当天到账 回T退订", reason: "content_prohibited" },
  { name: "a loan phrase in traditional characters with separators", serviceType: "MKT", text: "【云端商城】秒-批-貸-款，当天到账 回T退订", reason: "content_prohibited" },
  { name: "free text under a template-only signature", bank: true, text: "【星河银行】尊敬的客户，您的信用卡账单已出，请及时还款", reason: "template_not_matched" },
  { name: "a too-long code in the bank template", bank: true, text: "【星河银行】您的验证码是123456789，5分钟内有效", reason: "template_variable_invalid" },
  { name: "the bank template", bank: true, text: "【星河银行】您的验证码是 482913，5分钟内有效" },
  { name: "marketing from a verification-only extension", source: "1069000101", serviceType: "MKT", text: "【云端商城】冬季新品上市 回T退订", reason: "port_category_not_allowed" },
  { name: "a code from the verification-only extension", source: "1069000101", serviceType: "VER", text: "【云端科技】您的验证码是 123456" },
];

async function submit(c: Case) {
  const esme = c.bank ? bankEsme : cloudEsme;
  return esme.submit({
    source_addr: c.source ?? (c.bank ? world.portB.number : world.portA.number),
    destination_addr: String(recipient++),
    service_type: c.serviceType ?? "",
    data_coding: 8,
    short_message: Buffer.from(encodeText(c.text, 8)),
  });
}

async function journaled(reason: ReasonCode, monitor: boolean): Promise<{ detail: string | null }[]> {
  await gateway.journal.flush();
  return gateway.testDatabase.db.select({ detail: rejections.detail }).from(rejections).where(and(eq(rejections.reason, reason), eq(rejections.monitor, monitor)));
}

describe("content groups in monitor mode (the default)", () => {
  it.each(cases)("$name: passes", async (c) => {
    const before = c.reason ? (await journaled(c.reason, true)).length : 0;
    const result = await submit(c);
    expect(result.status).toBe(0);
    if (c.reason) expect((await journaled(c.reason, true)).length).toBe(before + 1);
  });
});

describe("content groups enforced through the settings API", () => {
  beforeAll(async () => {
    const settings = await gateway.api.get("/settings/policy");
    const ruleModes = { ...settings.ruleModes, ...Object.fromEntries(CONTENT_GROUPS.map((g) => [g, "enforce"])) };
    await gateway.api.put("/settings/policy", { ...settings, ruleModes, reason: "enforce the content groups" });
    await waitFor(() => CONTENT_GROUPS.every((g) => gateway.registry.snapshot.settings.ruleModes[g] === "enforce"), 3000, "modes in the snapshot");
  });

  it.each(cases)("$name", async (c) => {
    const result = await submit(c);
    expect(result.status).toBe(c.reason ? commandStatusFor(c.reason) : 0);
  });

  it("journals the content rule and its category", async () => {
    const rows = await journaled("content_prohibited", false);
    expect(rows.length).toBe(2);
    expect(rows[0]!.detail).toMatch(/^content rule [0-9a-f-]{36} \(loan\): phrase "秒批贷款"$/);
  });

  it("a content rule in its own monitor mode lets the message pass under an enforced group", async () => {
    const rules = await gateway.api.get("/content-rules");
    await gateway.api.call("PATCH", `/content-rules/${rules.items[0].id}`, { mode: "monitor", reason: "watch first" });
    await waitFor(() => [...gateway.registry.snapshot.content.rulesById.values()][0]?.mode === "monitor", 3000, "rule mode");
    const result = await submit({ name: "loan", serviceType: "MKT", text: "【云端商城】无抵押贷款 回T退订" });
    expect(result.status).toBe(0);
    expect((await journaled("content_prohibited", true)).some((r) => r.detail?.includes('"无抵押贷款"'))).toBe(true);
  });
});

/**
 * The console in a real browser, the "done when" story end to end: a new user opens the
 * console, sees the demo traffic and refusals, runs a review that finds the demo's sublet and
 * out-of-scope attempts, suspends the offending signature and watches the next message refused.
 *
 * Debian's Chromium driven by playwright-core (no browser download), against the whole gateway
 * in-process with the reviews backend main.ts wires (src/console/reviews-adapter.ts, no fake).
 * The traffic is real: the demo's messages (demo/stories.ts) go through the SMPP proxy from
 * node-smpp, an independent client, and reach the console through the journal. The `it`s run in
 * order and share one browser page, one SMPP bind and one gateway. Screenshots are saved in
 * test/src/console/screenshots/ (gitignored).
 *
 * Without /usr/bin/chromium the suite is skipped with a warning, unless GK_REQUIRE_BROWSER=1 (CI),
 * where a missing browser fails it.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoWorld } from "../../../demo/seed.ts";
import { acceptedVerification, marketingTo, outOfScopeAttempt, subletAttempt, type DemoMessage } from "../../../demo/stories.ts";
import { commandStatusFor, type ReasonCode } from "../../../src/policy/reasons.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = join(import.meta.dirname, "screenshots");
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) {
  if (process.env.GK_REQUIRE_BROWSER === "1") throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);
  console.warn(`console.browser.test: ${CHROMIUM} not found, skipping (apt-get install -y chromium)`);
}

/** The demo's traffic: two accepted messages, then the sublet and the out-of-scope attempts. */
const demoTraffic: DemoMessage[] = [acceptedVerification, marketingTo("13900000101"), subletAttempt, outOfScopeAttempt];
const SUSPENSION_REASON = "营销内容冒用验证码签名，扩大签名使用范围，暂停签名";

let gateway: TestGateway;
let world: DemoWorld;
let esme: Esme;
let pending: { id: string };
let browser: Browser;
let page: Page;
let reviewUrl: string;

const statusFor = (expected: "accepted" | ReasonCode) => (expected === "accepted" ? 0 : commandStatusFor(expected));

/** Submits a demo message as 华信通信 (hx_sp); node-smpp encodes the text as UCS-2. */
async function send(message: DemoMessage) {
  return esme.submit({
    source_addr: message.from,
    destination_addr: message.to,
    service_type: message.serviceType,
    data_coding: 8,
    short_message: { message: message.text },
  });
}

async function journaledRefusals() {
  return (await gateway.api.get<{ items: { reason: string; signatureText: string | null; monitor: boolean }[] }>("/rejections?limit=50")).items;
}

describe.skipIf(!haveBrowser)("the console in Chromium, against the real reviews backend", () => {
  beforeAll(async () => {
    gateway = await startTestGateway();
    world = await seedAndSync(gateway);
    pending = await gateway.api.post("/signatures", {
      text: "云端到家",
      enterpriseId: world.cloud.id,
      spId: world.spA.id,
      scope: ["notification"],
      ports: [{ portId: world.portA.id }],
      evidence: { kind: "trademark", reference: "TM-2026-0042", expiresOn: "2030-12-31" },
    });
    esme = await connectEsme(gateway.smppPort, world.accountA);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: "zh-CN" });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await esme?.close();
    await gateway?.close();
  });

  it("the demo's traffic goes through the proxy: two messages accepted, the sublet and out-of-scope attempts refused and journaled", async () => {
    for (const message of demoTraffic) expect({ text: message.text, status: (await send(message)).status }).toEqual({ text: message.text, status: statusFor(message.expected) });
    expect(gateway.simulator!.received.count).toBe(2);
    // The journal writes in batches on a timer; the console reads what it has written.
    await waitFor(async () => (await journaledRefusals()).length >= 3, 5000, "both refusals and the monitored one in the journal");
    const refusals = await journaledRefusals();
    expect(refusals.filter((r) => !r.monitor).map((r) => [r.reason, r.signatureText]).sort()).toEqual([
      ["scope_exceeded", "云端科技"],
      ["sublet_no_contract", "星河银行"],
    ]);
    // The consent rule ships in monitor mode: the accepted marketing message is journaled as a would-be refusal.
    expect(refusals.filter((r) => r.monitor).map((r) => [r.reason, r.signatureText])).toEqual([["consent_missing", "云端商城"]]);
  });

  it("signs in with the operator token (never in the address bar) and sees the demo's refusals and traffic", async () => {
    await page.goto(`${gateway.httpUrl}/console/refusals`);
    expect(new URL(page.url()).pathname).toBe("/console/login");
    await page.fill("#token", gateway.bootstrapToken!);
    await page.click("form.login button[type=submit]");
    await page.waitForURL(/\/console\/refusals$/);
    expect(page.url()).not.toContain(gateway.bootstrapToken!);
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === "gk_console_session")!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe("Strict");
    expect(session.value).not.toContain(gateway.bootstrapToken!);

    // The refusals page: one row per refusal (the monitored one too), the reason code in the cell's title, the signature as sent.
    const rows = page.locator("table tbody tr");
    await expect(rows.count()).resolves.toBe(3);
    const sublet = rows.filter({ has: page.locator('span[title="sublet_no_contract"]') });
    await expect(sublet.textContent()).resolves.toMatch(/星河银行[\s\S]*138\*{4}0003/);
    await expect(sublet.textContent()).resolves.toContain("10690001");
    const scope = rows.filter({ has: page.locator('span[title="scope_exceeded"]') });
    await expect(scope.textContent()).resolves.toContain("云端科技");
    await page.screenshot({ path: join(SCREENSHOTS, "refusals.png"), fullPage: true });

    // The dashboard: today's accepted and refused counts, and the three charts.
    await page.goto(`${gateway.httpUrl}/console/dashboard`);
    const totals = await page.locator(".card.stats > div").allTextContents();
    expect(totals).toHaveLength(2);
    expect(totals[0]).toMatch(/^2\D/);
    expect(totals[1]).toMatch(/^2\D/);
    expect(await page.locator("svg.chart").count()).toBe(3);
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard.png"), fullPage: true });
  });

  it("approves the pending signature from the queue", async () => {
    await page.goto(`${gateway.httpUrl}/console/signatures`);
    const form = page.locator(`[data-testid="approve-${pending.id}"]`);
    await form.locator("textarea[name=reason]").fill("商标注册证核验无误");
    await page.screenshot({ path: join(SCREENSHOTS, "signature-queue.png"), fullPage: true });
    await form.locator("button[type=submit]").click();
    await page.waitForURL(/notice=approved/);
    await expect(page.locator(".notice").textContent()).resolves.toContain("签名已通过审核");
    const signature = await gateway.api.get(`/signatures/${pending.id}`);
    expect(signature.status).toBe("approved");
    expect(signature.statusReason).toBe("商标注册证核验无误");
  });

  it("starts a review of 华信通信 over the default period, which finds the sublet on port 10690001 and the out-of-scope 【云端科技】", async () => {
    await page.goto(`${gateway.httpUrl}/console/reviews`);
    await page.click("details.card > summary");
    const form = page.locator('form[method=post][action="/console/reviews"]');
    await form.locator("select[name=subject]").selectOption(`sp:${world.spA.id}`);
    await form.locator("input[name=title]").fill("华信通信 回头看");
    await form.locator("button[type=submit]").click();
    await page.waitForURL(/\/console\/reviews\/[0-9a-f-]{36}\?notice=started$/);
    reviewUrl = page.url().replace(/\?.*$/, "");
    await expect(page.locator(".notice").textContent()).resolves.toContain("回头看已发起");

    const sublet = page.locator('tr[data-finding-kind="port_sublet_refusals"]');
    await expect(sublet.count()).resolves.toBe(1);
    await expect(sublet.textContent()).resolves.toContain("10690001");
    await expect(sublet.locator("li").allTextContents()).resolves.toContain("sublet_no_contract: 1");
    const scope = page.locator('tr[data-finding-kind="scope_exceeded"]');
    await expect(scope.count()).resolves.toBe(1);
    await expect(scope.textContent()).resolves.toContain("【云端科技】");
    await expect(scope.locator("li").allTextContents()).resolves.toContain("scope_exceeded: 1");
    await expect(scope.locator("form.decide").count()).resolves.toBe(1);
  });

  it("suspends 【云端科技】 from its scope_exceeded finding; the signature is suspended and the finding takes no second decision", async () => {
    const finding = page.locator('tr[data-finding-kind="scope_exceeded"]');
    const findingId = await finding.getAttribute("data-finding");
    await finding.locator("textarea[name=reason]").fill(SUSPENSION_REASON);
    await finding.locator('button[value="suspend"]').click();
    await page.waitForURL(/notice=decided$/);
    expect(page.url().replace(/\?.*$/, "")).toBe(reviewUrl);
    await expect(page.locator(".notice").textContent()).resolves.toContain("处理决定已记录");
    const decided = page.locator(`tr[data-finding="${findingId}"]`);
    await expect(decided.locator("strong").textContent()).resolves.toBe("暂停");
    await expect(decided.textContent()).resolves.toContain(SUSPENSION_REASON);
    await expect(decided.locator("form.decide").count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, "review.png"), fullPage: true });

    const signature = await gateway.api.get<{ status: string; statusReason: string }>(`/signatures/${world.signatures.cloudTech.id}`);
    expect(signature.status).toBe("suspended");
    expect(signature.statusReason).toContain(SUSPENSION_REASON);
  });

  it("refuses the next 【云端科技】 message with signature_suspended, and the refusal shows in the console", async () => {
    // The proxy applies the change from the database's change feed (LISTEN/NOTIFY) within a second.
    await waitFor(() => gateway.registry.snapshot.signatureByText("云端科技")?.status === "suspended", 3000, "the suspension on the proxy");
    expect((await send(acceptedVerification)).status).toBe(commandStatusFor("signature_suspended"));
    expect(gateway.simulator!.received.count).toBe(2);

    await waitFor(async () => (await journaledRefusals()).some((r) => r.reason === "signature_suspended"), 5000, "the refusal in the journal");
    await page.goto(`${gateway.httpUrl}/console/refusals?reason=signature_suspended`);
    const rows = page.locator("table tbody tr");
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.locator('span[title="signature_suspended"]').count()).resolves.toBe(1);
    await expect(rows.textContent()).resolves.toContain("云端科技");
  });
});

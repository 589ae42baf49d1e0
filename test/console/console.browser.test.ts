/**
 * The console in a real browser: Debian's Chromium driven by playwright-core (no browser download),
 * against the whole gateway in-process. Reviews run against the in-memory FakeReviews until the
 * reviews branch's services are plugged into the composition root.
 *
 * Without /usr/bin/chromium the suite is skipped with a warning, unless GK_REQUIRE_BROWSER=1 (CI),
 * where a missing browser fails it.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorld, type DemoWorld } from "../../src/demo/seed.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { FakeReviews } from "../helpers/reviews-fake.ts";
import { seedJournal, seedReviews } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = join(import.meta.dirname, "screenshots");
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) {
  if (process.env.GK_REQUIRE_BROWSER === "1") throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);
  console.warn(`console.browser.test: ${CHROMIUM} not found, skipping (apt-get install -y chromium)`);
}

let gateway: TestGateway;
let world: DemoWorld;
let reviews: FakeReviews;
let pending: { id: string };
let browser: Browser;
let page: Page;

describe.skipIf(!haveBrowser)("the console in Chromium", () => {
  beforeAll(async () => {
    reviews = new FakeReviews();
    gateway = await startTestGateway({ reviews });
    world = await seedDemoWorld(gateway.api);
    pending = await gateway.api.post("/signatures", {
      text: "云端到家",
      enterpriseId: world.cloud.id,
      spId: world.spA.id,
      scope: ["notification"],
      ports: [{ portId: world.portA.id }],
      evidence: { kind: "trademark", reference: "TM-2026-0042", expiresOn: "2030-12-31" },
    });
    await seedJournal({ database: gateway.testDatabase }, world);
    seedReviews(reviews, world);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: "zh-CN" });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it("signs in with the operator token; the token never shows in the address bar", async () => {
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
    await page.goto(`${gateway.httpUrl}/console/dashboard`);
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

  it("opens a review and records a decision on a finding (against the fake reviews port)", async () => {
    await page.goto(`${gateway.httpUrl}/console/reviews?lang=en`);
    await page.click("text=端口 10690001 季度回头看");
    await page.waitForURL(/\/console\/reviews\/rv-1$/);
    const finding = page.locator('tr[data-finding="rv-1-f1"]');
    await finding.locator("textarea[name=reason]").fill("Marketing under a verification signature: rectify within 10 days");
    await finding.locator('button[value="rectify"]').click();
    await page.waitForURL(/notice=decided/);
    expect(reviews.decisions).toEqual([expect.objectContaining({ reviewId: "rv-1", findingId: "rv-1-f1", outcome: "rectify" })]);
    await expect(page.locator('tr[data-finding="rv-1-f1"]').textContent()).resolves.toContain("Rectify");
    await page.screenshot({ path: join(SCREENSHOTS, "review.png"), fullPage: true });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejections } from "../../../../src/db/schema/index.ts";
import { localDate } from "../../../../src/lib/dates.ts";
import { signedIn, startConsoleWorld, type ConsoleWorld } from "../helpers.ts";

let w: ConsoleWorld;
beforeAll(async () => {
  w = await startConsoleWorld();
  const consent = (msisdn: string, periodDays: number, evidenceRef: string) =>
    w.api.as(w.tokens.spA).post("/api/v1/consents", { msisdn, enterpriseId: w.world.cloud.id, frequency: "每周1条", periodDays, source: "web_form", evidenceRef });
  await consent("13800130201", 365, "wf-201");
  await consent("13800130202", 10, "wf-202");
  // Two monitored consent_missing refusals today (what enforcing `consent` would have refused).
  const at = new Date();
  await w.api.database.db.insert(rejections).values(
    [1, 2].map((i) => ({ eventId: `consent-${i}`, at, reason: "consent_missing", monitor: true, command: "submit_sm", spId: w.world.spA.id, portId: w.world.portA.id, sourceAddr: "1069000101", signatureId: w.world.signatures.cloudMall.id, signatureText: "云端商城", enterpriseId: w.world.cloud.id, category: "marketing", recipientMask: "138****0299", text: "【云端商城】全场8折 回T退订" })),
  );
});
afterAll(async () => {
  await w.close();
});

describe("console: consents and rule modes", () => {
  it("finds a consent by number (masked), counts current consents per enterprise and shows those expiring soon", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const byNumber = await client.get("/console/consents?msisdn=13800130201&lang=en");
    expect(byNumber.status).toBe(200);
    const table = byNumber.text.slice(byNumber.text.indexOf("<table"));
    expect(table).toContain("138****0201");
    // The search is a GET form: the number is in the page's own URL (and the language links), never in what the page shows.
    expect(table).not.toContain("13800130201");
    expect(byNumber.text).not.toMatch(/value="13800130201"/);
    expect(byNumber.text).not.toContain("138****0202");
    expect(byNumber.text).toContain("云端科技有限公司");
    const soon = await client.get("/console/consents?expiring=30&lang=en");
    expect(soon.text).toContain("138****0202");
    expect(soon.text).not.toContain("138****0201");
    expect((await client.get("/console/consents?lang=en")).text).toMatch(/云端科技有限公司<\/td><td[^>]*>2<\/td><td[^>]*>1</);
  });

  it("an SP sees only what it recorded; a bad number is a 4xx page, not a 500", async () => {
    const spB = await signedIn(w.api.url, w.tokens.spB);
    expect((await spB.get("/console/consents?msisdn=13800130201")).text).not.toContain("138****0201");
    expect((await spB.get("/console/consents?msisdn=abc")).status).toBeLessThan(500);
  });

  it("the rule modes page shows consent in monitor with today's would-be refusals", async () => {
    const client = await signedIn(w.api.url, w.tokens.auditor);
    const page = await client.get("/console/rule-modes?lang=en");
    expect(page.status).toBe(200);
    expect(page.text).toContain('<tr data-group="consent"><td>consent</td><td>monitor</td>');
    const day = page.text.slice(page.text.indexOf(`<tr data-day="${localDate(new Date())}">`));
    expect(day.slice(0, day.indexOf("</tr>"))).toContain('<td data-group="consent" class="num">2</td>');
  });
});

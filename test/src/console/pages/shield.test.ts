import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejections } from "../../../../src/db/schema/index.ts";
import { localDate } from "../../../../src/lib/dates.ts";
import { signedIn, startConsoleWorld, type ConsoleWorld } from "../helpers.ts";

let w: ConsoleWorld;
beforeAll(async () => {
  w = await startConsoleWorld();
  // Two monitored would-be refusals by the velocity rule today, one enforced (not counted as monitored).
  const base = { command: "submit_sm", spId: w.world.spA.id, portId: w.world.portA.id, category: "verification", recipientMask: "138****1050" };
  await w.api.database.db.insert(rejections).values([
    { ...base, eventId: "v-1", at: new Date(), reason: "recipient_velocity_exceeded", monitor: true },
    { ...base, eventId: "v-2", at: new Date(), reason: "recipient_velocity_exceeded", monitor: true },
    { ...base, eventId: "v-3", at: new Date(), reason: "recipient_velocity_exceeded", monitor: false },
  ]);
});
afterAll(async () => {
  await w.close();
});

describe("console: rule modes, preferences, honeypots (happy)", () => {
  it("shows each group's mode and the velocity group's monitored would-be refusals per day", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const page = await client.get("/console/rule-modes");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<tr data-group="velocity"><td>velocity<\/td><td>monitor<\/td><td>monitor<\/td><\/tr>/);
    const today = localDate(new Date());
    const row = new RegExp(`<tr data-day="${today}">.*?</tr>`).exec(page.text)?.[0] ?? "";
    expect(row).toContain('<td data-group="velocity" class="num">2</td>');
  });

  it("an operator registers a honeypot and sets a preference through the forms; masks only on the pages", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    await client.get("/console/honeypots");
    expect((await client.post("/console/honeypots", { msisdn: "13800131051", note: "trap 51" })).status).toBe(303);
    const honeypots = await client.get("/console/honeypots");
    expect(honeypots.text).toContain("138****1051");
    expect(honeypots.text).not.toContain("13800131051");

    await client.get("/console/preferences");
    expect((await client.post("/console/preferences", { msisdn: "13800131052", categories: "marketing,notification", bandStart: "22:00", bandEnd: "08:00", reason: "called 10086" })).status).toBe(303);
    const preferences = await client.get("/console/preferences");
    expect(preferences.text).toContain("138****1052");
    expect(preferences.text).toContain("marketing, notification");
    expect(preferences.text).toContain("22:00–08:00");
    expect((await client.post("/console/preferences", { msisdn: "13800131053", categories: "notification", reason: "x" })).status).toBe(422);
  });
});

describe("console: rule modes, preferences, honeypots (security)", () => {
  it("auditors read without forms; SPs are refused every page and every change", async () => {
    const auditor = await signedIn(w.api.url, w.tokens.auditor);
    for (const path of ["/console/rule-modes", "/console/preferences", "/console/honeypots"]) {
      const page = await auditor.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text).not.toContain('method="post" action="/console/honeypots"');
    }
    expect((await auditor.post("/console/honeypots", { msisdn: "13800131054" })).status).toBe(403);
    const sp = await signedIn(w.api.url, w.tokens.spA);
    for (const path of ["/console/rule-modes", "/console/preferences", "/console/honeypots"]) expect((await sp.get(path)).status, path).toBe(403);
    await sp.get("/console/dashboard");
    expect((await sp.post("/console/honeypots", { msisdn: "13800131055" })).status).toBe(403);
    expect((await sp.post("/console/preferences", { msisdn: "13800131056", categories: "marketing", reason: "x" })).status).toBe(403);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const PATH = "/api/v1/settings/policy";
const valid = { ruleModes: { sublet: "monitor" }, quietHours: { start: "21:00", end: "08:00", timeZoneOffsetMinutes: 480 }, dailyMarketingCap: 5, reason: "trial" };

/** PUTs a body that must be refused with 422 problem+json naming `path`; the stored settings must not move. */
async function expectRefused(body: unknown, path: string) {
  const before = (await api.request("GET", PATH)).body;
  const response = await api.request("PUT", PATH, { body });
  expect(response.status, JSON.stringify(body)).toBe(422);
  expect(response.headers.get("content-type")).toContain("application/problem+json");
  expect(response.body.code).toBe("VALIDATION_FAILED");
  expect(response.body.errors.map((e: { path: string }) => e.path), JSON.stringify(response.body)).toContain(path);
  expect((await api.request("GET", PATH)).body).toEqual(before);
}

describe("policy settings API (error)", () => {
  it("refuses an unknown rule name, naming the rules there are", async () => {
    await expectRefused({ ...valid, ruleModes: { no_such_rule: "off" } }, "ruleModes");
    const response = await api.request("PUT", PATH, { body: { ...valid, ruleModes: { no_such_rule: "off" } } });
    expect(JSON.stringify(response.body)).toContain("sublet");
  });

  it("refuses a mode that is not enforce, monitor or off", async () => {
    await expectRefused({ ...valid, ruleModes: { sublet: "maybe" } }, "ruleModes.sublet");
    await expectRefused({ ...valid, ruleModes: { sublet: null } }, "ruleModes.sublet");
    await expectRefused({ ...valid, ruleModes: { sublet: "ENFORCE" } }, "ruleModes.sublet");
  });

  it("refuses quiet hours that are not HH:MM or an offset out of range", async () => {
    await expectRefused({ ...valid, quietHours: { start: "24:00", end: "08:00", timeZoneOffsetMinutes: 480 } }, "quietHours.start");
    await expectRefused({ ...valid, quietHours: { start: "21:00", end: "8:00", timeZoneOffsetMinutes: 480 } }, "quietHours.end");
    await expectRefused({ ...valid, quietHours: { start: "21:00", end: "08:00", timeZoneOffsetMinutes: 900 } }, "quietHours.timeZoneOffsetMinutes");
    await expectRefused({ ...valid, quietHours: { start: "21:00", end: "08:00" } }, "quietHours.timeZoneOffsetMinutes");
  });

  it("refuses a cap below 1, above 1000 or not a whole number", async () => {
    await expectRefused({ ...valid, dailyMarketingCap: 0 }, "dailyMarketingCap");
    await expectRefused({ ...valid, dailyMarketingCap: 1001 }, "dailyMarketingCap");
    await expectRefused({ ...valid, dailyMarketingCap: 2.5 }, "dailyMarketingCap");
    await expectRefused({ ...valid, dailyMarketingCap: "5" }, "dailyMarketingCap");
  });

  it("needs every field and a reason, and refuses fields it does not know", async () => {
    const { reason: _reason, ...withoutReason } = valid;
    await expectRefused(withoutReason, "reason");
    await expectRefused({ ...valid, reason: "   " }, "reason");
    const { dailyMarketingCap: _cap, ...withoutCap } = valid;
    await expectRefused(withoutCap, "dailyMarketingCap");
    await expectRefused({ ...valid, dailyCap: 3 }, "(body)");
  });

  it("answers a body that is not JSON with a 4xx problem, never a 500, and keeps the settings", async () => {
    const before = (await api.request("GET", PATH)).body;
    const broken = await api.request("PUT", PATH, { raw: '{"ruleModes": {', headers: { "content-type": "application/json" } });
    expect(broken.status).toBeGreaterThanOrEqual(400);
    expect(broken.status).toBeLessThan(500);
    expect(broken.headers.get("content-type")).toContain("application/problem+json");
    const wrongType = await api.request("PUT", PATH, { raw: JSON.stringify(valid), headers: { "content-type": "text/plain" } });
    expect(wrongType.status).toBeGreaterThanOrEqual(400);
    expect(wrongType.status).toBeLessThan(500);
    expect((await api.request("GET", PATH)).body).toEqual(before);
  });
});

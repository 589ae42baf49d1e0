import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_CONSENT_REQUEST_PERIOD_DAYS } from "../../../../src/policy/consent.ts";
import { DEFAULT_SHORTENERS } from "../../../../src/policy/content/links.ts";
import { DEFAULT_POLICY_SETTINGS } from "../../../../src/settings/policy-settings.schemas.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";

// That a PUT reaches a running proxy within a second (a rule switched to monitor lets the message
// pass and journals the would-be refusal) is tested over SMPP in test/smpp/proxy/proxy.error.test.ts
// ("lets a rule in monitor mode pass the message and journals the would-be refusal").

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const PATH = "/api/v1/settings/policy";

/** Settings a PUT that leaves them out keeps at their defaults (velocity, honeypot suspension) or unchanged (shorteners, the consent-request period). */
const LATER_DEFAULTS = {
  velocity: DEFAULT_POLICY_SETTINGS.velocity,
  honeypotSuspension: DEFAULT_POLICY_SETTINGS.honeypotSuspension,
  shorteners: [...DEFAULT_SHORTENERS],
  consentRequestPeriodDays: DEFAULT_CONSENT_REQUEST_PERIOD_DAYS,
};

describe("policy settings API (happy)", () => {
  it("starts from the defaults: no rule mode set, quiet hours 21:00–08:00 China time, 5 marketing a day", async () => {
    const response = await api.request("GET", PATH);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ruleModes: {}, quietHours: { start: "21:00", end: "08:00", timeZoneOffsetMinutes: 480 }, dailyMarketingCap: 5, serviceIdCategories: {}, ...LATER_DEFAULTS });
  });

  it("stores rule modes, quiet hours and the cap, answers with what it stored, and GET reads it back", async () => {
    const settings = {
      ruleModes: { sublet: "monitor", duplicate_recipient: "enforce", quiet_hours: "off" },
      quietHours: { start: "22:30", end: "07:15", timeZoneOffsetMinutes: 480 },
      dailyMarketingCap: 3,
    };
    const put = await api.request("PUT", PATH, { body: { ...settings, reason: "工单 1024: trial sublet in monitor" } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ ...settings, serviceIdCategories: {}, ...LATER_DEFAULTS });
    expect((await api.request("GET", PATH)).body).toEqual({ ...settings, serviceIdCategories: {}, ...LATER_DEFAULTS });
  });

  it("null turns quiet hours and the daily cap off, and an empty ruleModes puts every rule back to its default", async () => {
    expect((await api.request("PUT", PATH, { body: { ruleModes: { dnd: "monitor" }, quietHours: null, dailyMarketingCap: null, reason: "night campaign trial" } })).status).toBe(200);
    expect((await api.request("GET", PATH)).body).toEqual({ ruleModes: { dnd: "monitor" }, quietHours: null, dailyMarketingCap: null, serviceIdCategories: {}, ...LATER_DEFAULTS });
    const reset = { ruleModes: {}, quietHours: { start: "21:00", end: "08:00", timeZoneOffsetMinutes: 480 }, dailyMarketingCap: 5, serviceIdCategories: {} };
    expect((await api.request("PUT", PATH, { body: { ...reset, reason: "trial over" } })).status).toBe(200);
    expect((await api.request("GET", PATH)).body).toEqual({ ...reset, ...LATER_DEFAULTS });
  });

  it("writes one audit row per change, with the reason and the settings before and after", async () => {
    const before = (await api.request("GET", PATH)).body;
    const after = { ...before, ruleModes: { sublet: "monitor" } };
    await api.request("PUT", PATH, { body: { ...after, reason: "trial the sublet rule" } });
    const audit = await api.as(api.operatorToken).get("/api/v1/audit?objectType=settings");
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ action: "settings.policy.update", objectId: "policy", reason: "trial the sublet rule", before, after });
  });

  it("an auditor reads the settings", async () => {
    const auditor = await api.tokenFor("auditor");
    await api.request("PUT", PATH, { body: { ruleModes: { scope: "monitor" }, quietHours: null, dailyMarketingCap: 9, reason: "x" } });
    expect(await api.as(auditor).get(PATH)).toEqual({ ruleModes: { scope: "monitor" }, quietHours: null, dailyMarketingCap: 9, serviceIdCategories: {}, ...LATER_DEFAULTS });
  });

  it("stores the CMPP Service_Id → category mapping; a PUT without it leaves it as it was", async () => {
    const base = { ruleModes: {}, quietHours: null, dailyMarketingCap: 5 };
    const mapping = { JSYZM: "verification", YXTZ: "marketing" };
    expect((await api.request("PUT", PATH, { body: { ...base, serviceIdCategories: mapping, reason: "CMPP SP 901234's service codes" } })).body.serviceIdCategories).toEqual(mapping);
    expect((await api.request("PUT", PATH, { body: { ...base, dailyMarketingCap: 4, reason: "cap" } })).status).toBe(200);
    expect((await api.request("GET", PATH)).body).toEqual({ ...base, dailyMarketingCap: 4, serviceIdCategories: mapping, ...LATER_DEFAULTS });
    const bad = await api.request("PUT", PATH, { body: { ...base, serviceIdCategories: { "TOO-LONG-CODE": "marketing" }, reason: "x" } });
    expect(bad.status).toBe(422);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const base = async () => (await api.request("GET", "/api/v1/settings/policy")).body;

describe("policy settings: velocity and honeypot suspension", () => {
  it("ships defaults, stores what an operator sets, and an older client's PUT without the new fields gets the defaults", async () => {
    const initial = await base();
    expect(initial.velocity).toEqual({ perTenMinutes: 5, perHour: 10, perDay: 20, enterprisesPerHour: 5 });
    expect(initial.honeypotSuspension).toEqual({ hits: 3, periodMinutes: 1440 });
    const velocity = { perTenMinutes: 3, perHour: null, perDay: 30, enterprisesPerHour: 4 };
    const put = await api.request("PUT", "/api/v1/settings/policy", { body: { ...initial, velocity, honeypotSuspension: null, reason: "tighter" } });
    expect(put.status, put.text).toBe(200);
    expect(await base()).toMatchObject({ velocity, honeypotSuspension: null });
    const { velocity: _v, honeypotSuspension: _h, ...older } = initial;
    expect((await api.request("PUT", "/api/v1/settings/policy", { body: { ...older, reason: "old client" } })).status).toBe(200);
    expect((await base()).velocity).toEqual(initial.velocity);
  });

  it("refuses limits below 1, unknown limit names and a malformed suspension rule with 422", async () => {
    const initial = await base();
    for (const patch of [
      { velocity: { ...initial.velocity, perTenMinutes: 0 } },
      { velocity: { ...initial.velocity, perWeek: 3 } },
      { velocity: { perTenMinutes: 3 } },
      { honeypotSuspension: { hits: 0, periodMinutes: 60 } },
      { honeypotSuspension: { hits: 2 } },
    ]) {
      const answer = await api.request("PUT", "/api/v1/settings/policy", { body: { ...initial, ...patch, reason: "bad" } });
      expect(answer.status, JSON.stringify(patch)).toBe(422);
    }
    expect(await base()).toEqual(initial);
  });

  it("only an operator may change them", async () => {
    const auditor = await api.tokenFor("auditor");
    expect((await api.request("PUT", "/api/v1/settings/policy", { token: auditor, body: { ...(await base()), reason: "x" } })).status).toBe(403);
  });
});

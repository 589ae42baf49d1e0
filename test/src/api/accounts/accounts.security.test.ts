import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { auditRows, createSp } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("bind accounts (security)", () => {
  it("answers 404 for another SP's account on every route and never lists it", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const ofA = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: a.sp.id, systemId: "a1", password: "abcdef" });
    const ofB = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: b.sp.id, systemId: "b1", password: "abcdef" });
    expect((await api.request("GET", `/api/v1/accounts/${ofB.id}`, { token: a.token })).status).toBe(404);
    expect((await api.request("PATCH", `/api/v1/accounts/${ofB.id}`, { token: a.token, body: { allowedIps: [] } })).status).toBe(404);
    expect((await api.request("PATCH", `/api/v1/accounts/${ofB.id}`, { token: a.token, body: { maxBinds: 9 } })).status).toBe(404);
    expect((await api.request("POST", `/api/v1/accounts/${ofB.id}/password`, { token: a.token, body: { password: "hijack1" } })).status).toBe(404);
    expect((await api.as(a.token).get("/api/v1/accounts")).items.map((x: { id: string }) => x.id)).toEqual([ofA.id]);
    expect((await api.as(a.token).get(`/api/v1/accounts?spId=${b.sp.id}`)).items).toEqual([]);
  });

  it("keeps account creation, limits and status with the operator", async () => {
    const { sp, token } = await createSp(api);
    expect((await api.request("POST", "/api/v1/accounts", { token, body: { spId: sp.id, systemId: "mine", password: "abcdef" } })).status).toBe(403);
    const account = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: sp.id, systemId: "own", password: "abcdef" });
    for (const body of [{ maxSubmitsPerSecond: 10_000 }, { maxBinds: 100 }, { status: "disabled" }, { defaultCategory: "marketing" }]) {
      const res = await api.request("PATCH", `/api/v1/accounts/${account.id}`, { token, body });
      expect(res.status, JSON.stringify(body)).toBe(403);
    }
  });

  it("keeps auditors read-only", async () => {
    const { sp } = await createSp(api);
    const account = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: sp.id, systemId: "aud", password: "abcdef" });
    const auditor = await api.tokenFor("auditor");
    expect((await api.request("GET", `/api/v1/accounts/${account.id}`, { token: auditor })).status).toBe(200);
    expect((await api.request("POST", "/api/v1/accounts", { token: auditor, body: { spId: sp.id, systemId: "x", password: "abcdef" } })).status).toBe(403);
    expect((await api.request("PATCH", `/api/v1/accounts/${account.id}`, { token: auditor, body: { allowedIps: [] } })).status).toBe(403);
    expect((await api.request("POST", `/api/v1/accounts/${account.id}/password`, { token: auditor, body: { password: "abcdefg" } })).status).toBe(403);
    expect(await auditRows(api, "bind_account")).toHaveLength(1);
  });
});

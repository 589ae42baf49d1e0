import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { auditRows, createContract, createSp, makeUscc } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("enterprises (security)", () => {
  it("hides other SPs' enterprises (404 on every route) and never lists them", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const ofB = await api.as(b.token).post("/api/v1/enterprises", { name: "B 的企业", uscc: makeUscc(1) });
    const ofA = await api.as(a.token).post("/api/v1/enterprises", { name: "A 的企业", uscc: makeUscc(2) });
    expect((await api.request("GET", `/api/v1/enterprises/${ofB.id}`, { token: a.token })).status).toBe(404);
    expect((await api.request("PATCH", `/api/v1/enterprises/${ofB.id}`, { token: a.token, body: { name: "mine" } })).status).toBe(404);
    const list = await api.as(a.token).get("/api/v1/enterprises");
    expect(list.items.map((e: { id: string }) => e.id)).toEqual([ofA.id]);
    // Asking for another SP's view does not widen an SP's own.
    expect((await api.as(a.token).get(`/api/v1/enterprises?spId=${b.sp.id}`)).items).toEqual([]);
    expect((await api.as(a.token).get(`/api/v1/enterprises?uscc=${makeUscc(1)}`)).items).toEqual([]);
  });

  it("lets a carrying SP read but not change an enterprise it did not file; status and USCC are the operator's", async () => {
    const a = await createSp(api, "A");
    const carried = await api.as(api.operatorToken).post("/api/v1/enterprises", { name: "运营商登记", uscc: makeUscc(3) });
    await createContract(api, a.sp.id, carried.id);
    expect((await api.request("GET", `/api/v1/enterprises/${carried.id}`, { token: a.token })).status).toBe(200);
    expect((await api.request("PATCH", `/api/v1/enterprises/${carried.id}`, { token: a.token, body: { name: "x" } })).status).toBe(403);
    const own = await api.as(a.token).post("/api/v1/enterprises", { name: "自报", uscc: makeUscc(4) });
    expect((await api.request("PATCH", `/api/v1/enterprises/${own.id}`, { token: a.token, body: { status: "suspended" } })).status).toBe(403);
    expect((await api.request("PATCH", `/api/v1/enterprises/${own.id}`, { token: a.token, body: { uscc: makeUscc(5) } })).status).toBe(403);
    expect((await auditRows(api, "enterprise", own.id)).map((r) => r.action)).toEqual(["enterprise.create"]);
  });

  it("keeps auditors read-only and requires a token", async () => {
    const e = await api.as(api.operatorToken).post("/api/v1/enterprises", { name: "甲", uscc: makeUscc(6) });
    const auditor = await api.tokenFor("auditor");
    expect((await api.request("GET", "/api/v1/enterprises", { token: auditor })).body.items).toHaveLength(1);
    expect((await api.request("GET", `/api/v1/enterprises/${e.id}`, { token: auditor })).status).toBe(200);
    expect((await api.request("POST", "/api/v1/enterprises", { token: auditor, body: { name: "x", uscc: makeUscc(9) } })).status).toBe(403);
    expect((await api.request("PATCH", `/api/v1/enterprises/${e.id}`, { token: auditor, body: { name: "x" } })).status).toBe(403);
    expect((await api.request("GET", "/api/v1/enterprises", { token: null })).status).toBe(401);
    expect((await auditRows(api, "enterprise")).length).toBe(1);
  });
});

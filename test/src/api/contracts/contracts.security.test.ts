import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { auditRows, createContract, createEnterprise, createSp } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("contracts (security)", () => {
  it("confines an SP to its own contracts: 404 for others', 403 on any change, never listed, cannot file for another SP", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const e = await createEnterprise(api, 1);
    const ofA = await createContract(api, a.sp.id, e.id);
    const ofB = await createContract(api, b.sp.id, e.id);
    expect((await api.request("GET", `/api/v1/contracts/${ofB.id}`, { token: a.token })).status).toBe(404);
    // Changing contracts is the operator's: 403 for any id, the SP's own or not (so it tells nothing).
    expect((await api.request("PATCH", `/api/v1/contracts/${ofB.id}`, { token: a.token, body: { status: "terminated" } })).status).toBe(403);
    expect((await api.request("PATCH", `/api/v1/contracts/${ofA.id}`, { token: a.token, body: { validTo: "2199-12-31" } })).status).toBe(403);
    expect((await api.as(a.token).get("/api/v1/contracts")).items.map((c: { id: string }) => c.id)).toEqual([ofA.id]);
    expect((await api.as(a.token).get(`/api/v1/contracts?spId=${b.sp.id}`)).items).toEqual([]);
    const forB = await api.request("POST", "/api/v1/contracts", { token: a.token, body: { spId: b.sp.id, enterpriseId: e.id, validFrom: "2030-01-01", validTo: "2030-12-31" } });
    expect(forB.status).toBe(403);
  });

  it("does not let an SP claim an enterprise it neither filed nor carries (the sublet door)", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const ofB = await createEnterprise(api, 2, b.token);
    const claim = await api.request("POST", "/api/v1/contracts", { token: a.token, body: { enterpriseId: ofB.id, validFrom: "2025-01-01", validTo: "2025-12-31" } });
    expect(claim.status).toBe(422);
    expect(claim.body.errors[0]).toMatchObject({ path: "enterpriseId", message: "no such enterprise" });
    expect(await auditRows(api, "contract")).toHaveLength(0);
  });

  it("keeps auditors read-only", async () => {
    const a = await createSp(api, "A");
    const e = await createEnterprise(api, 1);
    const c = await createContract(api, a.sp.id, e.id);
    const auditor = await api.tokenFor("auditor");
    expect((await api.request("GET", `/api/v1/contracts/${c.id}`, { token: auditor })).status).toBe(200);
    expect((await api.request("GET", "/api/v1/contracts", { token: auditor })).body.items).toHaveLength(1);
    expect((await api.request("POST", "/api/v1/contracts", { token: auditor, body: { spId: a.sp.id, enterpriseId: e.id, validFrom: "2030-01-01", validTo: "2030-12-31" } })).status).toBe(403);
    expect((await api.request("PATCH", `/api/v1/contracts/${c.id}`, { token: auditor, body: { status: "terminated" } })).status).toBe(403);
    expect(await auditRows(api, "contract")).toHaveLength(1);
  });
});

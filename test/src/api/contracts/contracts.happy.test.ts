import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { auditRows, createEnterprise, createSp } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("contracts (happy)", () => {
  it("creates, reads, lists by SP / enterprise / activeOn with a cursor, and terminates a contract", async () => {
    const { sp } = await createSp(api);
    const e1 = await createEnterprise(api, 1);
    const e2 = await createEnterprise(api, 2);
    const op = api.as(api.operatorToken);
    const c1 = await op.post("/api/v1/contracts", { spId: sp.id, enterpriseId: e1.id, validFrom: "2025-01-01", validTo: "2025-12-31" });
    expect(c1).toMatchObject({ spId: sp.id, enterpriseId: e1.id, validFrom: "2025-01-01", validTo: "2025-12-31", status: "active" });
    const c2 = await op.post("/api/v1/contracts", { spId: sp.id, enterpriseId: e1.id, validFrom: "2026-01-01", validTo: "2026-12-31" });
    const c3 = await op.post("/api/v1/contracts", { spId: sp.id, enterpriseId: e2.id, validFrom: "2025-06-01", validTo: "2025-06-01" });

    expect((await op.get(`/api/v1/contracts/${c2.id}`)).validFrom).toBe("2026-01-01");
    const page1 = await op.get("/api/v1/contracts?limit=2");
    expect(page1.items.map((c: { id: string }) => c.id)).toEqual([c1.id, c2.id]);
    const page2 = await op.get(`/api/v1/contracts?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items.map((c: { id: string }) => c.id)).toEqual([c3.id]);
    expect(page2.nextCursor).toBeNull();
    expect((await op.get(`/api/v1/contracts?enterpriseId=${e1.id}`)).items).toHaveLength(2);
    expect((await op.get(`/api/v1/contracts?spId=${sp.id}`)).items).toHaveLength(3);
    expect((await op.get("/api/v1/contracts?activeOn=2025-06-01")).items.map((c: { id: string }) => c.id)).toEqual([c1.id, c3.id]);
    expect((await op.get("/api/v1/contracts?activeOn=2025-06-02")).items.map((c: { id: string }) => c.id)).toEqual([c1.id]);

    const extended = await op.patch(`/api/v1/contracts/${c3.id}`, { validTo: "2025-08-31" });
    expect(extended.validTo).toBe("2025-08-31");
    const terminated = await op.patch(`/api/v1/contracts/${c1.id}`, { status: "terminated", reason: "enterprise left" });
    expect(terminated.status).toBe("terminated");
    expect((await op.get("/api/v1/contracts?activeOn=2025-06-02")).items.map((c: { id: string }) => c.id)).toEqual([c3.id]);
    expect((await op.get("/api/v1/contracts?status=terminated")).items).toHaveLength(1);

    const audit = await auditRows(api, "contract", c1.id);
    expect(audit.map((r) => r.action)).toEqual(["contract.create", "contract.update"]);
    expect(audit[1]).toMatchObject({ reason: "enterprise left", objectSpId: sp.id });
  });

  it("lets an SP request a contract for itself with an enterprise it filed: pending until an operator approves or refuses it", async () => {
    const { sp, token } = await createSp(api);
    const own = await createEnterprise(api, 3, token);
    const request = await api.as(token).post("/api/v1/contracts", { enterpriseId: own.id, validFrom: "2025-01-01", validTo: "2027-12-31" });
    expect(request).toMatchObject({ spId: sp.id, status: "pending", statusReason: null });
    // The same spId spelled out is accepted too.
    const renewal = await api.as(token).post("/api/v1/contracts", { spId: sp.id, enterpriseId: own.id, validFrom: "2028-01-01", validTo: "2028-12-31" });
    expect(renewal).toMatchObject({ spId: sp.id, status: "pending" });

    const op = api.as(api.operatorToken);
    expect((await op.get("/api/v1/contracts?status=pending")).items.map((c: { id: string }) => c.id).sort()).toEqual([request.id, renewal.id].sort());
    expect((await op.get("/api/v1/contracts?activeOn=2026-01-01")).items).toEqual([]);
    const approved = await op.post(`/api/v1/contracts/${request.id}/approve`, { reason: "signed contract on file" });
    expect(approved).toMatchObject({ status: "active", statusReason: "signed contract on file" });
    expect((await op.get("/api/v1/contracts?activeOn=2026-01-01")).items.map((c: { id: string }) => c.id)).toEqual([request.id]);
    const refused = await op.post(`/api/v1/contracts/${renewal.id}/refuse`, { reason: "no signed renewal" });
    expect(refused).toMatchObject({ status: "refused", statusReason: "no signed renewal" });
    // The SP reads the outcome and the reason.
    expect(await api.as(token).get(`/api/v1/contracts/${renewal.id}`)).toMatchObject({ status: "refused", statusReason: "no signed renewal" });

    const audit = await auditRows(api, "contract", request.id);
    expect(audit.map((r) => r.action)).toEqual(["contract.request", "contract.approve"]);
    expect(audit[0]).toMatchObject({ actorType: "sp", actorSpId: sp.id, objectSpId: sp.id });
    expect(audit[1]).toMatchObject({ actorType: "operator", reason: "signed contract on file", objectSpId: sp.id });
    expect((await auditRows(api, "contract", renewal.id)).map((r) => [r.action, r.reason])).toEqual([
      ["contract.request", null],
      ["contract.refuse", "no signed renewal"],
    ]);
  });
});

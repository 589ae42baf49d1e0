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

describe("ports (happy)", () => {
  it("assigns, reads, lists by SP / status / number prefix with a cursor, and suspends a port with a reason", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const op = api.as(api.operatorToken);
    const p1 = await op.post("/api/v1/ports", { number: "10690001", spId: a.sp.id });
    expect(p1).toMatchObject({ number: "10690001", spId: a.sp.id, status: "active", statusReason: null });
    const p2 = await op.post("/api/v1/ports", { number: "10690002", spId: a.sp.id });
    const p3 = await op.post("/api/v1/ports", { number: "1065512345", spId: b.sp.id });

    expect((await op.get(`/api/v1/ports/${p3.id}`)).number).toBe("1065512345");
    const page1 = await op.get("/api/v1/ports?limit=2");
    expect(page1.items.map((p: { id: string }) => p.id)).toEqual([p1.id, p2.id]);
    const page2 = await op.get(`/api/v1/ports?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items.map((p: { id: string }) => p.id)).toEqual([p3.id]);
    expect((await op.get("/api/v1/ports?numberPrefix=1069")).items).toHaveLength(2);
    expect((await op.get(`/api/v1/ports?spId=${b.sp.id}`)).items.map((p: { id: string }) => p.id)).toEqual([p3.id]);

    const suspended = await op.patch(`/api/v1/ports/${p2.id}`, { status: "suspended", reason: "回头看: complaints" });
    expect(suspended).toMatchObject({ status: "suspended", statusReason: "回头看: complaints" });
    expect((await op.get("/api/v1/ports?status=suspended")).items.map((p: { id: string }) => p.id)).toEqual([p2.id]);
    const audit = await auditRows(api, "port", p2.id);
    expect(audit.map((r) => r.action)).toEqual(["port.create", "port.update"]);
    expect(audit[1]).toMatchObject({ reason: "回头看: complaints", objectSpId: a.sp.id });
  });

  it("lets the owning SP assign, list and release extensions for enterprises it has contracts with", async () => {
    const { sp, token } = await createSp(api);
    const e1 = await createEnterprise(api, 1);
    const e2 = await createEnterprise(api, 2);
    await createContract(api, sp.id, e1.id);
    await createContract(api, sp.id, e2.id);
    const port = await api.as(api.operatorToken).post("/api/v1/ports", { number: "10690001", spId: sp.id });

    const x1 = await api.as(token).post(`/api/v1/ports/${port.id}/extensions`, { extension: "12", enterpriseId: e1.id });
    expect(x1).toMatchObject({ portId: port.id, extension: "12", enterpriseId: e1.id });
    const x2 = await api.as(token).post(`/api/v1/ports/${port.id}/extensions`, { extension: "13", enterpriseId: e2.id });
    const x3 = await api.as(api.operatorToken).post(`/api/v1/ports/${port.id}/extensions`, { extension: "2", enterpriseId: e1.id });

    const page1 = await api.as(token).get(`/api/v1/ports/${port.id}/extensions?limit=2`);
    expect(page1.items.map((x: { id: string }) => x.id)).toEqual([x1.id, x2.id]);
    const page2 = await api.as(token).get(`/api/v1/ports/${port.id}/extensions?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items.map((x: { id: string }) => x.id)).toEqual([x3.id]);
    expect((await api.as(token).get(`/api/v1/ports/${port.id}/extensions?enterpriseId=${e1.id}`)).items).toHaveLength(2);

    const released = await api.request("DELETE", `/api/v1/ports/${port.id}/extensions/${x1.id}?reason=contract%20ended`, { token });
    expect(released.status).toBe(204);
    expect((await api.as(token).get(`/api/v1/ports/${port.id}/extensions`)).items).toHaveLength(2);
    // The released digits may be assigned again, even as a longer extension.
    await api.as(token).post(`/api/v1/ports/${port.id}/extensions`, { extension: "123", enterpriseId: e2.id });

    const audit = await auditRows(api, "port_extension", x1.id);
    expect(audit.map((r) => r.action)).toEqual(["port_extension.create", "port_extension.delete"]);
    expect(audit[1]).toMatchObject({ reason: "contract ended", actorType: "sp" });
  });

  it("releases a port's extensions when the operator reassigns it", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const e = await createEnterprise(api, 1);
    await createContract(api, a.sp.id, e.id);
    const port = await api.as(api.operatorToken).post("/api/v1/ports", { number: "10690001", spId: a.sp.id });
    await api.as(api.operatorToken).post(`/api/v1/ports/${port.id}/extensions`, { extension: "1", enterpriseId: e.id });
    const moved = await api.as(api.operatorToken).patch(`/api/v1/ports/${port.id}`, { spId: b.sp.id, reason: "number reallocated" });
    expect(moved.spId).toBe(b.sp.id);
    expect((await api.as(b.token).get(`/api/v1/ports/${port.id}/extensions`)).items).toEqual([]);
    expect((await api.request("GET", `/api/v1/ports/${port.id}`, { token: a.token })).status).toBe(404);
    const [, reassign] = await auditRows(api, "port", port.id);
    expect(reassign).toMatchObject({ action: "port.reassign", reason: "number reallocated" });
    expect((reassign!.before as { extensions: unknown[] }).extensions).toHaveLength(1);
  });
});

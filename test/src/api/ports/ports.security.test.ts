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

async function world() {
  const a = await createSp(api, "A");
  const b = await createSp(api, "B");
  const e = await createEnterprise(api, 1);
  await createContract(api, a.sp.id, e.id);
  await createContract(api, b.sp.id, e.id);
  const portA = await api.as(api.operatorToken).post("/api/v1/ports", { number: "10690001", spId: a.sp.id });
  const portB = await api.as(api.operatorToken).post("/api/v1/ports", { number: "10690002", spId: b.sp.id });
  const extB = await api.as(api.operatorToken).post(`/api/v1/ports/${portB.id}/extensions`, { extension: "7", enterpriseId: e.id });
  return { a, b, e, portA, portB, extB };
}

describe("ports (security)", () => {
  it("answers 404 for another SP's port on every route and never lists it", async () => {
    const { a, b, e, portA, portB, extB } = await world();
    const asA = { token: a.token };
    expect((await api.request("GET", `/api/v1/ports/${portB.id}`, asA)).status).toBe(404);
    expect((await api.request("PATCH", `/api/v1/ports/${portB.id}`, { ...asA, body: { status: "suspended", reason: "x" } })).status).toBe(404);
    expect((await api.request("GET", `/api/v1/ports/${portB.id}/extensions`, asA)).status).toBe(404);
    expect((await api.request("POST", `/api/v1/ports/${portB.id}/extensions`, { ...asA, body: { extension: "8", enterpriseId: e.id } })).status).toBe(404);
    expect((await api.request("DELETE", `/api/v1/ports/${portB.id}/extensions/${extB.id}`, asA)).status).toBe(404);
    // Another port's extension id through one's own port is not found either.
    expect((await api.request("DELETE", `/api/v1/ports/${portA.id}/extensions/${extB.id}`, asA)).status).toBe(404);
    expect((await api.as(a.token).get("/api/v1/ports")).items.map((p: { id: string }) => p.id)).toEqual([portA.id]);
    expect((await api.as(a.token).get(`/api/v1/ports?spId=${b.sp.id}`)).items).toEqual([]);
    expect((await api.as(b.token).get(`/api/v1/ports/${portB.id}/extensions`)).items).toHaveLength(1);
  });

  it("does not let an SP assign, reassign or change the status of a port, even its own", async () => {
    const { a, b, portA } = await world();
    expect((await api.request("POST", "/api/v1/ports", { token: a.token, body: { number: "10690009", spId: a.sp.id } })).status).toBe(403);
    expect((await api.request("PATCH", `/api/v1/ports/${portA.id}`, { token: a.token, body: { spId: b.sp.id, reason: "gift" } })).status).toBe(403);
    expect((await api.request("PATCH", `/api/v1/ports/${portA.id}`, { token: a.token, body: { status: "active", reason: "x" } })).status).toBe(403);
  });

  it("does not let an SP assign its port's extension to an enterprise it has no contract with", async () => {
    const { a, portA } = await world();
    const other = await createEnterprise(api, 2);
    const res = await api.request("POST", `/api/v1/ports/${portA.id}/extensions`, { token: a.token, body: { extension: "5", enterpriseId: other.id } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("enterpriseId");
  });

  it("keeps auditors read-only", async () => {
    const { e, portB, extB } = await world();
    const auditor = await api.tokenFor("auditor");
    const before = (await auditRows(api, "port")).length + (await auditRows(api, "port_extension")).length;
    expect((await api.request("GET", "/api/v1/ports", { token: auditor })).body.items).toHaveLength(2);
    expect((await api.request("GET", `/api/v1/ports/${portB.id}/extensions`, { token: auditor })).status).toBe(200);
    expect((await api.request("POST", "/api/v1/ports", { token: auditor, body: { number: "10690009", spId: portB.spId } })).status).toBe(403);
    expect((await api.request("PATCH", `/api/v1/ports/${portB.id}`, { token: auditor, body: { status: "suspended", reason: "x" } })).status).toBe(403);
    expect((await api.request("POST", `/api/v1/ports/${portB.id}/extensions`, { token: auditor, body: { extension: "8", enterpriseId: e.id } })).status).toBe(403);
    expect((await api.request("DELETE", `/api/v1/ports/${portB.id}/extensions/${extB.id}`, { token: auditor })).status).toBe(403);
    expect((await auditRows(api, "port")).length + (await auditRows(api, "port_extension")).length).toBe(before);
  });
});

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

describe("gateway bind accounts (security)", () => {
  it("an SP token can neither open a gateway account nor see, change or re-key one, even one that carries that SP", async () => {
    const { sp, token } = await createSp(api);
    for (const body of [
      { kind: "gateway", systemId: "sp_gw", password: "abcdef", allowedIps: ["192.0.2.1"] },
      { kind: "gateway", spId: sp.id, systemId: "sp_gw2", password: "abcdef", allowedIps: ["192.0.2.1"] },
    ]) {
      expect((await api.request("POST", "/api/v1/accounts", { token, body })).status).toBe(403);
    }
    const gateway = await api.as(api.operatorToken).post("/api/v1/accounts", { kind: "gateway", systemId: "ismg", password: "abcdef", allowedIps: ["192.0.2.1"], carriedSpIds: [sp.id] });
    const own = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: sp.id, systemId: "own", password: "abcdef" });
    expect((await api.request("GET", `/api/v1/accounts/${gateway.id}`, { token })).status).toBe(404);
    expect((await api.request("PATCH", `/api/v1/accounts/${gateway.id}`, { token, body: { allowedIps: ["0.0.0.0/0"] } })).status).toBe(404);
    expect((await api.request("POST", `/api/v1/accounts/${gateway.id}/password`, { token, body: { password: "hijack1" } })).status).toBe(404);
    for (const query of ["", "?kind=gateway", `?spId=${sp.id}`, "?systemId=ismg"]) {
      const ids = (await api.as(token).get(`/api/v1/accounts${query}`)).items.map((x: { id: string }) => x.id);
      expect(ids, query).toEqual(query === "" || query.startsWith("?spId") ? [own.id] : []);
    }
    // Nothing changed: the gateway's addresses are the operator's.
    expect((await api.as(api.operatorToken).get(`/api/v1/accounts/${gateway.id}`)).allowedIps).toEqual(["192.0.2.1"]);
    expect((await auditRows(api, "bind_account", gateway.id)).map((r) => r.action)).toEqual(["bind_account.create"]);
  });

  it("an auditor reads gateway accounts but cannot open or change one", async () => {
    const auditor = await api.tokenFor("auditor");
    expect((await api.request("POST", "/api/v1/accounts", { token: auditor, body: { kind: "gateway", systemId: "a_gw", password: "abcdef", allowedIps: ["192.0.2.1"] } })).status).toBe(403);
    const gateway = await api.as(api.operatorToken).post("/api/v1/accounts", { kind: "gateway", systemId: "a_gw", password: "abcdef", allowedIps: ["192.0.2.1"] });
    expect((await api.request("PATCH", `/api/v1/accounts/${gateway.id}`, { token: auditor, body: { carriedSpIds: [] } })).status).toBe(403);
    expect((await api.request("GET", `/api/v1/accounts/${gateway.id}`, { token: auditor })).status).toBe(200);
  });
});

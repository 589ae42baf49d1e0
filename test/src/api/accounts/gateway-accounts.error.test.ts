import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { createSp } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const post = (body: Record<string, unknown>) => api.request("POST", "/api/v1/accounts", { body: { systemId: "gw_err", password: "abcdef", ...body } });

describe("gateway bind accounts (error)", () => {
  it("refuses a gateway account without an address allowlist (422, naming allowedIps), on create and on update", async () => {
    for (const body of [{ kind: "gateway" }, { kind: "gateway", allowedIps: [] }]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0].path).toBe("allowedIps");
    }
    const gateway = await api.as(api.operatorToken).post("/api/v1/accounts", { kind: "gateway", systemId: "gw_ok", password: "abcdef", allowedIps: ["192.0.2.1"] });
    const res = await api.request("PATCH", `/api/v1/accounts/${gateway.id}`, { body: { allowedIps: [] } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("allowedIps");
    expect((await api.as(api.operatorToken).get(`/api/v1/accounts/${gateway.id}`)).allowedIps).toEqual(["192.0.2.1"]);
  });

  it("keeps spId and carriedSpIds to their kinds, and refuses SPs that do not exist", async () => {
    const { sp } = await createSp(api);
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: "gateway", spId: sp.id, allowedIps: ["192.0.2.1"] }, "spId"],
      [{}, "spId"],
      [{ kind: "sp" }, "spId"],
      [{ spId: sp.id, carriedSpIds: [sp.id] }, "carriedSpIds"],
      [{ kind: "gateway", allowedIps: ["192.0.2.1"], carriedSpIds: ["00000000-0000-4000-8000-000000000000"] }, "carriedSpIds"],
      [{ kind: "gateway", allowedIps: ["192.0.2.1"], carriedSpIds: ["not-a-uuid"] }, "carriedSpIds.0"],
      [{ kind: "ismg", allowedIps: ["192.0.2.1"] }, "kind"],
    ];
    for (const [body, path] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0].path, JSON.stringify(body)).toBe(path);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    const own = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: sp.id, systemId: "own_err", password: "abcdef" });
    const res = await api.request("PATCH", `/api/v1/accounts/${own.id}`, { body: { carriedSpIds: [sp.id] } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("carriedSpIds");
    expect((await api.as(api.operatorToken).get("/api/v1/accounts")).items).toHaveLength(1);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { createContract, createEnterprise, createSp } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("ports (error)", () => {
  it("validates the number and refuses a duplicate with 409", async () => {
    const { sp } = await createSp(api);
    for (const number of ["10590001", "1061", "106900012345678901234", "10690abc"]) {
      const res = await api.request("POST", "/api/v1/ports", { body: { number, spId: sp.id } });
      expect(res.status, number).toBe(422);
      expect(res.body.errors[0].path).toBe("number");
    }
    await api.as(api.operatorToken).post("/api/v1/ports", { number: "10690001", spId: sp.id });
    const dup = await api.request("POST", "/api/v1/ports", { body: { number: "10690001", spId: sp.id } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("CONFLICT");
    const unknownSp = await api.request("POST", "/api/v1/ports", { body: { number: "10690002", spId: "01900000-0000-7000-8000-000000000000" } });
    expect(unknownSp.body.errors[0].path).toBe("spId");
    expect((await api.request("GET", "/api/v1/ports?numberPrefix=10x")).status).toBe(422);
  });

  it("requires a reason to change status or owner", async () => {
    const { sp } = await createSp(api);
    const port = await api.as(api.operatorToken).post("/api/v1/ports", { number: "10690001", spId: sp.id });
    const res = await api.request("PATCH", `/api/v1/ports/${port.id}`, { body: { status: "revoked" } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("reason");
  });

  it("refuses an extension that overlaps another by prefix, naming the one it overlaps", async () => {
    const { sp } = await createSp(api);
    const e = await createEnterprise(api, 1);
    await createContract(api, sp.id, e.id);
    const port = await api.as(api.operatorToken).post("/api/v1/ports", { number: "10690001", spId: sp.id });
    const x = await api.as(api.operatorToken).post(`/api/v1/ports/${port.id}/extensions`, { extension: "12", enterpriseId: e.id });
    for (const extension of ["12", "123", "1"]) {
      const res = await api.request("POST", `/api/v1/ports/${port.id}/extensions`, { body: { extension, enterpriseId: e.id } });
      expect(res.status, extension).toBe(409);
      expect(res.body.code).toBe("CONFLICT");
      expect(res.body.detail).toContain(x.id);
      expect(res.body.detail).toContain("extension 12 ");
    }
    // Same digits on another port do not overlap.
    const other = await api.as(api.operatorToken).post("/api/v1/ports", { number: "10690002", spId: sp.id });
    expect((await api.request("POST", `/api/v1/ports/${other.id}/extensions`, { body: { extension: "12", enterpriseId: e.id } })).status).toBe(201);
  });

  it("validates extensions: digits, length, source_addr limit, contract, revoked port", async () => {
    const { sp } = await createSp(api);
    const contracted = await createEnterprise(api, 1);
    const stranger = await createEnterprise(api, 2);
    const expired = await createEnterprise(api, 3);
    await createContract(api, sp.id, contracted.id);
    await createContract(api, sp.id, expired.id, "2020-01-01", "2020-12-31");
    const port = await api.as(api.operatorToken).post("/api/v1/ports", { number: "10690001", spId: sp.id });
    const post = (body: unknown, portId = port.id) => api.request("POST", `/api/v1/ports/${portId}/extensions`, { body });
    for (const extension of ["", "12a", "123456789"]) {
      const res = await post({ extension, enterpriseId: contracted.id });
      expect(res.status, extension).toBe(422);
      expect(res.body.errors[0].path).toBe("extension");
    }
    const noContract = await post({ extension: "1", enterpriseId: stranger.id });
    expect(noContract.status).toBe(422);
    expect(noContract.body.errors[0].path).toBe("enterpriseId");
    expect((await post({ extension: "1", enterpriseId: expired.id })).status).toBe(422);
    expect((await post({ extension: "1", enterpriseId: "01900000-0000-7000-8000-000000000000" })).body.errors[0].message).toBe("no such enterprise");

    const long = await api.as(api.operatorToken).post("/api/v1/ports", { number: "1069000000000000", spId: sp.id });
    const tooLong = await post({ extension: "12345", enterpriseId: contracted.id }, long.id);
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.detail).toContain("20");

    await api.as(api.operatorToken).patch(`/api/v1/ports/${port.id}`, { status: "revoked", reason: "违规转租" });
    expect((await post({ extension: "1", enterpriseId: contracted.id })).status).toBe(409);
    const missing = await api.request("DELETE", `/api/v1/ports/${port.id}/extensions/01900000-0000-7000-8000-000000000000`);
    expect(missing.status).toBe(404);
  });
});

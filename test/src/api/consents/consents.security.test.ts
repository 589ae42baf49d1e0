import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { addContract, addEnterprise, buildRegistryWorld, type RegistryWorld } from "../../../helpers/registry.ts";

let api: TestApi;
let world: RegistryWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildRegistryWorld(api);
});
afterEach(async () => {
  await api.close();
});

const NUMBER = "13800130041";
const body = (enterpriseId: string, overrides: Record<string, unknown> = {}) => ({
  msisdn: NUMBER,
  enterpriseId,
  frequency: "每周1条",
  periodDays: 90,
  source: "in_store",
  evidenceRef: "store-receipt-1",
  ...overrides,
});

describe("consents (security)", () => {
  it("needs a token on every route", async () => {
    for (const [method, path, payload] of [
      ["POST", "/api/v1/consents", body(world.enterpriseA.id)],
      ["GET", "/api/v1/consents"],
      ["GET", `/api/v1/consents/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`],
      ["GET", "/api/v1/consents/verify"],
      ["DELETE", `/api/v1/consents/${world.enterpriseA.id}`, { reason: "x" }],
    ] as [string, string, unknown?][]) {
      expect((await api.request(method, path, { token: null, body: payload })).status, `${method} ${path}`).toBe(401);
    }
  });

  it("an SP records consent only for enterprises it holds an active contract with (403 otherwise, existing or not)", async () => {
    const asB = (payload: unknown) => api.request("POST", "/api/v1/consents", { token: world.tokens.spB, body: payload });
    expect((await asB(body(world.enterpriseA.id))).status).toBe(403);
    expect((await asB(body("01900000-0000-7000-8000-000000000000"))).status).toBe(403);
    // Filed by B but no contract: still 403.
    const filed = await addEnterprise(api, { filedBySpId: world.spB.id });
    expect((await asB(body(filed.id))).status).toBe(403);
    // A terminated or expired contract does not count.
    const lapsed = await addEnterprise(api);
    await addContract(api, { spId: world.spB.id, enterpriseId: lapsed.id, validFrom: "2020-01-01", validTo: "2021-01-01" });
    expect((await asB(body(lapsed.id))).status).toBe(403);
    expect((await asB(body(world.enterpriseB.id))).status).toBe(201);
  });

  it("an SP sees and withdraws only the consents it recorded; the id of another's consent is hidden", async () => {
    const ofA = await api.as(world.tokens.spA).post("/api/v1/consents", body(world.enterpriseA.id));
    const ofB = await api.as(world.tokens.spB).post("/api/v1/consents", body(world.enterpriseB.id));
    const asB = (method: string, path: string, payload?: unknown) => api.request(method, path, { token: world.tokens.spB, body: payload });
    expect((await asB("GET", "/api/v1/consents")).body.items.map((c: { id: string }) => c.id)).toEqual([ofB.id]);
    expect((await asB("GET", `/api/v1/consents?msisdn=${NUMBER}`)).body.items.map((c: { id: string }) => c.id)).toEqual([ofB.id]);
    expect((await asB("DELETE", `/api/v1/consents/${ofA.id}`, { reason: "x" })).status).toBe(404);
    expect((await asB("GET", `/api/v1/consents/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`)).status).toBe(404);
    // An operator-recorded consent for B's enterprise: B learns it exists, not its id.
    await api.as(api.operatorToken).post("/api/v1/consents", body(world.enterpriseB.id, { msisdn: "13800130042", evidenceRef: "op-1" }));
    const check = (await asB("GET", `/api/v1/consents/check?msisdn=13800130042&enterpriseId=${world.enterpriseB.id}`)).body;
    expect(check.consented).toBe(true);
    expect(check.consentId).toBeUndefined();
  });

  it("auditors read and verify but change nothing; SPs cannot verify the whole ledger", async () => {
    const created = await api.as(api.operatorToken).post("/api/v1/consents", body(world.enterpriseA.id));
    const asAuditor = (method: string, path: string, payload?: unknown) => api.request(method, path, { token: world.tokens.auditor, body: payload });
    expect((await asAuditor("POST", "/api/v1/consents", body(world.enterpriseA.id, { evidenceRef: "x" }))).status).toBe(403);
    expect((await asAuditor("DELETE", `/api/v1/consents/${created.id}`, { reason: "x" })).status).toBe(403);
    expect((await asAuditor("GET", "/api/v1/consents")).status).toBe(200);
    expect((await asAuditor("GET", "/api/v1/consents/verify")).body.ok).toBe(true);
    expect((await api.request("GET", "/api/v1/consents/verify", { token: world.tokens.spA })).status).toBe(403);
  });

  it("one number written many ways is one recipient (no dodging a withdrawal by a prefix)", async () => {
    const created = await api.as(world.tokens.spA).post("/api/v1/consents", body(world.enterpriseA.id));
    await api.as(world.tokens.spA).post("/api/v1/opt-outs", { msisdn: `+86 ${NUMBER}`, enterpriseId: world.enterpriseA.id });
    for (const form of [NUMBER, `0086${NUMBER}`, `0${NUMBER}`]) {
      expect((await api.as(world.tokens.spA).get(`/api/v1/consents/check?msisdn=${form}&enterpriseId=${world.enterpriseA.id}`)).consented, form).toBe(false);
    }
    expect((await api.as(world.tokens.spA).get(`/api/v1/consents?msisdn=${NUMBER}`)).items[0]).toMatchObject({ id: created.id, status: "withdrawn" });
  });
});

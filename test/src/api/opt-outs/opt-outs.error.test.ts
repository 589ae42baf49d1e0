import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordOptOut } from "../../../../src/opt-outs/opt-outs.service.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { addEnterprise, buildRegistryWorld, fileSignature, type RegistryWorld } from "../../../helpers/registry.ts";

let api: TestApi;
let world: RegistryWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildRegistryWorld(api);
});
afterEach(async () => {
  await api.close();
});

const MISSING = "01900000-0000-7000-8000-000000000000";

describe("opt-outs (error)", () => {
  it.each(["1234", "1380000000a", "+86 138 0000 0001 9999 9999 9", "", "   "])("refuses the number %j with 422, without echoing it", async (msisdn) => {
    const response = await api.request("POST", "/api/v1/opt-outs", { body: { msisdn, enterpriseId: world.enterpriseA.id } });
    expect(response.status).toBe(422);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain("msisdn");
    if (msisdn.trim()) expect(response.text).not.toContain(msisdn);
  });

  it("refuses source mo through the API, unknown enterprises and extra fields", async () => {
    const post = (body: unknown) => api.request("POST", "/api/v1/opt-outs", { body });
    expect((await post({ msisdn: "13800000001", enterpriseId: world.enterpriseA.id, source: "mo" })).status).toBe(422);
    const unknown = await post({ msisdn: "13800000001", enterpriseId: MISSING });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe("enterpriseId");
    expect((await post({ msisdn: "13800000001", enterpriseId: world.enterpriseA.id, recipientHash: "x" })).status).toBe(422);
  });

  it("check and list need a valid number; check needs an existing enterprise", async () => {
    expect((await api.request("GET", `/api/v1/opt-outs/check?msisdn=abc&enterpriseId=${world.enterpriseA.id}`)).status).toBe(422);
    expect((await api.request("GET", `/api/v1/opt-outs/check?enterpriseId=${world.enterpriseA.id}`)).status).toBe(422);
    expect((await api.request("GET", "/api/v1/opt-outs/check?msisdn=13800000001")).status).toBe(422);
    expect((await api.request("GET", `/api/v1/opt-outs/check?msisdn=13800000001&enterpriseId=${MISSING}`)).status).toBe(404);
    expect((await api.request("GET", "/api/v1/opt-outs?msisdn=abc")).status).toBe(422);
    expect((await api.request("GET", "/api/v1/opt-outs?cursor=%25%25")).status).toBe(400);
  });

  it("withdrawal needs a reason and an existing opt-out", async () => {
    const created = await api.as(api.operatorToken).post("/api/v1/opt-outs", { msisdn: "13800000001", enterpriseId: world.enterpriseA.id });
    expect((await api.request("DELETE", `/api/v1/opt-outs/${created.id}`, { body: {} })).status).toBe(422);
    expect((await api.request("DELETE", `/api/v1/opt-outs/${created.id}`, { body: { reason: " " } })).status).toBe(422);
    expect((await api.request("DELETE", `/api/v1/opt-outs/${created.id}`)).status).toBeLessThan(500);
    expect((await api.request("DELETE", `/api/v1/opt-outs/${MISSING}`, { body: { reason: "x" } })).status).toBe(404);
    expect((await api.request("DELETE", `/api/v1/opt-outs/${created.id}`, { body: { reason: "x" } })).status).toBe(200);
    expect((await api.request("DELETE", `/api/v1/opt-outs/${created.id}`, { body: { reason: "x" } })).status).toBe(404);
  });

  it("recordOptOut refuses clear numbers, bad hashes and signatures of other enterprises", async () => {
    const ctx = api.serviceContext({ type: "system", id: "smpp-mo" });
    const base = { recipientHash: api.deps.pii.hash("13800000001"), recipientMask: "138****0001", enterpriseId: world.enterpriseA.id, source: "mo" as const };
    await expect(recordOptOut(ctx, { ...base, recipientMask: "13800000001" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(recordOptOut(ctx, { ...base, recipientHash: "13800000001" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(recordOptOut(ctx, { ...base, enterpriseId: MISSING })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    const other = await addEnterprise(api);
    const signature = await fileSignature(api, world);
    await expect(recordOptOut(ctx, { ...base, enterpriseId: other.id, signatureId: signature.id })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(recordOptOut(api.serviceContext({ type: "auditor", id: "a" }), base)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

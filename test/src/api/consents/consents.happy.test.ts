import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { buildRegistryWorld, type RegistryWorld } from "../../../helpers/registry.ts";

let api: TestApi;
let world: RegistryWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildRegistryWorld(api);
});
afterEach(async () => {
  await api.close();
});

const NUMBER = "13800130011";
const body = (overrides: Record<string, unknown> = {}) => ({
  msisdn: NUMBER,
  enterpriseId: world.enterpriseA.id,
  frequency: "每周不超过2条",
  periodDays: 180,
  source: "web_form",
  evidenceRef: "form-2026-0001",
  ...overrides,
});

describe("consents (happy)", () => {
  it("records a consent (marketing by default, expiry from the stated period), lists and checks it, masks only", async () => {
    const created = await api.request("POST", "/api/v1/consents", { token: world.tokens.spA, body: body() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ recipientMask: "138****0011", categories: ["marketing"], status: "current", source: "web_form", spId: world.spA.id, periodDays: 180 });
    const days = (Date.parse(created.body.expiresAt) - Date.parse(created.body.consentedAt)) / 86_400_000;
    expect(days).toBe(180);
    expect(created.text).not.toContain(NUMBER);
    expect(created.text).not.toContain(api.deps.pii.hash(NUMBER));

    const again = await api.request("POST", "/api/v1/consents", { token: world.tokens.spA, body: body() });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);

    const check = await api.as(world.tokens.spA).get(`/api/v1/consents/check?msisdn=+86${NUMBER}&enterpriseId=${world.enterpriseA.id}`);
    expect(check).toMatchObject({ consented: true, consentId: created.body.id, categories: ["marketing"] });
    const list = await api.as(api.operatorToken).get(`/api/v1/consents?msisdn=${NUMBER}`);
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    const audit = await api.as(api.operatorToken).get(`/api/v1/audit?objectType=consent&objectId=${created.body.id}`);
    expect(audit.items.map((a: { action: string }) => a.action)).toEqual(["consent.create"]);
  });

  it("withdrawal: the consent stops counting, stays listed as withdrawn, and the chain still verifies", async () => {
    const created = await api.as(world.tokens.spA).post("/api/v1/consents", body());
    const withdrawn = await api.request("DELETE", `/api/v1/consents/${created.id}`, { token: world.tokens.spA, body: { reason: "the customer asked by phone" } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe("withdrawn");
    expect((await api.as(api.operatorToken).get(`/api/v1/consents/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`)).consented).toBe(false);
    expect((await api.as(api.operatorToken).get("/api/v1/consents?status=withdrawn")).items.map((c: { id: string }) => c.id)).toEqual([created.id]);
    expect(await api.as(api.operatorToken).get("/api/v1/consents/verify")).toEqual({ ok: true, checked: 2, firstBrokenSeq: null, firstBrokenId: null, problem: null });
  });

  it("an opt-out withdraws the consent; a new consent then needs a later date and evidence never withdrawn", async () => {
    await api.as(world.tokens.spA).post("/api/v1/consents", body({ consentedAt: new Date(Date.now() - 86_400_000).toISOString() }));
    await api.as(world.tokens.spA).post("/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: world.enterpriseA.id });
    expect((await api.as(api.operatorToken).get(`/api/v1/consents/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`)).consented).toBe(false);

    const replayed = await api.request("POST", "/api/v1/consents", { token: world.tokens.spA, body: body() });
    expect(replayed.status).toBe(422);
    expect(replayed.body.errors[0].path).toMatch(/consentedAt|evidenceRef/);
    const backdated = await api.request("POST", "/api/v1/consents", { token: world.tokens.spA, body: body({ evidenceRef: "form-2026-0002", consentedAt: new Date(Date.now() - 3_600_000).toISOString() }) });
    expect(backdated.status).toBe(422);
    expect(backdated.body.errors[0].path).toBe("consentedAt");
    const sameEvidenceLater = await api.request("POST", "/api/v1/consents", { token: world.tokens.spA, body: body({ consentedAt: new Date(Date.now() + 1000).toISOString() }) });
    expect(sameEvidenceLater.status).toBe(422);
    expect(sameEvidenceLater.body.errors[0].path).toBe("evidenceRef");
    await new Promise((r) => setTimeout(r, 20));
    const fresh = await api.request("POST", "/api/v1/consents", { token: world.tokens.spA, body: body({ evidenceRef: "form-2026-0003" }) });
    expect(fresh.status).toBe(201);
  });

  it("lists what expires soon", async () => {
    await api.as(world.tokens.spA).post("/api/v1/consents", body({ periodDays: 10 }));
    await api.as(world.tokens.spA).post("/api/v1/consents", body({ msisdn: "13800130012", evidenceRef: "form-2026-0009", periodDays: 300 }));
    const soon = await api.as(api.operatorToken).get("/api/v1/consents?expiringWithinDays=30");
    expect(soon.items.map((c: { recipientMask: string }) => c.recipientMask)).toEqual(["138****0011"]);
  });
});

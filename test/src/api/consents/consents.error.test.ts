import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
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

const MISSING = "01900000-0000-7000-8000-000000000000";
const body = (overrides: Record<string, unknown> = {}) => ({
  msisdn: "13800130021",
  enterpriseId: world.enterpriseA.id,
  frequency: "每月不超过4条",
  periodDays: 365,
  source: "app",
  evidenceRef: "app-consent-77",
  ...overrides,
});

describe("consents (error)", () => {
  it.each([
    ["msisdn", { msisdn: "1234" }],
    ["periodDays", { periodDays: 0 }],
    ["periodDays", { periodDays: 5000 }],
    ["source", { source: "sms" }],
    ["evidenceRef", { evidenceRef: " " }],
    ["evidenceRef", { evidenceRef: "a\u0000b" }],
    ["categories", { categories: ["marketing", "marketing"] }],
    ["categories", { categories: [] }],
    ["frequency", { frequency: "" }],
    ["consentedAt", { consentedAt: "2026-13-01T00:00:00Z" }],
  ])("refuses a bad %s with 422 naming it", async (path, overrides) => {
    const response = await api.request("POST", "/api/v1/consents", { body: body(overrides) });
    expect(response.status).toBe(422);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it("refuses extra fields, a future or already-expired consent, and an unknown enterprise", async () => {
    expect((await api.request("POST", "/api/v1/consents", { body: { ...body(), recipientHash: "x" } })).status).toBe(422);
    const future = await api.request("POST", "/api/v1/consents", { body: body({ consentedAt: new Date(Date.now() + 3_600_000).toISOString() }) });
    expect(future.status).toBe(422);
    const stale = await api.request("POST", "/api/v1/consents", { body: body({ periodDays: 30, consentedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() }) });
    expect(stale.status).toBe(422);
    const unknown = await api.request("POST", "/api/v1/consents", { body: body({ enterpriseId: MISSING }) });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe("enterpriseId");
  });

  it("check, list and withdraw answer 4xx, never 500", async () => {
    expect((await api.request("GET", `/api/v1/consents/check?msisdn=abc&enterpriseId=${world.enterpriseA.id}`)).status).toBe(422);
    expect((await api.request("GET", `/api/v1/consents/check?msisdn=13800130021&enterpriseId=${MISSING}`)).status).toBe(404);
    expect((await api.request("GET", "/api/v1/consents?status=maybe")).status).toBe(422);
    expect((await api.request("GET", "/api/v1/consents?cursor=%25%25")).status).toBe(400);
    const created = await api.as(api.operatorToken).post("/api/v1/consents", body());
    expect((await api.request("DELETE", `/api/v1/consents/${created.id}`, { body: {} })).status).toBe(422);
    expect((await api.request("DELETE", `/api/v1/consents/${MISSING}`, { body: { reason: "x" } })).status).toBe(404);
    expect((await api.request("DELETE", `/api/v1/consents/${created.id}`, { body: { reason: "x" } })).status).toBe(200);
    expect((await api.request("DELETE", `/api/v1/consents/${created.id}`, { body: { reason: "x" } })).status).toBe(409);
  });

  it("verify names the first tampered entry: an edited field, a deleted entry, a withdrawal mark erased", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await api.as(api.operatorToken).post("/api/v1/consents", body({ msisdn: `1380013003${i}`, evidenceRef: `ev-${i}` }))).id);
    const db = api.database.db;
    expect((await api.as(api.operatorToken).get("/api/v1/consents/verify")).ok).toBe(true);

    // Someone with database access stretches a consent's period.
    await db.execute(sql`update consents set expires_at = expires_at + interval '3 years' where id = ${ids[1]}`);
    expect(await api.as(api.operatorToken).get("/api/v1/consents/verify")).toMatchObject({ ok: false, firstBrokenId: ids[1], problem: "entry content does not match its hash" });
    await db.execute(sql`update consents set expires_at = expires_at - interval '3 years' where id = ${ids[1]}`);
    expect((await api.as(api.operatorToken).get("/api/v1/consents/verify")).ok).toBe(true);

    // An entry removed: the next one's link breaks.
    await db.execute(sql`delete from consents where id = ${ids[2]}`);
    expect(await api.as(api.operatorToken).get("/api/v1/consents/verify")).toMatchObject({ ok: false, firstBrokenId: ids[3], problem: "prev_hash does not match the previous entry" });
  });

  it("verify catches a withdrawn consent revived by clearing its mark", async () => {
    const created = await api.as(api.operatorToken).post("/api/v1/consents", body());
    await api.request("DELETE", `/api/v1/consents/${created.id}`, { body: { reason: "asked" } });
    await api.database.db.execute(sql`update consents set withdrawn_at = null where id = ${created.id}`);
    expect(await api.as(api.operatorToken).get("/api/v1/consents/verify")).toMatchObject({ ok: false, firstBrokenId: created.id });
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("service providers (happy)", () => {
  it("creates, reads, lists with a cursor and updates an SP", async () => {
    const created = await api.request("POST", "/api/v1/service-providers", { body: { name: "华信短信", licenceNumber: "B2-20190001" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "华信短信", licenceNumber: "B2-20190001", status: "active" });

    for (let i = 2; i <= 5; i++) {
      const res = await api.request("POST", "/api/v1/service-providers", { body: { name: `SP ${i}`, licenceNumber: `粤B2-2019000${i}` } });
      expect(res.status).toBe(201);
    }
    const first = await api.request("GET", "/api/v1/service-providers?limit=2");
    expect(first.status).toBe(200);
    expect(first.body.items.map((sp: { name: string }) => sp.name)).toEqual(["华信短信", "SP 2"]);
    const second = await api.request("GET", `/api/v1/service-providers?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((sp: { name: string }) => sp.name)).toEqual(["SP 3", "SP 4"]);
    const third = await api.request("GET", `/api/v1/service-providers?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.items.map((sp: { name: string }) => sp.name)).toEqual(["SP 5"]);
    expect(third.body.nextCursor).toBeNull();

    const updated = await api.request("PATCH", `/api/v1/service-providers/${created.body.id}`, { body: { status: "suspended", reason: "licence under review" } });
    expect(updated.status).toBe(200);
    expect(updated.body.status).toBe("suspended");
    const filtered = await api.request("GET", "/api/v1/service-providers?status=suspended");
    expect(filtered.body.items).toHaveLength(1);
  });

  it("serves health, readiness and the OpenAPI document", async () => {
    expect((await api.request("GET", "/healthz", { token: null })).status).toBe(200);
    const ready = await api.request("GET", "/readyz", { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks.migrations.ok).toBe(true);
    const doc = await api.request("GET", "/api/openapi.json", { token: null });
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toContain("/api/v1/service-providers/{id}");
  });
});

describe("service providers (error)", () => {
  it("refuses a malformed licence and a duplicate with problem+json", async () => {
    const bad = await api.request("POST", "/api/v1/service-providers", { body: { name: "x", licenceNumber: "B3-123" } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(bad.body.code).toBe("VALIDATION_FAILED");
    expect(bad.body.errors[0].path).toBe("licenceNumber");
    await api.as(api.operatorToken).post("/api/v1/service-providers", { name: "a", licenceNumber: "B2-20200001" });
    const dup = await api.request("POST", "/api/v1/service-providers", { body: { name: "b", licenceNumber: "B2-20200001" } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("CONFLICT");
    const notJson = await api.request("POST", "/api/v1/service-providers", { raw: "{not json", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);
    const wrongType = await api.request("POST", "/api/v1/service-providers", { raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(wrongType.status).toBe(415);
  });
});

describe("service providers (security)", () => {
  it("needs a token, hides other SPs, and keeps auditors read-only", async () => {
    const a = await api.as(api.operatorToken).post("/api/v1/service-providers", { name: "A", licenceNumber: "B2-20210001" });
    const b = await api.as(api.operatorToken).post("/api/v1/service-providers", { name: "B", licenceNumber: "B2-20210002" });
    expect((await api.request("GET", "/api/v1/service-providers", { token: null })).status).toBe(401);
    expect((await api.request("GET", "/api/v1/service-providers", { token: "gk_wrongwrongwrong" })).status).toBe(401);
    const spA = await api.tokenFor("sp", a.id);
    const list = await api.request("GET", "/api/v1/service-providers", { token: spA });
    expect(list.body.items.map((sp: { id: string }) => sp.id)).toEqual([a.id]);
    expect((await api.request("GET", `/api/v1/service-providers/${b.id}`, { token: spA })).status).toBe(404);
    expect((await api.request("PATCH", `/api/v1/service-providers/${b.id}`, { token: spA, body: { name: "mine" } })).status).toBe(404);
    const auditor = await api.tokenFor("auditor");
    expect((await api.request("GET", `/api/v1/service-providers/${b.id}`, { token: auditor })).status).toBe(200);
    expect((await api.request("PATCH", `/api/v1/service-providers/${b.id}`, { token: auditor, body: { name: "x" } })).status).toBe(403);
  });
});

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

describe("link domains and call-back numbers (security and errors)", () => {
  it("an SP cannot file for an enterprise it does not carry, nor approve its own filing, and sees only its own", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const mine = await createEnterprise(api, 1);
    const theirs = await createEnterprise(api, 2);
    await createContract(api, a.sp.id, mine.id);
    await createContract(api, b.sp.id, theirs.id);
    const claim = await api.request("POST", "/api/v1/link-domains", { token: a.token, body: { enterpriseId: theirs.id, domain: "evil.cn", icpNumber: "京ICP备12345678号" } });
    expect(claim.status).toBe(422);
    const own = await api.as(a.token).post("/api/v1/link-domains", { enterpriseId: mine.id, domain: "mine.cn", icpNumber: "京ICP备12345678号" });
    const other = await api.as(b.token).post("/api/v1/callback-numbers", { enterpriseId: theirs.id, number: "4001234567" });
    expect((await api.request("POST", `/api/v1/link-domains/${own.id}/approve`, { token: a.token, body: { reason: "self" } })).status).toBe(403);
    expect((await api.request("GET", `/api/v1/link-domains/${own.id}`, { token: b.token })).status).toBe(404);
    expect((await api.as(a.token).get("/api/v1/callback-numbers")).items).toEqual([]);
    expect((await api.as(b.token).get("/api/v1/callback-numbers")).items.map((r: { id: string }) => r.id)).toEqual([other.id]);
    const auditor = await api.tokenFor("auditor");
    expect((await api.request("POST", "/api/v1/callback-numbers", { token: auditor, body: { enterpriseId: mine.id, number: "4001234567" } })).status).toBe(403);
    expect((await api.request("GET", "/api/v1/link-domains", { token: auditor })).body.items).toHaveLength(1);
    expect(await auditRows(api, "link_domain")).toHaveLength(1);
  });

  it("refuses what is not a domain or not one number, duplicates, and decisions out of order — never a 500", async () => {
    const e = await createEnterprise(api, 3);
    const post = (path: string, body: unknown) => api.request("POST", path, { body });
    for (const domain of ["192.168.1.1", "com", "github.io", "not a domain", "http://"]) {
      const r = await post("/api/v1/link-domains", { enterpriseId: e.id, domain, icpNumber: "京ICP备12345678号" });
      expect(r.status, domain).toBe(422);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await post("/api/v1/link-domains", { enterpriseId: e.id, domain: "ok.cn", icpNumber: "none" })).status).toBe(422);
    expect((await post("/api/v1/link-domains", { enterpriseId: e.id, domain: "ok.cn", icpNumber: "京ICP备12345678号", extra: 1 })).status).toBe(422);
    for (const number of ["123", "138 0013 0001 and 139 0013 0002", "call me"]) {
      expect((await post("/api/v1/callback-numbers", { enterpriseId: e.id, number })).status, number).toBe(422);
    }
    const first = await api.as(api.operatorToken).post("/api/v1/link-domains", { enterpriseId: e.id, domain: "ok.cn", icpNumber: "京ICP备12345678号" });
    // www.ok.cn is the same registrable domain.
    expect((await post("/api/v1/link-domains", { enterpriseId: e.id, domain: "www.ok.cn", icpNumber: "京ICP备12345678号" })).status).toBe(409);
    await api.as(api.operatorToken).post(`/api/v1/link-domains/${first.id}/revoke`, { reason: "withdrawn" });
    expect((await post(`/api/v1/link-domains/${first.id}/approve`, { reason: "late" })).status).toBe(409);
    expect((await post(`/api/v1/link-domains/${first.id}/revoke`, { reason: "twice" })).status).toBe(409);
    expect((await post(`/api/v1/link-domains/${first.id}/approve`, {})).status).toBe(422);
    // Filed again after revocation: allowed.
    expect((await post("/api/v1/link-domains", { enterpriseId: e.id, domain: "ok.cn", icpNumber: "京ICP备12345678号" })).status).toBe(201);
    expect((await post("/api/v1/link-domains/00000000-0000-7000-8000-000000000000/approve", { reason: "x" })).status).toBe(404);
  });
});

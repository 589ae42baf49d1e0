import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { auditRows, createContract, createEnterprise, createSp } from "../../../helpers/registry.ts";
import { loadSnapshot, applyChange } from "../../../../src/registry/loader.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("link domains and call-back numbers (happy)", () => {
  it("an SP files a domain for an enterprise it carries; the registrable domain is stored; an operator approves it and the snapshot has it", async () => {
    const a = await createSp(api, "A");
    const e = await createEnterprise(api, 1);
    await createContract(api, a.sp.id, e.id);
    const filed = await api.as(a.token).post("/api/v1/link-domains", { enterpriseId: e.id, domain: "HTTPS://Shop.Example.COM.cn/path?q=1", icpNumber: "京ICP备12345678号-1" });
    expect(filed).toMatchObject({ domain: "example.com.cn", status: "pending", spId: a.sp.id, icpNumber: "京ICP备12345678号-1" });
    let snapshot = await loadSnapshot(api.database.db);
    expect(snapshot.content.isLinkDomainApproved(e.id, "example.com.cn")).toBe(false);
    const approved = await api.as(api.operatorToken).post(`/api/v1/link-domains/${filed.id}/approve`, { reason: "ICP checked" });
    expect(approved).toMatchObject({ status: "approved", statusReason: "ICP checked" });
    snapshot = await loadSnapshot(api.database.db);
    expect(snapshot.content.isLinkDomainApproved(e.id, "example.com.cn")).toBe(true);
    // Revoked: the change feed removes it from a running snapshot.
    await api.as(api.operatorToken).post(`/api/v1/link-domains/${filed.id}/revoke`, { reason: "ICP filing cancelled" });
    expect(await applyChange(api.database.db, snapshot, `link_domains:${filed.id}`)).toBe(true);
    expect(snapshot.content.isLinkDomainApproved(e.id, "example.com.cn")).toBe(false);
    expect((await auditRows(api, "link_domain", filed.id)).map((r: { action: string }) => r.action)).toEqual(["link_domain.create", "link_domain.approve", "link_domain.revoke"]);
  });

  it("an IDN is stored in punycode; a private-suffix site is its own domain", async () => {
    const e = await createEnterprise(api, 2);
    const idn = await api.as(api.operatorToken).post("/api/v1/link-domains", { enterpriseId: e.id, domain: "www.例子.中国", icpNumber: "京ICP备12345679号" });
    expect(idn.domain).toBe("xn--fsqu00a.xn--fiqs8s");
    const site = await api.as(api.operatorToken).post("/api/v1/link-domains", { enterpriseId: e.id, domain: "good.github.io", icpNumber: "京ICP备12345670号" });
    expect(site.domain).toBe("good.github.io");
  });

  it("a call-back number is stored as the rule reads numbers; approved, it is in the snapshot", async () => {
    const e = await createEnterprise(api, 3);
    const cases: [string, string, string][] = [
      ["400-800-1234", "4008001234", "400"],
      ["+86 138 0013 0001", "13800130001", "mobile"],
      ["95588", "95588", "95"],
      ["(010) 1234-5678", "01012345678", "landline"],
    ];
    for (const [written, number, kind] of cases) {
      const filed = await api.as(api.operatorToken).post("/api/v1/callback-numbers", { enterpriseId: e.id, number: written });
      expect(filed).toMatchObject({ number, kind, status: "pending", spId: null });
      await api.as(api.operatorToken).post(`/api/v1/callback-numbers/${filed.id}/approve`, { reason: "hotline" });
    }
    const snapshot = await loadSnapshot(api.database.db);
    for (const [, number] of cases) expect(snapshot.content.isCallbackApproved(e.id, number)).toBe(true);
    expect((await api.as(api.operatorToken).get(`/api/v1/callback-numbers?enterpriseId=${e.id}&status=approved`)).items).toHaveLength(4);
  });

  it("the shortener list is editable in the policy settings and reaches the snapshot", async () => {
    const settings = await api.as(api.operatorToken).get("/api/v1/settings/policy");
    expect(settings.shorteners).toContain("t.cn");
    const put = await api.request("PUT", "/api/v1/settings/policy", { body: { ...settings, shorteners: ["t.cn", "my.short"], reason: "our list" } });
    expect(put.status).toBe(200);
    expect((await loadSnapshot(api.database.db)).settings.shorteners).toEqual(["t.cn", "my.short"]);
    // A PUT without the list keeps it.
    const { shorteners: _kept, ...older } = settings;
    await api.request("PUT", "/api/v1/settings/policy", { body: { ...older, reason: "older client" } });
    expect((await api.as(api.operatorToken).get("/api/v1/settings/policy")).shorteners).toEqual(["t.cn", "my.short"]);
  });
});

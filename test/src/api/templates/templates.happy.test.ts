import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { auditRows, createContract, createEnterprise, createSp } from "../../../helpers/registry.ts";
import { applyChange, loadSnapshot } from "../../../../src/registry/loader.ts";
import { matchTemplate } from "../../../../src/policy/content/templates.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

/** An SP with a port, an enterprise under contract, and an approved signature bound to the port. */
async function world(n: number) {
  const sp = await createSp(api, `SP${n}`);
  const enterprise = await createEnterprise(api, n, api.operatorToken, { name: `星河银行${n}股份有限公司` });
  await createContract(api, sp.sp.id, enterprise.id);
  const port = await api.as(api.operatorToken).post("/api/v1/ports", { number: `1069${n}0001`, spId: sp.sp.id });
  const signature = await api.as(sp.token).post("/api/v1/signatures", {
    text: `星河银行${n}`,
    enterpriseId: enterprise.id,
    scope: ["verification", "notification"],
    ports: [{ portId: port.id }],
    evidence: { kind: "business_licence", reference: "91110105000000001X" },
  });
  await api.as(api.operatorToken).post(`/api/v1/signatures/${signature.id}/approve`, { reason: "ok" });
  return { sp, enterprise, port, signature };
}

describe("templates, template-only signatures and port purpose (happy, security, errors)", () => {
  it("an SP files a template for its own signature; an operator approves it, makes the signature template-only; the snapshot matches with it", async () => {
    const w = await world(1);
    const filed = await api.as(w.sp.token).post("/api/v1/templates", { signatureId: w.signature.id, text: "您的验证码是{code}，{number:2}分钟内有效" });
    expect(filed).toMatchObject({ status: "pending", spId: w.sp.sp.id });
    const snapshot = await loadSnapshot(api.database.db);
    expect(snapshot.content.templates.size).toBe(0);
    await api.as(api.operatorToken).post(`/api/v1/templates/${filed.id}/approve`, { reason: "bank OTP" });
    const required = await api.request("PUT", `/api/v1/signatures/${w.signature.id}/template-required`, { body: { required: true, reason: "bank" } });
    expect(required.body).toEqual({ signatureId: w.signature.id, templateRequired: true });
    expect(await applyChange(api.database.db, snapshot, `signature_templates:${filed.id}`)).toBe(true);
    expect(await applyChange(api.database.db, snapshot, `signatures:${w.signature.id}`)).toBe(true);
    expect(snapshot.signaturesById.get(w.signature.id)?.templateRequired).toBe(true);
    const checks = { isApprovedDomain: () => false, isRegisteredCallback: () => false };
    expect(matchTemplate(snapshot.content.templates, w.signature.id, "您的验证码是 123456，5分钟内有效", checks)).toEqual({ ok: true, templateId: filed.id });
    await api.as(api.operatorToken).post(`/api/v1/templates/${filed.id}/revoke`, { reason: "replaced" });
    await applyChange(api.database.db, snapshot, `signature_templates:${filed.id}`);
    expect(snapshot.content.templates.size).toBe(0);
    expect((await auditRows(api, "signature_template", filed.id)).map((r: { action: string }) => r.action)).toEqual(["template.create", "template.approve", "template.revoke"]);
  });

  it("an SP cannot file for another SP's signature, approve, or set template-only; bad template syntax is 422", async () => {
    const w1 = await world(2);
    const w2 = await world(3);
    expect((await api.request("POST", "/api/v1/templates", { token: w1.sp.token, body: { signatureId: w2.signature.id, text: "您好{name}" } })).status).toBe(422);
    const own = await api.as(w1.sp.token).post("/api/v1/templates", { signatureId: w1.signature.id, text: "您好{name}，账单已出" });
    expect((await api.request("POST", `/api/v1/templates/${own.id}/approve`, { token: w1.sp.token, body: { reason: "self" } })).status).toBe(403);
    expect((await api.request("PUT", `/api/v1/signatures/${w1.signature.id}/template-required`, { token: w1.sp.token, body: { required: false, reason: "free me" } })).status).toBe(403);
    expect((await api.as(w2.sp.token).get("/api/v1/templates")).items).toEqual([]);
    for (const text of ["{code}", "验证码{pin}", "验证码{code:99}", "验证码{code", "x"]) {
      const r = await api.request("POST", "/api/v1/templates", { body: { signatureId: w1.signature.id, text } });
      expect(r.status, text).toBe(422);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
    }
  });

  it("port purpose: an operator declares what a port and an extension may carry; the snapshot reads it; SPs may not", async () => {
    const w = await world(4);
    const extension = await api.as(api.operatorToken).post(`/api/v1/ports/${w.port.id}/extensions`, { extension: "01", enterpriseId: w.enterprise.id });
    expect((await api.request("PUT", `/api/v1/ports/${w.port.id}/purpose`, { body: { categories: ["verification", "notification"], reason: "no marketing" } })).status).toBe(200);
    expect((await api.request("PUT", `/api/v1/ports/${w.port.id}/extensions/${extension.id}/purpose`, { body: { categories: ["verification"], reason: "OTP only" } })).status).toBe(200);
    expect((await api.request("PUT", `/api/v1/ports/${w.port.id}/purpose`, { token: w.sp.token, body: { categories: null, reason: "x" } })).status).toBe(403);
    expect((await api.request("PUT", `/api/v1/ports/${w.port.id}/purpose`, { body: { categories: ["spam"], reason: "x" } })).status).toBe(422);
    expect((await api.request("PUT", `/api/v1/ports/${w.port.id}/purpose`, { body: { categories: [], reason: "x" } })).status).toBe(422);
    const snapshot = await loadSnapshot(api.database.db);
    expect([...(snapshot.portsById.get(w.port.id)?.categories ?? [])]).toEqual(["verification", "notification"]);
    expect([...(snapshot.extensionsById.get(extension.id)?.entry.categories ?? [])]).toEqual(["verification"]);
    expect(await auditRows(api, "port", w.port.id)).toEqual(expect.arrayContaining([expect.objectContaining({ action: "port.purpose" })]));
  });
});

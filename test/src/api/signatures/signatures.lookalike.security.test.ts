import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog, signatures } from "../../../../src/db/schema/index.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { buildRegistryWorld, fileSignature, signatureBody, type RegistryWorld } from "../../../helpers/registry.ts";

/**
 * Issue 11 item 3 (look-alike signatures) and item 7 (reclaiming a text; the real-name rule).
 * SP A carries enterprise A (云端科技有限公司), SP B enterprise B (星河电商有限公司).
 */
let api: TestApi;
let world: RegistryWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildRegistryWorld(api);
});
afterEach(async () => {
  await api.close();
});

const fileAsB = (overrides: Record<string, unknown> = {}, token = world.tokens.spB) =>
  api.request("POST", "/api/v1/signatures", {
    token,
    body: { ...signatureBody(world, { enterpriseId: world.enterpriseB.id, ports: [{ portId: world.portB.id }], ...overrides }), ...(token === world.tokens.operator ? { spId: world.spB.id } : {}) },
  });

async function auditOf(objectId: string) {
  return api.database.db.select().from(auditLog).where(eq(auditLog.objectId, objectId)).orderBy(auditLog.seq);
}

describe("look-alike signatures (security)", () => {
  it.each([
    ["АВС商城", "Cyrillic А В С"],
    ["ＡＢＣ商城", "full-width"],
    ["abc商城", "lower case"],
    ["A\u200bBC商\u2060城", "invisible characters"],
    ["ABC商城", "the same text in another script of spaces"],
    ["𝐀𝐁𝐂商城", "mathematical bold"],
    ["ΑΒС商城", "Greek Α Β and Cyrillic С"],
    ["авс商城", "lower-case Cyrillic (sent upper-cased, it reads АВС)"],
    ["AB C·商城", "a middle dot and a space"],
  ])("refuses 【%s】 (%s) for another enterprise with 409 naming 【abc商城】", async (text) => {
    const original = await fileSignature(api, world, { text: "ABC商城" });
    const response = await fileAsB({ text });
    expect(response.status, response.text).toBe(409);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(response.body.code).toBe("CONFLICT");
    expect(response.body.detail).toContain("【abc商城】");
    // A different stored text is a look-alike and the refusal names the original's id; the same
    // stored text (width, case, invisibles fold away) is the plain duplicate conflict.
    if (/[\u0400-\u04ff\u0370-\u03ff]/.test(text)) expect(response.body.detail).toContain(original.id);
    expect(await api.database.db.select().from(signatures).where(eq(signatures.enterpriseId, world.enterpriseB.id))).toEqual([]);
  });

  it.each([
    ["雲端優選", "云端优选", "traditional characters"],
    ["PAYPAI", "paypal", "capital I for l"],
    ["Y0UKU", "youku", "zero for O"],
    ["rnodern", "modern", "rn for m"],
  ])("refuses 【%s】 beside 【%s】 (%s)", async (lookAlike, original) => {
    await fileSignature(api, world, { text: original });
    const response = await fileAsB({ text: lookAlike });
    expect(response.status, response.text).toBe(409);
    expect(response.body.detail).toContain(`【${original}】`);
  });

  it("an SP cannot override; an operator can, with a reason kept in the audit row", async () => {
    const original = await fileSignature(api, world, { text: "ABC商城" });
    const bySp = await fileAsB({ text: "АВС商城", lookAlikeOverrideReason: "trust me" });
    expect(bySp.status, bySp.text).toBe(403);
    const byOperator = await fileAsB({ text: "АВС商城", lookAlikeOverrideReason: "separate trademark 第40000001号, checked by phone" }, world.tokens.operator);
    expect(byOperator.status, byOperator.text).toBe(201);
    const [audit] = await auditOf(byOperator.body.id);
    expect(audit).toMatchObject({ action: "signature.create" });
    expect(audit!.reason).toContain("separate trademark 第40000001号");
    expect(audit!.reason).toContain(original.id);
  });

  it("the same enterprise may file its own look-alike; a revoked look-alike does not block", async () => {
    const own = await fileSignature(api, world, { text: "ABC商城" });
    const ownCyrillic = await api.request("POST", "/api/v1/signatures", { token: world.tokens.spA, body: signatureBody(world, { text: "АВС商城" }) });
    expect(ownCyrillic.status, ownCyrillic.text).toBe(201);
    expect((await fileAsB({ text: "ΑΒС商城" })).status).toBe(409);
    for (const id of [own.id, ownCyrillic.body.id]) {
      expect((await api.request("POST", `/api/v1/signatures/${id}/revoke`, { body: { reason: "gone" } })).status).toBe(200);
    }
    const response = await fileAsB({ text: "ΑΒС商城" });
    expect(response.status, response.text).toBe(201);
  });

  it("fills the skeleton of rows filed before the column existed, and then finds them", async () => {
    const original = await fileSignature(api, world, { text: "ABC商城" });
    await api.database.db.update(signatures).set({ skeleton: null }).where(eq(signatures.id, original.id));
    const response = await fileAsB({ text: "АВС商城" });
    expect(response.status, response.text).toBe(409);
    const [row] = await api.database.db.select({ skeleton: signatures.skeleton }).from(signatures).where(eq(signatures.id, original.id));
    expect(row!.skeleton).toBe("abc商城");
  });
});

describe("reclaiming a revoked or rejected text (item 7)", () => {
  it.each(["revoke", "reject"])("after %s, an SP still gets 409; an operator reclaims it for another enterprise, audited", async (action) => {
    const old = await fileSignature(api, world, { text: "星河优选" });
    expect((await api.request("POST", `/api/v1/signatures/${old.id}/${action}`, { body: { reason: "no evidence" } })).status).toBe(200);
    const bySp = await fileAsB({ text: "星河优选" });
    expect(bySp.status, bySp.text).toBe(409);
    expect(bySp.body.detail).toContain("reclaim");
    const forbidden = await fileAsB({ text: "星河优选", reclaimReason: "mine" });
    expect(forbidden.status).toBe(403);
    const reclaimed = await fileAsB({ text: "星河优选", reclaimReason: "trademark holder is enterprise B" }, world.tokens.operator);
    expect(reclaimed.status, reclaimed.text).toBe(201);
    expect(reclaimed.body).toMatchObject({ text: "星河优选", enterpriseId: world.enterpriseB.id, status: "pending" });
    const [oldRow] = await api.database.db.select().from(signatures).where(eq(signatures.id, old.id));
    expect(oldRow).toMatchObject({ status: "revoked" });
    expect(oldRow!.releasedAt).not.toBeNull();
    const audits = await auditOf(old.id);
    expect(audits.at(-1)).toMatchObject({ action: "signature.release", reason: "trademark holder is enterprise B" });
    // A third filing of the text is refused again: the new filing holds it.
    expect((await fileAsB({ text: "星河优选", reclaimReason: "again" }, world.tokens.operator)).status).toBe(409);
  });

  it("a live (pending/approved/suspended) text cannot be reclaimed", async () => {
    await fileSignature(api, world, { text: "星河优选" });
    const response = await fileAsB({ text: "星河优选", reclaimReason: "take it" }, world.tokens.operator);
    expect(response.status).toBe(409);
  });
});

describe("real-name rule 签名实名制 (item 7)", () => {
  const licence = { kind: "business_licence", reference: "91310000MA00000001" };

  it.each([["云端科技"], ["云端"], ["雲端科技"]])("accepts 【%s】 for 云端科技有限公司 on its business licence", async (text) => {
    const response = await api.request("POST", "/api/v1/signatures", { token: world.tokens.spA, body: signatureBody(world, { text, evidence: licence }) });
    expect(response.status, response.text).toBe(201);
  });

  it.each([["星河电商"], ["云端商城"], ["科技云端"]])("refuses 【%s】 for 云端科技有限公司 on a business licence with 422 naming the rule", async (text) => {
    const response = await api.request("POST", "/api/v1/signatures", { token: world.tokens.spA, body: signatureBody(world, { text, evidence: licence }) });
    expect(response.status, response.text).toBe(422);
    expect(response.body.code).toBe("VALIDATION_FAILED");
    expect(response.body.detail).toContain("签名实名制");
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain("text");
  });

  it.each(["trademark", "app", "website"])("accepts a brand 【云端商城】 backed by %s evidence", async (kind) => {
    const response = await api.request("POST", "/api/v1/signatures", { token: world.tokens.spA, body: signatureBody(world, { text: "云端商城", evidence: { kind, reference: "ref-1" } }) });
    expect(response.status, response.text).toBe(201);
  });

  it("refuses a brand filed without evidence, and an edit that swaps trademark for a business licence", async () => {
    const none = await api.request("POST", "/api/v1/signatures", { token: world.tokens.spA, body: signatureBody(world, { text: "云端商城", evidence: undefined }) });
    expect(none.status, none.text).toBe(422);
    const filed = await fileSignature(api, world, { text: "云端商城" });
    const swapped = await api.request("PATCH", `/api/v1/signatures/${filed.id}`, { token: world.tokens.spA, body: { evidence: licence } });
    expect(swapped.status, swapped.text).toBe(422);
    expect(swapped.body.detail).toContain("签名实名制");
  });

  it("an operator cannot approve a brand whose evidence does not back it (rows written before the rule)", async () => {
    const filed = await fileSignature(api, world, { text: "云端商城" });
    await api.database.db.update(signatures).set({ evidenceKind: "business_licence" }).where(eq(signatures.id, filed.id));
    const response = await api.request("POST", `/api/v1/signatures/${filed.id}/approve`, { body: { reason: "ok" } });
    expect(response.status, response.text).toBe(422);
  });
});

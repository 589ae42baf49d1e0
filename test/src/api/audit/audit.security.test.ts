import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog } from "../../../../src/db/schema/index.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { buildRegistryWorld, fileSignature, type RegistryWorld } from "../../../helpers/registry.ts";

let api: TestApi;
let world: RegistryWorld;
let signatureA: { id: string };
beforeEach(async () => {
  api = await startTestApi();
  world = await buildRegistryWorld(api);
  signatureA = await fileSignature(api, world);
  await api.as(api.operatorToken).post(`/api/v1/signatures/${signatureA.id}/approve`, { reason: "材料齐全" });
  await fileSignature(api, world, { text: "星河电商", enterpriseId: world.enterpriseB.id, ports: [{ portId: world.portB.id }] }, world.tokens.spB);
  await api.as(api.operatorToken).post("/api/v1/dnd", { msisdn: "13900000001", reason: "登记拒收" });
});
afterEach(async () => {
  await api.close();
});

async function seqOf(action: string) {
  const [row] = await api.database.db.select({ seq: auditLog.seq }).from(auditLog).where(eq(auditLog.action, action));
  return row!.seq;
}

describe("audit trail (security)", () => {
  it("needs a token", async () => {
    expect((await api.request("GET", "/api/v1/audit", { token: null })).status).toBe(401);
    expect((await api.request("GET", "/api/v1/audit/verify", { token: null })).status).toBe(401);
  });

  it("an SP reads only rows about its own objects", async () => {
    const rows: { objectSpId: string; objectId: string; action: string }[] = (await api.as(world.tokens.spA).get("/api/v1/audit?limit=500")).items;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.objectSpId === world.spA.id)).toBe(true);
    expect(rows.map((row) => row.action)).toEqual(expect.arrayContaining(["signature.create", "signature.approve"]));
    expect(rows.map((row) => row.action)).not.toContain("dnd.create");
    expect((await api.as(world.tokens.spB).get(`/api/v1/audit?objectId=${signatureA.id}`)).items).toEqual([]);
    expect((await api.as(world.tokens.spB).get("/api/v1/audit?objectType=do_not_disturb")).items).toEqual([]);
    expect((await api.request("GET", "/api/v1/audit/verify", { token: world.tokens.spA })).status).toBe(403);
  });

  it("an auditor reads every row", async () => {
    const all = (await api.as(api.operatorToken).get("/api/v1/audit?limit=500")).items;
    expect((await api.as(world.tokens.auditor).get("/api/v1/audit?limit=500")).items).toEqual(all);
  });

  it("detects an edited `after`, naming the row", async () => {
    const seq = await seqOf("signature.approve");
    await api.database.db
      .update(auditLog)
      .set({ after: sql`jsonb_set(${auditLog.after}, '{status}', '"rejected"')` })
      .where(eq(auditLog.seq, seq));
    const result = await api.as(world.tokens.auditor).get("/api/v1/audit/verify");
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: seq, checked: seq - 1 });
    expect(result.problem).toMatch(/hash/);
  });

  it("detects an edited reason", async () => {
    const seq = await seqOf("dnd.create");
    await api.database.db.update(auditLog).set({ reason: "nothing to see" }).where(eq(auditLog.seq, seq));
    expect(await api.as(api.operatorToken).get("/api/v1/audit/verify")).toMatchObject({ ok: false, firstBrokenSeq: seq });
  });

  it("detects a row rewritten with a recomputed hash, at the next row's link", async () => {
    const seq = await seqOf("signature.create");
    const [row] = await api.database.db.select().from(auditLog).where(eq(auditLog.seq, seq));
    const { auditHash } = await import("../../../../src/audit/audit.service.ts");
    const forged = { ...row!, reason: "forged" };
    await api.database.db.update(auditLog).set({ reason: "forged", hash: auditHash(forged) }).where(eq(auditLog.seq, seq));
    const result = await api.as(api.operatorToken).get("/api/v1/audit/verify");
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: seq + 1 });
    expect(result.problem).toMatch(/prev_hash/);
  });

  it("detects a deleted row", async () => {
    const seq = await seqOf("signature.approve");
    await api.database.db.delete(auditLog).where(eq(auditLog.seq, seq));
    expect(await api.as(api.operatorToken).get("/api/v1/audit/verify")).toMatchObject({ ok: false, firstBrokenSeq: seq + 1 });
  });

  it("names the first of several edited rows", async () => {
    const early = await seqOf("signature.create");
    const late = await seqOf("dnd.create");
    await api.database.db.update(auditLog).set({ reason: "edited" }).where(eq(auditLog.seq, late));
    await api.database.db.update(auditLog).set({ after: { text: "别的签名" } }).where(eq(auditLog.seq, early));
    expect((await api.as(api.operatorToken).get("/api/v1/audit/verify")).firstBrokenSeq).toBe(early);
  });
});

import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog, optOuts } from "../../../../src/db/schema/index.ts";
import { REGISTRY_CHANNEL } from "../../../../src/db/transaction.ts";
import { resultRows } from "../../../../src/db/rows.ts";
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

const NUMBER = "13800000001";

describe("opt-outs (happy)", () => {
  it("records an opt-out as hash + mask, idempotently per recipient and enterprise", async () => {
    const first = await api.request("POST", "/api/v1/opt-outs", { token: world.tokens.spA, body: { msisdn: "+86 138-0000-0001", enterpriseId: world.enterpriseA.id, source: "complaint" } });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ recipientMask: "138****0001", enterpriseId: world.enterpriseA.id, source: "complaint", signatureId: null });
    expect(first.body).not.toHaveProperty("recipientHash");
    expect(first.text).not.toContain(NUMBER);

    // The same number in another spelling is the same recipient: 200 with the first record, unchanged.
    const second = await api.request("POST", "/api/v1/opt-outs", { token: world.tokens.spA, body: { msisdn: `0086${NUMBER}`, enterpriseId: world.enterpriseA.id, source: "api" } });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);

    const rows = resultRows<Record<string, unknown>>(await api.database.db.execute(sql`select * from opt_outs`));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.recipient_mask).toBe("138****0001");
    expect(rows[0]!.recipient_hash).toBe(api.deps.pii.hash(NUMBER));
    // Every column, the recipient key too (a bigint: PGlite reads it as a BigInt).
    expect(JSON.stringify(rows, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).not.toContain(NUMBER);
    const audit = await api.database.db.select().from(auditLog).where(eq(auditLog.objectType, "opt_out"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "opt_out.create", objectSpId: world.spA.id });
    expect(JSON.stringify(audit)).not.toContain(NUMBER);
  });

  it("answers the check: opted out of this enterprise, not of others", async () => {
    await api.as(world.tokens.spA).post("/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: world.enterpriseA.id });
    const yes = await api.request("GET", `/api/v1/opt-outs/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`, { token: world.tokens.spA });
    expect(yes.status).toBe(200);
    expect(yes.body).toMatchObject({ optedOut: true, source: "api" });
    expect(Date.parse(yes.body.since)).not.toBeNaN();
    expect(yes.text).not.toContain(NUMBER);
    const otherNumber = await api.as(world.tokens.spA).get(`/api/v1/opt-outs/check?msisdn=13800000002&enterpriseId=${world.enterpriseA.id}`);
    expect(otherNumber).toEqual({ optedOut: false });
    const otherEnterprise = await api.as(api.operatorToken).get(`/api/v1/opt-outs/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseB.id}`);
    expect(otherEnterprise).toEqual({ optedOut: false });
    const asAuditor = await api.as(world.tokens.auditor).get(`/api/v1/opt-outs/check?msisdn=%2B86${NUMBER}&enterpriseId=${world.enterpriseA.id}`);
    expect(asAuditor.optedOut).toBe(true);
  });

  it("lists with filters (enterprise, number, source) and a cursor, masks only", async () => {
    const operator = api.as(api.operatorToken);
    const a1 = await operator.post("/api/v1/opt-outs", { msisdn: "13800000001", enterpriseId: world.enterpriseA.id });
    const a2 = await operator.post("/api/v1/opt-outs", { msisdn: "13800000002", enterpriseId: world.enterpriseA.id, source: "complaint" });
    const b1 = await operator.post("/api/v1/opt-outs", { msisdn: "13800000001", enterpriseId: world.enterpriseB.id });
    const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);
    expect(ids(await operator.get("/api/v1/opt-outs"))).toEqual([a1.id, a2.id, b1.id]);
    expect(ids(await operator.get(`/api/v1/opt-outs?enterpriseId=${world.enterpriseA.id}`))).toEqual([a1.id, a2.id]);
    expect(ids(await operator.get("/api/v1/opt-outs?msisdn=13800000001"))).toEqual([a1.id, b1.id]);
    expect(ids(await operator.get("/api/v1/opt-outs?source=complaint"))).toEqual([a2.id]);
    const page1 = await operator.get("/api/v1/opt-outs?limit=2");
    expect(ids(page1)).toEqual([a1.id, a2.id]);
    expect(ids(await operator.get(`/api/v1/opt-outs?limit=2&cursor=${page1.nextCursor}`))).toEqual([b1.id]);
    const raw = await api.request("GET", "/api/v1/opt-outs");
    expect(raw.text).not.toMatch(/1380000000\d/);
    expect(raw.text).not.toContain("recipientHash");
  });

  it("an SP sees opt-outs of enterprises it filed, even without a contract", async () => {
    const filed = await addEnterprise(api, { filedBySpId: world.spA.id });
    const created = await api.request("POST", "/api/v1/opt-outs", { token: world.tokens.spA, body: { msisdn: NUMBER, enterpriseId: filed.id } });
    expect(created.status).toBe(201);
    const list = await api.as(world.tokens.spA).get(`/api/v1/opt-outs?enterpriseId=${filed.id}`);
    expect(list.items).toHaveLength(1);
  });

  it("an operator withdraws an opt-out with a reason", async () => {
    const created = await api.as(world.tokens.spA).post("/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: world.enterpriseA.id });
    const removed = await api.request("DELETE", `/api/v1/opt-outs/${created.id}`, { body: { reason: "用户重新订阅（录音确认）" } });
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body.id).toBe(created.id);
    expect(await api.as(api.operatorToken).get(`/api/v1/opt-outs/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`)).toEqual({ optedOut: false });
    const [audit] = await api.database.db.select().from(auditLog).where(eq(auditLog.action, "opt_out.delete"));
    expect(audit).toMatchObject({ objectId: created.id, reason: "用户重新订阅（录音确认）", after: null });
    expect((audit!.before as { recipientMask: string }).recipientMask).toBe("138****0001");
    // After a withdrawal the recipient can opt out again.
    expect((await api.request("POST", "/api/v1/opt-outs", { body: { msisdn: NUMBER, enterpriseId: world.enterpriseA.id } })).status).toBe(201);
  });

  it("recordOptOut serves the SMPP MO path with only a hash, attributing it to the signature's SP", async () => {
    const signature = await fileSignature(api, world);
    const ctx = api.serviceContext({ type: "system", id: "smpp-mo" });
    const hash = api.deps.pii.hash(NUMBER);
    const first = await recordOptOut(ctx, { recipientHash: hash, recipientMask: "138****0001", enterpriseId: world.enterpriseA.id, source: "mo", signatureId: signature.id });
    expect(first.created).toBe(true);
    expect(first.optOut).toMatchObject({ source: "mo", signatureId: signature.id, recipientMask: "138****0001" });
    const again = await recordOptOut(ctx, { recipientHash: hash, recipientMask: "138****0001", enterpriseId: world.enterpriseA.id, source: "mo" });
    expect(again).toEqual({ optOut: first.optOut, created: false });
    const [audit] = await api.database.db.select().from(auditLog).where(eq(auditLog.objectId, first.optOut.id));
    expect(audit).toMatchObject({ actorType: "system", actorId: "smpp-mo", objectSpId: world.spA.id });
    // The API's check sees what the MO path recorded.
    expect(await api.as(world.tokens.spA).get(`/api/v1/opt-outs/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`)).toMatchObject({ optedOut: true, source: "mo" });
    expect(await api.database.db.select().from(optOuts)).toHaveLength(1);
  });

  it("announces additions and withdrawals on the registry channel (not repeats)", async () => {
    const payloads: string[] = [];
    const unlisten = await api.database.listen(REGISTRY_CHANNEL, (payload) => payloads.push(payload));
    try {
      const created = await api.as(api.operatorToken).post("/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: world.enterpriseA.id });
      await api.as(api.operatorToken).post("/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: world.enterpriseA.id });
      await api.request("DELETE", `/api/v1/opt-outs/${created.id}`, { body: { reason: "re-consented" } });
      await expect.poll(() => payloads.filter((p) => p.startsWith("opt_outs:")).length, { timeout: 5000 }).toBe(2);
      expect(payloads).toContain(`opt_outs:${created.id}`);
      expect(payloads.find((p) => p.startsWith("opt_outs:-"))).toBe(`opt_outs:-${api.deps.pii.hash(NUMBER)}:${world.enterpriseA.id}`);
    } finally {
      await unlisten();
    }
  });
});

import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog } from "../../../../src/db/schema/index.ts";
import { REGISTRY_CHANNEL } from "../../../../src/db/transaction.ts";
import { resultRows } from "../../../../src/db/rows.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const NUMBER = "13900000001";

describe("do-not-disturb (happy)", () => {
  it("an operator adds a number (hash + mask only), idempotently, and checks it", async () => {
    const added = await api.request("POST", "/api/v1/dnd", { body: { msisdn: `+86${NUMBER}`, reason: "用户通过10086登记拒收" } });
    expect(added.status, added.text).toBe(201);
    expect(added.body).toMatchObject({ recipientMask: "139****0001", reason: "用户通过10086登记拒收" });
    expect(added.text).not.toContain(NUMBER);
    const again = await api.request("POST", "/api/v1/dnd", { body: { msisdn: NUMBER, reason: "重复登记" } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(added.body);

    const rows = resultRows<Record<string, unknown>>(await api.database.db.execute(sql`select * from do_not_disturb`));
    expect(rows).toHaveLength(1);
    // Every column, the recipient key too (a bigint: PGlite reads it as a BigInt).
    expect(JSON.stringify(rows, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).not.toContain(NUMBER);
    expect(rows[0]!.recipient_hash).toBe(api.deps.pii.hash(NUMBER));

    expect(await api.as(api.operatorToken).get(`/api/v1/dnd/check?msisdn=${NUMBER}`)).toMatchObject({ listed: true });
    expect(await api.as(api.operatorToken).get("/api/v1/dnd/check?msisdn=13900000002")).toEqual({ listed: false });
  });

  it("lists masks with a number filter and a cursor", async () => {
    const operator = api.as(api.operatorToken);
    const first = await operator.post("/api/v1/dnd", { msisdn: "13900000001", reason: "a" });
    const second = await operator.post("/api/v1/dnd", { msisdn: "13900000002", reason: "b" });
    const page = await operator.get("/api/v1/dnd?limit=1");
    expect(page.items.map((e: { id: string }) => e.id)).toEqual([first.id]);
    expect((await operator.get(`/api/v1/dnd?limit=1&cursor=${page.nextCursor}`)).items.map((e: { id: string }) => e.id)).toEqual([second.id]);
    expect((await operator.get("/api/v1/dnd?msisdn=13900000002")).items.map((e: { id: string }) => e.id)).toEqual([second.id]);
    const raw = await api.request("GET", "/api/v1/dnd");
    expect(raw.text).not.toMatch(/1390000000\d/);
    expect(raw.text).not.toContain("recipientHash");
  });

  it("an operator removes a number with a reason; audited and announced", async () => {
    const payloads: string[] = [];
    const unlisten = await api.database.listen(REGISTRY_CHANNEL, (payload) => payloads.push(payload));
    try {
      const added = await api.as(api.operatorToken).post("/api/v1/dnd", { msisdn: NUMBER, reason: "登记拒收" });
      const removed = await api.request("DELETE", `/api/v1/dnd/${added.id}`, { body: { reason: "用户撤销拒收登记" } });
      expect(removed.status).toBe(200);
      expect(await api.as(api.operatorToken).get(`/api/v1/dnd/check?msisdn=${NUMBER}`)).toEqual({ listed: false });
      // The addition names the new row; the removal carries the hash, since no row is left to read.
      await expect.poll(() => payloads.filter((p) => p.startsWith("do_not_disturb:")).length, { timeout: 5000 }).toBe(2);
      expect(payloads).toContain(`do_not_disturb:${added.id}`);
      expect(payloads.find((p) => p.startsWith("do_not_disturb:-"))).toMatch(/^do_not_disturb:-[0-9a-f]{32}$/);
    } finally {
      await unlisten();
    }
    const audit = await api.database.db.select().from(auditLog).where(eq(auditLog.objectType, "do_not_disturb")).orderBy(auditLog.seq);
    expect(audit.map((row) => [row.action, row.reason])).toEqual([
      ["dnd.create", "登记拒收"],
      ["dnd.delete", "用户撤销拒收登记"],
    ]);
    expect(JSON.stringify(audit)).not.toContain(NUMBER);
  });
});

import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog } from "../../../../src/db/schema/index.ts";
import { resultRows } from "../../../../src/db/rows.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const TRAP = "13800131030";

describe("honeypots API (happy)", () => {
  it("an operator registers a trap (hash + mask only, idempotent, audited), lists it, removes it", async () => {
    const created = await api.request("POST", "/api/v1/honeypots", { body: { msisdn: `+86${TRAP}`, note: "trap SIM 3" } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ recipientMask: "138****1030", note: "trap SIM 3" });
    expect(created.text).not.toContain(TRAP);
    const again = await api.request("POST", "/api/v1/honeypots", { body: { msisdn: TRAP } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);

    const rows = resultRows<Record<string, unknown>>(await api.database.db.execute(sql`select * from honeypots`));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.recipient_hash).toBe(api.deps.pii.hash(TRAP));
    expect(JSON.stringify(rows)).not.toContain(TRAP);

    const list = await api.request("GET", "/api/v1/honeypots");
    expect(list.body.items).toEqual([expect.objectContaining({ id: created.body.id, recipientMask: "138****1030" })]);
    expect(list.text).not.toContain(api.deps.pii.hash(TRAP));

    const removed = await api.request("DELETE", `/api/v1/honeypots/${created.body.id}`, { body: { reason: "SIM retired" } });
    expect(removed.status).toBe(200);
    expect((await api.request("GET", "/api/v1/honeypots")).body.items).toEqual([]);
    const audit = await api.database.db.select().from(auditLog).where(eq(auditLog.objectType, "honeypot"));
    expect(audit.map((row) => row.action)).toEqual(["honeypot.create", "honeypot.delete"]);
    expect(JSON.stringify(audit)).not.toContain(api.deps.pii.hash(TRAP));
  });
});


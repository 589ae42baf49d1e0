import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { createSp } from "../../../helpers/registry.ts";
import { ambiguousReceipts, messageRoutes } from "../../../../src/db/schema/index.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

/** Two SPs' messages "10" and "16" (a decimal-id SMSC); a padded receipt id could be either. */
async function heldReceipts() {
  const a = await createSp(api, "甲");
  const b = await createSp(api, "乙");
  const accountA = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: a.sp.id, systemId: "amb_a", password: "abcdef" });
  const accountB = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: b.sp.id, systemId: "amb_b", password: "abcdef" });
  const at = new Date("2026-11-30T08:00:00Z");
  await api.database.db.insert(messageRoutes).values([
    { smscMessageId: "10", canonicalId: "10", accountId: accountA.id, spId: a.sp.id, createdAt: at },
    { smscMessageId: "16", canonicalId: "16", accountId: accountB.id, spId: b.sp.id, createdAt: at },
  ]);
  const pdu = Buffer.from("id:0000000010 sub:001 dlvrd:001 stat:DELIVRD to 13800138000").toString("base64");
  for (let i = 0; i < 3; i++) {
    await api.database.db.insert(ambiguousReceipts).values({ receiptId: `000000001${i === 2 ? "6" : "0"}`, candidates: i === 1 ? "10 16 99" : "10 16", pdu, createdAt: new Date(at.getTime() + i * 60_000) });
  }
  return { a, b, accountA, accountB };
}

describe("ambiguous receipts (happy)", () => {
  it("lists held receipts newest first with the route each candidate id belongs to, never the PDU; pages with a cursor; filters by time", async () => {
    const { a, b, accountA, accountB } = await heldReceipts();
    const auditor = await api.tokenFor("auditor");
    for (const token of [api.operatorToken, auditor]) {
      const page = await api.as(token).get("/api/v1/receipts/ambiguous");
      expect(page.items.map((r: { receiptId: string }) => r.receiptId)).toEqual(["0000000016", "0000000010", "0000000010"]);
      expect(page.items[0].candidates).toEqual([
        { smscMessageId: "10", accountId: accountA.id, spId: a.sp.id, spMessageId: null },
        { smscMessageId: "16", accountId: accountB.id, spId: b.sp.id, spMessageId: null },
      ]);
      // A candidate whose route has expired is still listed, without a route.
      expect(page.items[1].candidates[2]).toEqual({ smscMessageId: "99", accountId: null, spId: null, spMessageId: null });
      expect(JSON.stringify(page)).not.toContain("13800138000");
      expect(page.items[0].pdu).toBeUndefined();
    }
    const first = await api.as(api.operatorToken).get("/api/v1/receipts/ambiguous?limit=2");
    expect(first.items).toHaveLength(2);
    const second = await api.as(api.operatorToken).get(`/api/v1/receipts/ambiguous?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((r: { id: number }) => r.id)).toEqual([first.items[1].id - 1]);
    expect(second.nextCursor).toBeNull();
    const window = await api.as(api.operatorToken).get(`/api/v1/receipts/ambiguous?from=2026-11-30T08:00:30Z&to=2026-11-30T08:01:30Z`);
    expect(window.items.map((r: { candidates: unknown[] }) => r.candidates.length)).toEqual([3]);
  });
});

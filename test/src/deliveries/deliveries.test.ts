/** The store behind held receipts and MO (src/deliveries/deliveries.service.ts), on a real database. */
import { describe, expect, it } from "vitest";
import { createDeliveryStore } from "../../../src/deliveries/deliveries.service.ts";
import { useTestDatabase } from "../../helpers/database.ts";

const database = useTestDatabase();

const now = new Date("2026-12-01T10:00:00Z");
const pdu = (n: number) => Uint8Array.from([0, 0, 0, 16, 0, 0, 0, 5, 0, 0, 0, 0, n >> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const number = (frame: Uint8Array) => ((frame[12]! << 24) | (frame[13]! << 16) | (frame[14]! << 8) | frame[15]!) >>> 0;

describe("held deliveries", () => {
  it("takes one account's receipts, or the SP's MO, in SQL: another account's older backlog hides nothing", async () => {
    const store = createDeliveryStore(database.db);
    const sp = crypto.randomUUID();
    const [busy, quiet] = [crypto.randomUUID(), crypto.randomUUID()];
    // 250 older receipts of one account, then one of another account of the same SP, then an MO.
    await store.holdMany(Array.from({ length: 250 }, (_, i) => ({ accountId: busy, spId: sp, kind: "receipt" as const, pdu: pdu(i), now, ttlMs: 86_400_000 })));
    await store.hold({ accountId: quiet, spId: sp, kind: "receipt", pdu: pdu(1000), now, ttlMs: 86_400_000 });
    await store.hold({ accountId: null, spId: sp, kind: "mo", pdu: pdu(2000), now, ttlMs: 86_400_000 });

    expect((await store.takeHeld({ spId: sp, accountId: quiet }, 100)).map((row) => number(row.pdu))).toEqual([1000]);
    expect((await store.takeHeld({ spId: sp, accountId: null }, 100)).map((row) => [row.kind, number(row.pdu)])).toEqual([["mo", 2000]]);
    const first = await store.takeHeld({ spId: sp, accountId: busy }, 100);
    expect(first.map((row) => number(row.pdu))).toEqual(Array.from({ length: 100 }, (_, i) => i)); // oldest first, in order
    await store.release(first.map((row) => row.id));
    expect((await store.takeHeld({ spId: sp, accountId: busy }, 100)).map((row) => number(row.pdu))[0]).toBe(100);
    expect(await store.countHeld(sp)).toBe(152);
  });

  it("holds several in one statement, returning their ids in order, and stays bounded per SP (oldest go first)", async () => {
    const store = createDeliveryStore(database.db, { maxHeldPerSp: 5 });
    const sp = crypto.randomUUID();
    const account = crypto.randomUUID();
    const ids = await store.holdMany(Array.from({ length: 4 }, (_, i) => ({ accountId: account, spId: sp, kind: "receipt" as const, pdu: pdu(i), now, ttlMs: 86_400_000 })));
    expect(ids).toHaveLength(4);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    await store.holdMany(Array.from({ length: 3 }, (_, i) => ({ accountId: account, spId: sp, kind: "receipt" as const, pdu: pdu(10 + i), now, ttlMs: 86_400_000 })));
    expect((await store.takeHeld({ spId: sp, accountId: account }, 10)).map((row) => number(row.pdu))).toEqual([2, 3, 10, 11, 12]);
  });
});

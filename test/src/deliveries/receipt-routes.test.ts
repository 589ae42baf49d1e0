import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalMessageId, messageIdCandidates } from "../../../src/gateway/message-id.ts";
import { lastSenders, messageRoutes } from "../../../src/db/schema/index.ts";
import { createDeliveryStore, LAST_SENDER_RETENTION_MS } from "../../../src/deliveries/deliveries.service.ts";
import type { Database } from "../../../src/db/client.ts";
import { Journal } from "../../../src/journal/journal.ts";
import { enforceRetention } from "../../../src/journal/retention.ts";
import { useTestDatabase } from "../../helpers/database.ts";

const database = useTestDatabase();

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const PORT = "00000000-0000-4000-8000-000000000001";
const CLOUD = "00000000-0000-4000-8000-0000000000c1";
const BANK = "00000000-0000-4000-8000-0000000000c2";

function journal(): Journal {
  return new Journal({ database, spoolDir: mkdtempSync(join(tmpdir(), "gk-routes-")), instanceId: "t" });
}

describe("message routes in the database", () => {
  it("returns the exact id first even when many aliases fill the limit", async () => {
    const j = journal();
    const at = new Date("2026-12-01T02:00:00Z");
    // Routes whose canonical forms all collide with the receipt "16": 10 (hex of 16), 22 (decimal of 0x16), and a padded "016".
    for (const [id, account] of [["10", A], ["22", A], ["016", A], ["0016", A], ["16", B]] as const) {
      j.recordRoute({ smscMessageId: id, canonicalId: canonicalMessageId(id), accountId: account, spId: account, createdAt: at });
    }
    await j.flush();
    const store = createDeliveryStore(database.db);
    const rows = await store.findRoutes("16", messageIdCandidates("16"), 2);
    expect(rows[0]).toMatchObject({ smscMessageId: "16", accountId: B });
    expect(rows).toHaveLength(2);
    // The id as issued is kept, not its canonical form.
    const stored = await database.db.select({ id: messageRoutes.smscMessageId, canonical: messageRoutes.canonicalId }).from(messageRoutes);
    expect(stored.find((r) => r.id === "0016")?.canonical).toBe("16");
  });
});

describe("last sender per (port, recipient)", () => {
  it("is written in the journal's batch, the newest sender wins across batches, and is purged after 30 days", async () => {
    const j = journal();
    const store = createDeliveryStore(database.db);
    const t0 = new Date("2026-12-01T02:00:00Z");
    const t1 = new Date("2026-12-01T02:00:05Z");
    j.recordLastSender({ recipientHash: "h1", portId: PORT, enterpriseId: CLOUD, at: t0 });
    j.recordLastSender({ recipientHash: "h1", portId: PORT, enterpriseId: BANK, at: t1 });
    expect(j.backlog().inMemory).toBe(1); // coalesced per (recipient, port) within a batch
    await j.flush();
    expect(await store.findLastSender("h1", PORT, t1)).toEqual({ enterpriseId: BANK, at: t1 });
    // A late batch (another proxy, a replayed spool) with an older sender does not overwrite it.
    j.recordLastSender({ recipientHash: "h1", portId: PORT, enterpriseId: CLOUD, at: t0 });
    await j.flush();
    expect((await store.findLastSender("h1", PORT, t1))?.enterpriseId).toBe(BANK);
    expect(await store.findLastSender("h2", PORT, t1)).toBeUndefined();

    const later = new Date(t1.getTime() + LAST_SENDER_RETENTION_MS + 1000);
    expect(await store.findLastSender("h1", PORT, later)).toBeUndefined();
    const removed = await enforceRetention(database.db, store, later, 180);
    expect(removed.lastSenders).toBe(1);
    expect(await database.db.select().from(lastSenders)).toEqual([]);
  });

  it("survives the database being away: spooled with the batch and replayed with its time", async () => {
    const state = { down: true };
    const db = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property === "transaction" && state.down) return async () => Promise.reject(new Error("connection refused"));
        return Reflect.get(target, property, receiver);
      },
    });
    const j = new Journal({ database: { ...database, db } as Database, spoolDir: mkdtempSync(join(tmpdir(), "gk-routes-")), instanceId: "spool" });
    const at = new Date("2026-12-01T03:00:00Z");
    j.recordLastSender({ recipientHash: "h9", portId: PORT, enterpriseId: CLOUD, at });
    j.recordRoute({ smscMessageId: "0A0000FF", canonicalId: "a0000ff", spMessageId: "0A0000FE", accountId: A, spId: A, createdAt: at });
    await j.flush();
    expect(j.backlog().spooledBatches).toBe(1);
    state.down = false;
    await j.flush();
    expect(j.backlog().spooledBatches).toBe(0);
    expect(await createDeliveryStore(database.db).findLastSender("h9", PORT, at)).toEqual({ enterpriseId: CLOUD, at });
    expect(await createDeliveryStore(database.db).findRoutes("167772415", messageIdCandidates("167772415"))).toEqual([
      { smscMessageId: "0A0000FF", accountId: A, spId: A, spMessageId: "0A0000FE" },
    ]);
  });
});

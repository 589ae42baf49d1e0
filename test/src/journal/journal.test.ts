import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "../../../src/db/client.ts";
import { resultRows } from "../../../src/db/rows.ts";
import { Journal } from "../../../src/journal/journal.ts";
import { useTestDatabase } from "../../helpers/database.ts";

const database = useTestDatabase();

/** The same database, with a switch that makes every journal transaction fail as if it were down. */
function flaky(real: Database) {
  const state = { down: false };
  const db = new Proxy(real.db, {
    get(target, property, receiver) {
      if (property === "transaction" && state.down) return async () => Promise.reject(new Error("connection refused"));
      return Reflect.get(target, property, receiver);
    },
  });
  return { database: { ...real, db } as Database, state };
}

async function countRejections(db: Database["db"]): Promise<number> {
  return Number(resultRows<{ n: number }>(await db.execute(sql`select count(*)::int as n from rejections`))[0]!.n);
}

function rejection(i: number) {
  return { at: new Date(Date.UTC(2026, 10, 23, 2, 0, 0, i)), reason: "sublet_no_contract", monitor: false, command: "submit_sm", sourceAddr: "1069000", text: `【测试】第${i}条` };
}

describe("journal", () => {
  it("writes refusals and traffic counters in batches", async () => {
    const journal = new Journal({ database, spoolDir: mkdtempSync(join(tmpdir(), "spool-")), instanceId: "t1" });
    for (let i = 0; i < 2500; i++) journal.recordRejection(rejection(i));
    const key = { day: "2026-11-23", spId: crypto.randomUUID(), portId: crypto.randomUUID(), signatureId: crypto.randomUUID(), enterpriseId: crypto.randomUUID(), category: "verification" };
    for (let i = 0; i < 7; i++) journal.count(key, "accepted");
    await journal.flush();
    journal.count(key, "accepted");
    await journal.flush();
    expect(await countRejections(database.db)).toBe(2500);
    const [traffic] = resultRows<{ accepted: number }>(await database.db.execute(sql`select accepted::int from traffic_daily`));
    expect(traffic!.accepted).toBe(8);
  });

  it("stores a refusal whose text or addresses hold NUL octets instead of failing its batch forever", async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), "spool-"));
    const journal = new Journal({ database, spoolDir, instanceId: "t-nul" });
    journal.recordRejection({ ...rejection(1), text: "【x】\u0000abc", sourceAddr: "1069\u0000", recipientMask: "138****\u00001" });
    journal.recordRejection(rejection(2));
    await journal.flush();
    expect(journal.backlog()).toEqual({ inMemory: 0, spooledBatches: 0 });
    const rows = resultRows<{ text: string; source_addr: string }>(await database.db.execute(sql`select text, source_addr from rejections order by at`));
    expect(rows.map((r) => r.text)).toEqual(["【x】\u2400abc", "【测试】第2条"]);
    expect(rows[0]!.source_addr).toBe("1069\u2400");
  });

  it("spools while the database is down and replays every refusal exactly once, in order", async () => {
    const { database: wrapped, state } = flaky(database);
    const spoolDir = mkdtempSync(join(tmpdir(), "spool-"));
    const journal = new Journal({ database: wrapped, spoolDir, instanceId: "t2" });
    for (let i = 0; i < 100; i++) journal.recordRejection(rejection(i));
    await journal.flush();
    state.down = true;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 100; i++) journal.recordRejection(rejection(100 + round * 100 + i));
      await journal.flush();
    }
    expect(journal.backlog().spooledBatches).toBe(5);
    expect(await countRejections(database.db)).toBe(100);
    state.down = false;
    for (let i = 600; i < 650; i++) journal.recordRejection(rejection(i));
    await journal.flush();
    expect(journal.backlog().spooledBatches).toBe(0);
    expect(await countRejections(database.db)).toBe(650);
    const rows = resultRows<{ text: string }>(await database.db.execute(sql`select text from rejections order by id`));
    expect(rows.map((r) => r.text)).toEqual(Array.from({ length: 650 }, (_, i) => `【测试】第${i}条`));
  });

  it("replays a spool left by a previous process, without writing a batch twice", async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), "spool-"));
    const { database: wrapped, state } = flaky(database);
    const first = new Journal({ database: wrapped, spoolDir, instanceId: "t3" });
    state.down = true;
    for (let i = 0; i < 10; i++) first.recordRejection(rejection(i));
    await first.flush();
    // The next process starts with the spool on disk.
    const second = new Journal({ database, spoolDir, instanceId: "t3" });
    expect(second.backlog().spooledBatches).toBe(1);
    await second.flush();
    await second.flush();
    expect(await countRejections(database.db)).toBe(10);
  });
  it("stop() writes the events recorded while a batch was being written", async () => {
    const journal = new Journal({ database, spoolDir: mkdtempSync(join(tmpdir(), "spool-")), instanceId: "t4", maxBatchRows: 1000 });
    for (let i = 0; i < 1000; i++) journal.recordRejection(rejection(i)); // the 1,000th starts a write
    for (let i = 1000; i < 1500; i++) journal.recordRejection(rejection(i)); // recorded during that write
    await journal.stop();
    expect(await countRejections(database.db)).toBe(1500);
  });
});

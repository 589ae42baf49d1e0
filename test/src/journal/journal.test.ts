import { mkdtempSync, readdirSync, renameSync } from "node:fs";
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

  it("writes a backlog in batches of at most maxBatchRows, so a producer faster than the database never makes one outlast the write timeout", async () => {
    // PGlite on its own thread and PostgreSQL both let the proxy go on recording while a batch is
    // written. Uncapped, the next batch took everything recorded meanwhile, each bigger than the
    // last, until one took longer than writeTimeoutMs and was spooled (the default bench did).
    const journal = new Journal({ database, spoolDir: mkdtempSync(join(tmpdir(), "spool-")), instanceId: "t-capped", maxBatchRows: 100, flushIntervalMs: 60_000 });
    journal.start();
    for (let i = 0; i < 1050; i++) journal.recordRejection(rejection(i));
    const routes = Array.from({ length: 250 }, (_, i) => ({ smscMessageId: `m${i}`, canonicalId: `m${i}`, accountId: crypto.randomUUID(), spId: crypto.randomUUID(), createdAt: Date.UTC(2026, 10, 23) }));
    for (const route of routes) journal.recordRoute(route);
    // A backlog of at least one batch is written at once, batch after batch, not one per tick of
    // the (here one-minute) timer.
    const deadline = Date.now() + 10_000;
    while ((await countRejections(database.db)) < 1000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await countRejections(database.db)).toBeGreaterThanOrEqual(1000);
    await journal.stop();
    expect(await countRejections(database.db)).toBe(1050);
    const batches = resultRows<{ rows: number }>(await database.db.execute(sql`select rows from journal_batches where batch_id like 't-capped:%'`));
    expect(batches.length).toBeGreaterThanOrEqual(11);
    for (const batch of batches) expect(batch.rows).toBeLessThanOrEqual(200); // 100 rejections and 100 routes at most
    expect(journal.stats().spooledBatches).toBe(0);
  });

  it("keeps its memory bounded when the database is slower than the proxy: the excess goes to the spool, and every row lands once", async () => {
    const slow = { delayMs: 150 };
    const db = new Proxy(database.db, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== "transaction") return value;
        return async (...args: unknown[]) => {
          await new Promise((resolve) => setTimeout(resolve, slow.delayMs));
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
    const journal = new Journal({ database: { ...database, db } as Database, spoolDir: mkdtempSync(join(tmpdir(), "spool-")), instanceId: "t-bounded", maxBatchRows: 50, maxInMemoryRows: 200, flushIntervalMs: 20 });
    journal.start();
    let peak = 0;
    let spooledSeen = 0;
    for (let i = 0; i < 3000; i++) {
      journal.recordRejection(rejection(i));
      if (i % 100 === 99) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        peak = Math.max(peak, journal.backlog().inMemory);
        spooledSeen = Math.max(spooledSeen, journal.backlog().spooledBatches);
      }
    }
    // Without the bound the backlog grew with everything the writer had not reached (thousands).
    expect(peak).toBeLessThanOrEqual(200 + 100);
    expect(spooledSeen).toBeGreaterThan(0);
    slow.delayMs = 0;
    await journal.stop();
    expect(journal.stats().spooledBatches).toBe(0);
    expect(await countRejections(database.db)).toBe(3000);
  });

  it("stores every field of every row as recorded, times to the millisecond (the rows travel as positional arrays)", async () => {
    const journal = new Journal({ database, spoolDir: mkdtempSync(join(tmpdir(), "spool-")), instanceId: "t-fields" });
    const ids = Array.from({ length: 6 }, () => crypto.randomUUID());
    const full = {
      at: new Date(Date.UTC(2026, 10, 23, 2, 0, 0, 987)), reason: "content_rule", monitor: true, command: "data_sm", spId: ids[0], accountId: ids[1], portId: ids[2],
      sourceAddr: "10690001", signatureId: ids[3], signatureText: "企业\"签\\名", enterpriseId: ids[4], category: "marketing", recipientHash: "ab".repeat(16),
      recipientMask: "138****0000", text: "【企业】引号\" 反斜杠\\ 制表\t 换行\n 😀", remoteAddress: "192.0.2.7", detail: "phrase 领取 (marketing)",
    };
    journal.recordRejection(full);
    journal.recordRejection({ at: new Date(Date.UTC(2026, 10, 23, 2, 0, 1, 1)), reason: "port_unknown", monitor: false, command: "submit_sm" });
    const key = { day: "2026-11-23", spId: ids[0]!, portId: ids[2]!, signatureId: ids[3]!, enterpriseId: ids[4]!, category: "marketing" };
    journal.count(key, "accepted");
    journal.count(key, "refused");
    journal.count(key, "refused");
    journal.recordRoute({ smscMessageId: "00AB12", canonicalId: "ab12", spMessageId: "sp-7", accountId: ids[1]!, spId: ids[0]!, createdAt: Date.UTC(2026, 10, 23, 2, 0, 2, 345) });
    journal.recordLastSender({ recipientHash: "cd".repeat(16), portId: ids[2]!, enterpriseId: ids[5]!, at: Date.UTC(2026, 10, 23, 2, 0, 3, 456) });
    await journal.flush();

    const rejections = resultRows<Record<string, unknown>>(
      await database.db.execute(sql`select reason, monitor, command, sp_id, account_id, port_id, source_addr, signature_id, signature_text, enterprise_id, category,
        recipient_hash, recipient_mask, text, remote_address, detail, (extract(epoch from at) * 1000)::bigint::text as at_ms from rejections order by at`),
    );
    expect(rejections).toEqual([
      {
        reason: full.reason, monitor: true, command: full.command, sp_id: ids[0], account_id: ids[1], port_id: ids[2], source_addr: full.sourceAddr, signature_id: ids[3],
        signature_text: full.signatureText, enterprise_id: ids[4], category: full.category, recipient_hash: full.recipientHash, recipient_mask: full.recipientMask,
        text: full.text, remote_address: full.remoteAddress, detail: full.detail, at_ms: String(full.at.getTime()),
      },
      {
        reason: "port_unknown", monitor: false, command: "submit_sm", sp_id: null, account_id: null, port_id: null, source_addr: null, signature_id: null, signature_text: null,
        enterprise_id: null, category: null, recipient_hash: null, recipient_mask: null, text: null, remote_address: null, detail: null, at_ms: String(Date.UTC(2026, 10, 23, 2, 0, 1, 1)),
      },
    ]);
    expect(resultRows(await database.db.execute(sql`select day::text, sp_id, port_id, signature_id, enterprise_id, category, accepted::int, refused::int from traffic_daily`))).toEqual([
      { day: "2026-11-23", sp_id: ids[0], port_id: ids[2], signature_id: ids[3], enterprise_id: ids[4], category: "marketing", accepted: 1, refused: 2 },
    ]);
    expect(resultRows(await database.db.execute(sql`select smsc_message_id, canonical_id, sp_message_id, account_id, sp_id, (extract(epoch from created_at) * 1000)::bigint::text as ms from message_routes`))).toEqual([
      { smsc_message_id: "00AB12", canonical_id: "ab12", sp_message_id: "sp-7", account_id: ids[1], sp_id: ids[0], ms: String(Date.UTC(2026, 10, 23, 2, 0, 2, 345)) },
    ]);
    expect(resultRows(await database.db.execute(sql`select recipient_hash, port_id, enterprise_id, (extract(epoch from sent_at) * 1000)::bigint::text as ms from last_senders`))).toEqual([
      { recipient_hash: "cd".repeat(16), port_id: ids[2], enterprise_id: ids[5], ms: String(Date.UTC(2026, 10, 23, 2, 0, 3, 456)) },
    ]);
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
  it("finishes a replay a previous process stopped in the middle of, and keeps a failed replay's remainder in order", async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), "spool-"));
    const { database: wrapped, state } = flaky(database);
    const first = new Journal({ database: wrapped, spoolDir, instanceId: "t5", maxBatchRows: 10 });
    state.down = true;
    for (let i = 0; i < 30; i++) first.recordRejection(rejection(i));
    await first.flush(); // three batches spooled
    expect(first.backlog().spooledBatches).toBe(3);
    // A replay that fails halfway keeps what it did not write, in order, with what came after.
    state.down = false;
    let writes = 0;
    const failing = new Proxy(database.db, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== "transaction") return value;
        return async (...args: unknown[]) => {
          if (++writes === 2) throw new Error("connection reset");
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
    const second = new Journal({ database: { ...database, db: failing } as Database, spoolDir, instanceId: "t5", maxBatchRows: 10 });
    expect(second.backlog().spooledBatches).toBe(3);
    for (let i = 30; i < 35; i++) second.recordRejection(rejection(i));
    await second.flush(); // spools the new batch behind the three, replays: first written, second fails
    expect(await countRejections(database.db)).toBe(10);
    expect(second.backlog().spooledBatches).toBe(3);
    // The process stops while a replay is under way: the file set aside is all that is left.
    renameSync(join(spoolDir, "journal-t5.jsonl"), join(spoolDir, "journal-t5.jsonl.replaying"));
    const third = new Journal({ database, spoolDir, instanceId: "t5" });
    expect(third.backlog().spooledBatches).toBe(3);
    await third.flush();
    expect(await countRejections(database.db)).toBe(35);
    expect(third.backlog().spooledBatches).toBe(0);
    expect(readdirSync(spoolDir)).toEqual([]);
  });
  it("stop() writes the events recorded while a batch was being written", async () => {
    const journal = new Journal({ database, spoolDir: mkdtempSync(join(tmpdir(), "spool-")), instanceId: "t4", maxBatchRows: 1000 });
    for (let i = 0; i < 1000; i++) journal.recordRejection(rejection(i)); // the 1,000th starts a write
    for (let i = 1000; i < 1500; i++) journal.recordRejection(rejection(i)); // recorded during that write
    await journal.stop();
    expect(await countRejections(database.db)).toBe(1500);
  });
});

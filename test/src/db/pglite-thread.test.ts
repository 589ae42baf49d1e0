import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { openDatabase, pgliteDatabase, type Database } from "../../../src/db/client.ts";
import { openPgliteThread } from "../../../src/db/pglite-thread.ts";
import { isUniqueViolation } from "../../../src/db/errors.ts";
import { resultRows } from "../../../src/db/rows.ts";
import { serviceProviders } from "../../../src/db/schema/index.ts";
import { newId } from "../../../src/lib/ids.ts";
import { migratedPgliteDump } from "../../helpers/database.ts";

/**
 * Without DATABASE_URL the product runs PGlite on a thread of its own (src/db/pglite-thread.ts):
 * the Database openDatabase returns must behave as PGlite in-process did (errors with their
 * SQLSTATE, transactions that commit or roll back whole, NOTIFY at commit, drizzle's timestamps),
 * while a slow query no longer holds the caller's event loop.
 */
let database: Database;

beforeAll(async () => {
  database = await openDatabase({ pgliteDump: await migratedPgliteDump() });
}, 60_000);

afterAll(async () => {
  await database?.close();
});

it("keeps the caller's event loop free while a query runs", async () => {
  const started = performance.now();
  let timerAt = 0;
  setTimeout(() => (timerAt = performance.now() - started), 10);
  await database.db.execute(sql`select pg_sleep(0.4)`);
  // In-process, the 10 ms timer could only fire after the 400 ms query had returned.
  expect(timerAt).toBeGreaterThan(0);
  expect(timerAt).toBeLessThan(200);
});

it("passes PostgreSQL's errors on with their code, and the connection goes on", async () => {
  const row = { name: "线程服务商", licenceNumber: "B2-2026-0101" };
  await database.db.insert(serviceProviders).values({ id: newId(), ...row });
  const duplicate = await database.db
    .insert(serviceProviders)
    .values({ id: newId(), ...row })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(isUniqueViolation(duplicate)).toBe(true);
  const [{ n }] = resultRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from service_providers where licence_number = ${row.licenceNumber}`)) as [{ n: number }];
  expect(n).toBe(1);
});

it("commits a transaction whole, rolls a failed one back whole, and makes other queries wait for it", async () => {
  const kept = newId();
  const dropped = newId();
  let outsideDone = false;
  await database.db.transaction(async (tx) => {
    await tx.insert(serviceProviders).values({ id: kept, name: "事务甲", licenceNumber: "B2-2026-0102" });
    // A query outside the transaction, sent while it is open, runs only after it ends (one session).
    void database.db.execute(sql`select 1`).then(() => (outsideDone = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(outsideDone).toBe(false);
  });
  const failure = await database.db
    .transaction(async (tx) => {
      await tx.insert(serviceProviders).values({ id: dropped, name: "事务乙", licenceNumber: "B2-2026-0103" });
      await tx.execute(sql`select 1/0`);
    })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(failure).toBeInstanceOf(Error);
  expect(await database.db.select().from(serviceProviders).where(eq(serviceProviders.id, kept))).toHaveLength(1);
  expect(await database.db.select().from(serviceProviders).where(eq(serviceProviders.id, dropped))).toHaveLength(0);
  expect(outsideDone).toBe(true);
});

it("delivers NOTIFY at commit, and never for a rolled-back transaction", async () => {
  const payloads: string[] = [];
  const unlisten = await database.listen("thread_test", (payload) => payloads.push(payload));
  await database.db
    .transaction(async (tx) => {
      await tx.execute(sql`select pg_notify('thread_test', 'rolled back')`);
      tx.rollback();
    })
    .catch(() => {});
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_notify('thread_test', 'committed')`);
  });
  await database.notify("thread_test", "direct");
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(payloads).toEqual(["committed", "direct"]);
  await unlisten();
  await database.notify("thread_test", "after unlisten");
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(payloads).toEqual(["committed", "direct"]);
});

it("returns drizzle's types: timestamps as Date, bigint, json and bytes", async () => {
  const id = newId();
  await database.db.insert(serviceProviders).values({ id, name: "类型", licenceNumber: "B2-2026-0104" });
  const [provider] = await database.db.select().from(serviceProviders).where(eq(serviceProviders.id, id));
  expect(provider!.createdAt).toBeInstanceOf(Date);
  expect(Math.abs(provider!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  const [row] = resultRows<{ big: unknown; doc: unknown; bytes: unknown }>(await database.db.execute(sql`select 9007199254740993::int8 as big, '{"a":[1,2]}'::jsonb as doc, '\\x0102'::bytea as bytes`));
  expect(row!.doc).toEqual({ a: [1, 2] });
  expect(Array.from(row!.bytes as Uint8Array)).toEqual([1, 2]);
  expect(String(row!.big)).toBe("9007199254740993");
});

it("answers every call after close with an error, and ping says the database is gone", async () => {
  const other = await openDatabase({ pgliteDump: await migratedPgliteDump() });
  expect(await other.ping()).toBe(true);
  await other.close();
  expect(await other.ping()).toBe(false);
  await expect(other.db.execute(sql`select 1`)).rejects.toThrow();
}, 60_000);

it("with a data directory, starts a stopped thread again: calls fail meanwhile, then the data, LISTEN and onListen are back", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pglite-thread-"));
  const client = await openPgliteThread({ dataDir });
  const restarted = pgliteDatabase(client);
  try {
    await restarted.db.execute(sql`create table kept (n int)`);
    await restarted.db.execute(sql`insert into kept values (7)`);
    const payloads: string[] = [];
    let listens = 0;
    await restarted.listen("thread_restart", (payload) => payloads.push(payload), () => listens++);
    expect(listens).toBe(1);
    // An abrupt stop, as when PGlite's WebAssembly aborts: the worker goes away under the client.
    (client as unknown as { worker: Worker }).worker.terminate();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await restarted.ping()).toBe(false);
    await expect(restarted.db.execute(sql`select 1`)).rejects.toThrow();
    const deadline = Date.now() + 30_000;
    while (!(await restarted.ping()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(resultRows<{ n: number }>(await restarted.db.execute(sql`select n from kept`))).toEqual([{ n: 7 }]);
    expect(listens).toBe(2);
    await restarted.notify("thread_restart", "after the restart");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(payloads).toEqual(["after the restart"]);
  } finally {
    await restarted.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);

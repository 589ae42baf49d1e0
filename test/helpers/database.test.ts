import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { resultRows } from "../../src/db/rows.ts";
import { ensurePartitions, listPartitions } from "../../src/journal/partitions.ts";
import { createTestDatabase, pgliteInstancesLoaded, testBackend } from "./database.ts";
import { waitFor } from "./wait.ts";

const one = async <T>(query: Promise<unknown>) => resultRows<T>(await query)[0]!;

/**
 * On PGlite a test's database is an instance the worker's earlier tests used, put back into the
 * migrated state (test/helpers/database.ts). Whatever a test leaves behind must not reach the next.
 */
describe.runIf(testBackend() === "pglite")("test databases on PGlite: a reused instance is as fresh as a loaded one", () => {
  it("hands the next test an instance without the last one's rows, partitions, session settings or listeners", async () => {
    const first = await createTestDatabase();
    const freshPartitions = await listPartitions(first.db);
    await first.db.execute(sql`insert into journal_batches (batch_id, applied_at, rows) values ('pool-test', now(), 1)`);
    await ensurePartitions(first.db, new Date("2030-06-15T00:00:00Z"));
    expect((await listPartitions(first.db)).length).toBeGreaterThan(freshPartitions.length);
    const heardByFirst: string[] = [];
    await first.listen("gk_pool_test", (payload) => heardByFirst.push(payload));
    await first.db.execute(sql`set application_name = 'left-behind'`);
    await first.destroy();

    const loaded = pgliteInstancesLoaded();
    const second = await createTestDatabase();
    expect(pgliteInstancesLoaded(), "the instance was reused, not loaded again").toBe(loaded);
    expect((await one<{ n: number }>(second.db.execute(sql`select count(*)::int as n from journal_batches`))).n).toBe(0);
    expect(await listPartitions(second.db)).toEqual(freshPartitions);
    expect((await one<{ application_name: string }>(second.db.execute(sql`show application_name`))).application_name).not.toBe("left-behind");
    const heardBySecond: string[] = [];
    await second.listen("gk_pool_test", (payload) => heardBySecond.push(payload));
    await second.notify("gk_pool_test", "for the second test");
    await waitFor(() => heardBySecond.length === 1);
    expect(heardByFirst).toEqual([]);
    await second.destroy();
  });

  it("refuses every use of a database after its test closed it", async () => {
    const database = await createTestDatabase();
    await database.close();
    const error = (await database.db.execute(sql`select 1`).then(
      () => undefined,
      (failure: unknown) => failure,
    )) as (Error & { cause?: Error }) | undefined;
    expect(error?.cause?.message ?? error?.message).toMatch(/closed/);
    expect(await database.ping()).toBe(false);
    await database.destroy(); // a second release is harmless
  });

  it("never reuses an instance whose schema a test changed", async () => {
    const first = await createTestDatabase();
    await first.db.execute(sql`create table left_behind (x int)`);
    await first.db.execute(sql`alter table journal_batches add column extra int`);
    await first.destroy();
    const second = await createTestDatabase();
    expect((await one<{ t: string | null }>(second.db.execute(sql`select to_regclass('left_behind')::text as t`))).t).toBeNull();
    const columns = resultRows<{ name: string }>(await second.db.execute(sql`select column_name as name from information_schema.columns where table_name = 'journal_batches'`));
    expect(columns.map((c) => c.name)).not.toContain("extra");
    await second.destroy();
  });

  it("never reuses an instance a test left inside a transaction", async () => {
    const first = await createTestDatabase();
    await first.db.execute(sql`begin`);
    await first.db.execute(sql`insert into journal_batches (batch_id, applied_at, rows) values ('uncommitted', now(), 1)`);
    await first.destroy();
    const second = await createTestDatabase();
    await second.db.execute(sql`insert into journal_batches (batch_id, applied_at, rows) values ('second', now(), 1)`);
    // Were the second test inside the first one's transaction, a rollback would take its row away.
    await second.db.execute(sql`rollback`).catch(() => {});
    expect(resultRows<{ batch_id: string }>(await second.db.execute(sql`select batch_id from journal_batches`)).map((r) => r.batch_id)).toEqual(["second"]);
    await second.destroy();
  });
});

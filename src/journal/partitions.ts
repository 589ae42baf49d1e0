/**
 * Monthly partitions of the rejections journal (see drizzle/0001_partition_rejections.sql). One
 * partition per UTC month, named rejections_pYYYYMM; rows outside every monthly partition wait in
 * rejections_default. Creating a month whose rows already sit in DEFAULT moves them into the new
 * partition first (PostgreSQL refuses to attach a range the DEFAULT partition still holds rows of).
 * Works on PostgreSQL and PGlite alike. Called at start-up and hourly by the composition root.
 */
import { sql } from "drizzle-orm";
import type { Db, Executor } from "../db/client.ts";
import { resultRows } from "../db/rows.ts";

const PARENT = "rejections";
const DEFAULT_PARTITION = "rejections_default";
const LOCK_KEY = 7_712_010;
const NAME = /^rejections_p(\d{4})(\d{2})$/;

function monthStartUtc(year: number, month: number): Date {
  return new Date(Date.UTC(year, month, 1));
}

export function partitionName(monthStart: Date): string {
  return `${PARENT}_p${monthStart.getUTCFullYear()}${String(monthStart.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The [from, to) range of a partition from its name, or undefined for DEFAULT and strangers. */
export function partitionRange(name: string): { from: Date; to: Date } | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  return { from: monthStartUtc(year, month), to: monthStartUtc(year, month + 1) };
}

/** The journal's partitions (monthly and default), by name. */
export async function listPartitions(db: Executor): Promise<string[]> {
  const result = await db.execute(sql`
    select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent
     where p.relname = ${PARENT} order by c.relname`);
  return resultRows<{ name: string }>(result).map((r) => r.name);
}

const literal = (at: Date) => `'${at.toISOString()}'`;

/**
 * Makes sure the partitions for the month of `now` and the next `monthsAhead` months exist (and
 * the previous month, so a late spool replay just after midnight on the 1st lands in its own
 * month). Returns the partitions it created.
 */
export async function ensurePartitions(db: Db, now: Date, monthsAhead = 2): Promise<string[]> {
  const created: string[] = [];
  for (let offset = -1; offset <= monthsAhead; offset++) {
    const from = monthStartUtc(now.getUTCFullYear(), now.getUTCMonth() + offset);
    const to = monthStartUtc(from.getUTCFullYear(), from.getUTCMonth() + 1);
    const name = partitionName(from);
    const made = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY})`);
      if ((await listPartitions(tx)).includes(name)) return false;
      const [waiting] = resultRows<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from ${sql.identifier(DEFAULT_PARTITION)} where at >= ${from.toISOString()} and at < ${to.toISOString()}`),
      );
      const bounds = sql.raw(`FOR VALUES FROM (${literal(from)}) TO (${literal(to)})`);
      if (Number(waiting?.n ?? 0) === 0) {
        await tx.execute(sql`create table ${sql.identifier(name)} partition of ${sql.identifier(PARENT)} ${bounds}`);
      } else {
        // Rows of this month arrived before its partition: move them out of DEFAULT, then attach.
        await tx.execute(sql`create table ${sql.identifier(name)} (like ${sql.identifier(PARENT)} including defaults)`);
        await tx.execute(
          sql`with moved as (delete from ${sql.identifier(DEFAULT_PARTITION)} where at >= ${from.toISOString()} and at < ${to.toISOString()} returning *)
              insert into ${sql.identifier(name)} select * from moved`,
        );
        await tx.execute(sql`alter table ${sql.identifier(PARENT)} attach partition ${sql.identifier(name)} ${bounds}`);
      }
      return true;
    });
    if (made) created.push(name);
  }
  return created;
}

/**
 * Retention: drops every monthly partition that ends on or before now − retentionDays, and deletes
 * older rows still waiting in DEFAULT. Returns the partitions dropped.
 */
export async function dropExpiredPartitions(db: Db, now: Date, retentionDays: number): Promise<string[]> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600_000);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY})`);
    const dropped: string[] = [];
    for (const name of await listPartitions(tx)) {
      const range = partitionRange(name);
      if (!range || range.to > cutoff) continue;
      await tx.execute(sql`drop table ${sql.identifier(name)}`);
      dropped.push(name);
    }
    await tx.execute(sql`delete from ${sql.identifier(DEFAULT_PARTITION)} where at < ${cutoff.toISOString()}`);
    return dropped;
  });
}

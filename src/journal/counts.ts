/**
 * Counting refusals fast: whole China days come from `rejection_counts` (kept by a trigger on
 * `rejections`), and only the partial days at either end of a period are counted from journal rows.
 * The answer is exact for any period, and a month of a 10-million-row journal costs thousands of
 * counter rows plus at most two partial days of journal rows.
 */
import { and, gte, lt, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "../db/client.ts";
import { rejectionCounts, rejections } from "../db/schema/index.ts";
import { resultRows } from "../db/transaction.ts";
import { CHINA_OFFSET_MINUTES, localDate } from "../lib/dates.ts";

/** The dimensions both tables share, so one filter or grouping reads either. */
export interface JournalDimensions {
  reason: AnyPgColumn;
  monitor: AnyPgColumn;
  spId: AnyPgColumn;
  accountId: AnyPgColumn;
  portId: AnyPgColumn;
  signatureId: AnyPgColumn;
  enterpriseId: AnyPgColumn;
  remoteAddress: AnyPgColumn;
}

const rowDimensions: JournalDimensions = rejections;
const counterDimensions: JournalDimensions = rejectionCounts;

type Dimension = keyof JournalDimensions;
/** A grouping key: a dimension, or `day` (the China calendar day, YYYY-MM-DD). */
export type CountKey = Dimension | "day";

export interface CountQuery<K extends CountKey> {
  from?: Date;
  to?: Date;
  /** Conditions on the shared dimensions; called once per table. */
  where?: (d: JournalDimensions) => SQL | undefined;
  groupBy: readonly K[];
  /** `count desc` (largest groups first) or by the keys; the cap applies after ordering. */
  orderBy?: "count" | "keys";
  limit?: number;
}

export type CountRow<K extends CountKey> = { [P in K]: string | null } & { count: number };

const DAY_MS = 86_400_000;
const OFFSET_MS = CHINA_OFFSET_MINUTES * 60_000;
/** The instant a China calendar day (YYYY-MM-DD) begins. */
export const chinaDayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
// The offset is inlined (not a bound parameter) so GROUP BY matches the selected expression.
const ROW_DAY = sql.raw(`to_char(("rejections"."at" at time zone 'UTC') + interval '${CHINA_OFFSET_MINUTES} minutes', 'YYYY-MM-DD')`);
const COUNTER_DAY = sql`to_char(${rejectionCounts.day}, 'YYYY-MM-DD')`;

/**
 * The period split into whole days (counters) and the partial days around them (journal rows).
 * An open end reads every counter day on that side, the current partial day included (the trigger
 * counts rows as they are written).
 */
export function splitPeriod(from: Date | undefined, to: Date | undefined) {
  const firstDay = from ? (chinaDayStart(localDate(from)).getTime() === from.getTime() ? localDate(from) : nextDay(localDate(from))) : undefined;
  const endDay = to ? localDate(to) : undefined;
  if (firstDay && endDay && firstDay >= endDay) return { rows: [{ from, to }], days: undefined };
  const rows: { from?: Date; to?: Date }[] = [];
  if (from && firstDay) rows.push({ from, to: chinaDayStart(firstDay) });
  if (to && endDay && chinaDayStart(endDay).getTime() < to.getTime()) rows.push({ from: chinaDayStart(endDay), to });
  return { rows: rows.filter((r) => !r.from || !r.to || r.from < r.to), days: { first: firstDay, end: endDay } };
}

/** Refusal counts grouped by the given keys over any period, exactly as counting the journal would. */
export async function countJournal<K extends CountKey>(db: Executor, query: CountQuery<K>): Promise<CountRow<K>[]> {
  const { rows, days } = splitPeriod(query.from, query.to);
  const parts: SQL[] = [];
  const keysOf = (d: JournalDimensions, day: SQL) => query.groupBy.map((key, i) => sql`${key === "day" ? day : d[key as Dimension]}::text as ${sql.identifier(`k${i}`)}`);
  const groupList = sql.join(query.groupBy.map((_, i) => sql.raw(String(i + 1))), sql`, `);
  const selectKeys = (keys: SQL[]) => (keys.length ? sql`${sql.join(keys, sql`, `)}, ` : sql``);
  for (const range of rows) {
    const where = and(range.from ? gte(rejections.at, range.from) : undefined, range.to ? lt(rejections.at, range.to) : undefined, query.where?.(rowDimensions));
    parts.push(sql`select ${selectKeys(keysOf(rowDimensions, ROW_DAY))}count(*)::bigint as n from ${rejections} where ${where ?? sql`true`}${query.groupBy.length ? sql` group by ${groupList}` : sql``}`);
  }
  if (days) {
    const where = and(
      days.first ? gte(rejectionCounts.day, days.first) : undefined,
      days.end ? lt(rejectionCounts.day, days.end) : undefined,
      query.where?.(counterDimensions),
    );
    parts.push(sql`select ${selectKeys(keysOf(counterDimensions, COUNTER_DAY))}sum(${rejectionCounts.count})::bigint as n from ${rejectionCounts} where ${where ?? sql`true`}${query.groupBy.length ? sql` group by ${groupList}` : sql``}`);
  }
  const outerKeys = query.groupBy.map((_, i) => sql.identifier(`k${i}`));
  const order =
    query.orderBy === "count"
      ? sql`order by sum(n) desc${outerKeys.length ? sql`, ${sql.join(outerKeys, sql`, `)}` : sql``}`
      : outerKeys.length
        ? sql`order by ${sql.join(outerKeys, sql`, `)}`
        : sql``;
  const statement = sql`select ${outerKeys.length ? sql`${sql.join(outerKeys, sql`, `)}, ` : sql``}sum(n)::bigint as count
    from (${sql.join(parts, sql` union all `)}) as parts
    ${outerKeys.length ? sql`group by ${sql.join(outerKeys, sql`, `)}` : sql``}
    ${order}
    ${query.limit ? sql`limit ${query.limit}` : sql``}`;
  return resultRows<Record<string, unknown>>(await db.execute(statement)).map((row) => {
    const item: Record<string, unknown> = { count: Number(row.count ?? 0) };
    query.groupBy.forEach((key, i) => (item[key] = row[`k${i}`] ?? null));
    return item as CountRow<K>;
  });
}

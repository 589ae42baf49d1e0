/**
 * Counting refusals fast: whole China days come from `rejection_counts` (kept by a trigger on
 * `rejections`), and only the partial days at either end of a period are counted from journal rows
 * (the smaller side of each). The answer is exact for any period, and a month of a 10-million-row
 * journal costs thousands of counter rows plus at most two half days of journal rows.
 */
import { and, gte, lt, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "../db/client.ts";
import { rejectionCounts, rejections } from "../db/schema/index.ts";
import { resultRows } from "../db/rows.ts";
import { CHINA_OFFSET_MINUTES, chinaDayStart, localDate, nextDay } from "../lib/dates.ts";

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

// The offset is inlined (not a bound parameter) so GROUP BY matches the selected expression.
const ROW_DAY = sql.raw(`to_char(("rejections"."at" at time zone 'UTC') + interval '${CHINA_OFFSET_MINUTES} minutes', 'YYYY-MM-DD')`);
const COUNTER_DAY = sql`to_char(${rejectionCounts.day}, 'YYYY-MM-DD')`;

/** Journal rows in [from, to) added to (+1) or taken from (-1) the counters. */
export interface RowRange {
  from?: Date;
  to?: Date;
  sign: 1 | -1;
}

/**
 * The period as counter days [first, end) plus journal row ranges for the partial days at either
 * end. A partial day is read whichever way touches fewer rows: its part inside the period from the
 * journal, or the whole day's counter minus its part outside the period (time after `now` holds no
 * rows yet, so a period ending now costs nothing at that end). Open ends read every counter day on
 * that side (the trigger counts rows as they are written).
 */
export function splitPeriod(from: Date | undefined, to: Date | undefined, now = Date.now()) {
  const rows: RowRange[] = [];
  const cost = (a: Date, b: Date) => Math.max(0, Math.min(b.getTime(), now) - a.getTime());
  const range = (a: Date, b: Date, sign: 1 | -1) => {
    if (a < b) rows.push({ from: a, to: b, sign });
  };
  const headDay = from ? localDate(from) : undefined;
  const tailDay = to ? localDate(to) : undefined;
  const headAligned = !from || chinaDayStart(headDay!).getTime() === from.getTime();
  const tailAligned = !to || chinaDayStart(tailDay!).getTime() === to.getTime();
  if (from && to && headDay === tailDay && !tailAligned) {
    // Inside one day: the rows of [from, to), or the day's counter minus the rows around them.
    const start = chinaDayStart(headDay!);
    const end = chinaDayStart(nextDay(headDay!));
    if (cost(from, to) <= cost(start, from) + cost(to, end)) {
      range(from, to, 1);
      return { rows, days: undefined };
    }
    range(start, from, -1);
    range(to, end, -1);
    return { rows, days: { first: headDay, end: nextDay(headDay!) } };
  }
  let first = headDay;
  if (from && !headAligned) {
    const start = chinaDayStart(headDay!);
    const end = chinaDayStart(nextDay(headDay!));
    if (cost(from, end) <= cost(start, from)) {
      range(from, end, 1);
      first = nextDay(headDay!);
    } else range(start, from, -1);
  }
  let end = tailDay;
  if (to && !tailAligned) {
    const start = chinaDayStart(tailDay!);
    const dayEnd = chinaDayStart(nextDay(tailDay!));
    if (cost(start, to) <= cost(to, dayEnd)) range(start, to, 1);
    else {
      range(to, dayEnd, -1);
      end = nextDay(tailDay!);
    }
  }
  return { rows, days: first && end && first >= end ? undefined : { first, end } };
}

/** Refusal counts grouped by the given keys over any period, exactly as counting the journal would. */
export async function countJournal<K extends CountKey>(db: Executor, query: CountQuery<K>): Promise<CountRow<K>[]> {
  const nothing = (query.groupBy.length ? [] : [{ count: 0 }]) as CountRow<K>[];
  if (query.from && query.to && query.from >= query.to) return nothing;
  const { rows, days } = splitPeriod(query.from, query.to);
  const parts: SQL[] = [];
  const keysOf = (d: JournalDimensions, day: SQL) => query.groupBy.map((key, i) => sql`${key === "day" ? day : d[key as Dimension]}::text as ${sql.identifier(`k${i}`)}`);
  const groupList = sql.join(query.groupBy.map((_, i) => sql.raw(String(i + 1))), sql`, `);
  const selectKeys = (keys: SQL[]) => (keys.length ? sql`${sql.join(keys, sql`, `)}, ` : sql``);
  for (const range of rows) {
    const where = and(range.from ? gte(rejections.at, range.from) : undefined, range.to ? lt(rejections.at, range.to) : undefined, query.where?.(rowDimensions));
    parts.push(sql`select ${selectKeys(keysOf(rowDimensions, ROW_DAY))}${range.sign < 0 ? sql`-` : sql``}count(*)::bigint as n from ${rejections} where ${where ?? sql`true`}${query.groupBy.length ? sql` group by ${groupList}` : sql``}`);
  }
  if (days) {
    const where = and(
      days.first ? gte(rejectionCounts.day, days.first) : undefined,
      days.end ? lt(rejectionCounts.day, days.end) : undefined,
      query.where?.(counterDimensions),
    );
    parts.push(sql`select ${selectKeys(keysOf(counterDimensions, COUNTER_DAY))}sum(${rejectionCounts.count})::bigint as n from ${rejectionCounts} where ${where ?? sql`true`}${query.groupBy.length ? sql` group by ${groupList}` : sql``}`);
  }
  if (parts.length === 0) return nothing;
  const outerKeys = query.groupBy.map((_, i) => sql.identifier(`k${i}`));
  const order =
    query.orderBy === "count"
      ? sql`order by sum(n) desc${outerKeys.length ? sql`, ${sql.join(outerKeys, sql`, `)}` : sql``}`
      : outerKeys.length
        ? sql`order by ${sql.join(outerKeys, sql`, `)}`
        : sql``;
  const statement = sql`select ${outerKeys.length ? sql`${sql.join(outerKeys, sql`, `)}, ` : sql``}sum(n)::bigint as count
    from (${sql.join(parts, sql` union all `)}) as parts
    ${outerKeys.length ? sql`group by ${sql.join(outerKeys, sql`, `)} having sum(n) > 0` : sql``}
    ${order}
    ${query.limit ? sql`limit ${query.limit}` : sql``}`;
  return resultRows<Record<string, unknown>>(await db.execute(statement)).map((row) => {
    const item: Record<string, unknown> = { count: Number(row.count ?? 0) };
    query.groupBy.forEach((key, i) => (item[key] = row[`k${i}`] ?? null));
    return item as CountRow<K>;
  });
}

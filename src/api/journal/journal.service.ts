import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { rejectionCounts, rejections, trafficDaily } from "../../db/schema/index.ts";
import { spScope, type ServiceContext } from "../../context.ts";
import { countJournal, type JournalDimensions } from "../../journal/counts.ts";
import { chinaDayStart, localDate } from "../../lib/dates.ts";
import { ServiceError } from "../errors.ts";
import type { RejectionsFilter, TrafficFilter } from "./journal.schemas.ts";

/** Newest first; the cursor is "<epoch ms>:<id>" of the last row seen. */
export function parseRejectionCursor(cursor: string | undefined): { at: Date; id: number } | undefined {
  if (!cursor) return undefined;
  const match = /^(\d{1,15}):(\d{1,18})$/.exec(cursor);
  if (!match) throw new ServiceError("BAD_REQUEST", "cursor is not valid");
  return { at: new Date(Number(match[1])), id: Number(match[2]) };
}

/** The filters on the journal's dimensions (the actor's scope included), for rows or daily counters alike. */
function dimensionConditions(ctx: ServiceContext, filter: RejectionsFilter): (d: JournalDimensions) => SQL | undefined {
  const scope = spScope(ctx.actor);
  return (d) =>
    and(
      scope ? eq(d.spId, scope) : undefined,
      filter.spId ? eq(d.spId, filter.spId) : undefined,
      filter.portId ? eq(d.portId, filter.portId) : undefined,
      filter.signatureId ? eq(d.signatureId, filter.signatureId) : undefined,
      filter.enterpriseId ? eq(d.enterpriseId, filter.enterpriseId) : undefined,
      filter.reason ? eq(d.reason, filter.reason) : undefined,
      filter.monitor ? eq(d.monitor, filter.monitor === "true") : undefined,
    );
}

/**
 * Where a page of newest-first rows can start, read off the daily counters: the newest days that
 * certainly hold a full page (the day the range ends in is not counted, it may hold rows past the
 * end), or "none" when no day in the range holds a matching row. A narrow filter (one SP and a
 * reason it never had) then costs a few counter rows instead of a scan of everything the SP sent.
 */
async function pageWindow(ctx: ServiceContext, where: (d: JournalDimensions) => SQL | undefined, from: Date | undefined, end: Date | undefined, need: number) {
  const endDay = end ? localDate(end) : undefined;
  const days = await ctx.db
    .select({ day: rejectionCounts.day, n: sql<number>`sum(${rejectionCounts.count})::bigint` })
    .from(rejectionCounts)
    .where(and(from ? gte(rejectionCounts.day, localDate(from)) : undefined, endDay ? lte(rejectionCounts.day, endDay) : undefined, where(rejectionCounts)))
    .groupBy(rejectionCounts.day)
    .orderBy(desc(rejectionCounts.day));
  if (days.length === 0) return "none" as const;
  let seen = 0;
  for (const { day, n } of days) {
    if (day === endDay) continue;
    seen += Number(n);
    if (seen >= need) {
      const start = chinaDayStart(day);
      return !from || start > from ? start : from;
    }
  }
  return from;
}

export async function listRejections(ctx: ServiceContext, filter: RejectionsFilter, page: { limit: number; after?: { at: Date; id: number } }) {
  const where = dimensionConditions(ctx, filter);
  const from = filter.from ? new Date(filter.from) : undefined;
  const to = filter.to ? new Date(filter.to) : undefined;
  let start = from;
  if (where(rejections)) {
    const end = page.after && (!to || page.after.at < to) ? new Date(page.after.at.getTime() + 1) : to;
    const window = await pageWindow(ctx, where, from, end, page.limit + 1);
    if (window === "none") return { items: [], nextCursor: null };
    start = window;
  }
  const conditions: (SQL | undefined)[] = [
    where(rejections),
    start ? gte(rejections.at, start) : undefined,
    to ? lt(rejections.at, to) : undefined,
    page.after ? or(lt(rejections.at, page.after.at), and(eq(rejections.at, page.after.at), lt(rejections.id, page.after.id))) : undefined,
  ];
  const rows = await ctx.db
    .select({
      id: rejections.id,
      at: rejections.at,
      reason: rejections.reason,
      monitor: rejections.monitor,
      command: rejections.command,
      spId: rejections.spId,
      accountId: rejections.accountId,
      portId: rejections.portId,
      sourceAddr: rejections.sourceAddr,
      signatureId: rejections.signatureId,
      signatureText: rejections.signatureText,
      enterpriseId: rejections.enterpriseId,
      category: rejections.category,
      recipientMask: rejections.recipientMask,
      text: rejections.text,
    })
    .from(rejections)
    .where(and(...conditions))
    .orderBy(desc(rejections.at), desc(rejections.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last ? `${last.at.getTime()}:${last.id}` : null };
}

export const REJECTION_CSV_COLUMNS = [
  "at", "reason", "monitor", "command", "spId", "accountId", "portId", "sourceAddr",
  "signatureId", "signatureText", "enterpriseId", "category", "recipientMask", "text",
] as const satisfies (keyof Awaited<ReturnType<typeof listRejections>>["items"][number])[];

const EXPORT_MAX_ROWS = 10_000;

/** The CSV export: the same filter and SP scope as the list, up to 10,000 rows, newest first. */
export async function exportRejections(ctx: ServiceContext, filter: RejectionsFilter, after?: { at: Date; id: number }) {
  const rows: Awaited<ReturnType<typeof listRejections>>["items"] = [];
  let cursor = after;
  while (rows.length < EXPORT_MAX_ROWS) {
    const page = await listRejections(ctx, filter, { limit: Math.min(500, EXPORT_MAX_ROWS - rows.length), after: cursor });
    rows.push(...page.items);
    const last = page.items[page.items.length - 1];
    if (!page.nextCursor || !last) break;
    cursor = { at: last.at, id: last.id };
  }
  return rows;
}

/**
 * Refusal counts for the look-back charts, grouped by reason or by calendar day in China Standard
 * Time. Same scope and filters as the list; whole days are read from the daily counters.
 */
export async function countRejections(ctx: ServiceContext, filter: RejectionsFilter, by: "reason" | "day") {
  const rows = await countJournal(ctx.db, {
    from: filter.from ? new Date(filter.from) : undefined,
    to: filter.to ? new Date(filter.to) : undefined,
    where: dimensionConditions(ctx, filter),
    groupBy: [by],
    orderBy: by === "reason" ? "count" : "keys",
    limit: 1000,
  });
  return rows.map((row) => ({ key: String(row[by]), count: row.count }));
}

const groupColumns = {
  sp: trafficDaily.spId,
  port: trafficDaily.portId,
  signature: trafficDaily.signatureId,
  enterprise: trafficDaily.enterpriseId,
  category: trafficDaily.category,
} as const;

export async function trafficByDay(ctx: ServiceContext, filter: TrafficFilter) {
  const scope = spScope(ctx.actor);
  const key = groupColumns[filter.groupBy];
  const rows = await ctx.db
    .select({
      day: trafficDaily.day,
      key: sql<string>`${key}::text`,
      accepted: sql<number>`sum(${trafficDaily.accepted})::int`,
      refused: sql<number>`sum(${trafficDaily.refused})::int`,
    })
    .from(trafficDaily)
    .where(
      and(
        scope ? eq(trafficDaily.spId, scope) : undefined,
        filter.from ? gte(trafficDaily.day, filter.from) : undefined,
        filter.to ? lte(trafficDaily.day, filter.to) : undefined,
        filter.spId ? eq(trafficDaily.spId, filter.spId) : undefined,
        filter.portId ? eq(trafficDaily.portId, filter.portId) : undefined,
        filter.signatureId ? eq(trafficDaily.signatureId, filter.signatureId) : undefined,
        filter.enterpriseId ? eq(trafficDaily.enterpriseId, filter.enterpriseId) : undefined,
      ),
    )
    .groupBy(trafficDaily.day, key)
    .orderBy(trafficDaily.day, key)
    .limit(10_000);
  return rows.map((r) => ({ ...r, accepted: Number(r.accepted), refused: Number(r.refused) }));
}

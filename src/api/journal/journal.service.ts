import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { rejections, trafficDaily } from "../../db/schema/index.ts";
import { spScope, type ServiceContext } from "../../context.ts";
import { countJournal } from "../../journal/counts.ts";
import { ServiceError } from "../errors.ts";
import type { RejectionsFilter, TrafficFilter } from "./journal.schemas.ts";

/** Newest first; the cursor is "<epoch ms>:<id>" of the last row seen. */
export function parseRejectionCursor(cursor: string | undefined): { at: Date; id: number } | undefined {
  if (!cursor) return undefined;
  const match = /^(\d{1,15}):(\d{1,18})$/.exec(cursor);
  if (!match) throw new ServiceError("BAD_REQUEST", "cursor is not valid");
  return { at: new Date(Number(match[1])), id: Number(match[2]) };
}

/** The WHERE clause shared by the rejection list and counts: the actor's scope plus the filters. */
function rejectionConditions(ctx: ServiceContext, filter: RejectionsFilter): (SQL | undefined)[] {
  const scope = spScope(ctx.actor);
  return [
    scope ? eq(rejections.spId, scope) : undefined,
    filter.from ? gte(rejections.at, new Date(filter.from)) : undefined,
    filter.to ? lt(rejections.at, new Date(filter.to)) : undefined,
    filter.spId ? eq(rejections.spId, filter.spId) : undefined,
    filter.portId ? eq(rejections.portId, filter.portId) : undefined,
    filter.signatureId ? eq(rejections.signatureId, filter.signatureId) : undefined,
    filter.enterpriseId ? eq(rejections.enterpriseId, filter.enterpriseId) : undefined,
    filter.reason ? eq(rejections.reason, filter.reason) : undefined,
    filter.monitor ? eq(rejections.monitor, filter.monitor === "true") : undefined,
  ];
}

export async function listRejections(ctx: ServiceContext, filter: RejectionsFilter, page: { limit: number; after?: { at: Date; id: number } }) {
  const conditions: (SQL | undefined)[] = [
    ...rejectionConditions(ctx, filter),
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
  const scope = spScope(ctx.actor);
  const rows = await countJournal(ctx.db, {
    from: filter.from ? new Date(filter.from) : undefined,
    to: filter.to ? new Date(filter.to) : undefined,
    where: (d) =>
      and(
        scope ? eq(d.spId, scope) : undefined,
        filter.spId ? eq(d.spId, filter.spId) : undefined,
        filter.portId ? eq(d.portId, filter.portId) : undefined,
        filter.signatureId ? eq(d.signatureId, filter.signatureId) : undefined,
        filter.enterpriseId ? eq(d.enterpriseId, filter.enterpriseId) : undefined,
        filter.reason ? eq(d.reason, filter.reason) : undefined,
        filter.monitor ? eq(d.monitor, filter.monitor === "true") : undefined,
      ),
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

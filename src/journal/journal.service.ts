import { and, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { bindAccounts, contracts, enterprises, ports, rejectionCounts, rejections, signatures, trafficDaily } from "../db/schema/index.ts";
import { spScope, type ServiceContext } from "../context.ts";
import { countJournal, type JournalDimensions } from "./counts.ts";
import { chinaDayStart, localDate } from "../lib/dates.ts";
import { ServiceError } from "../lib/errors.ts";
import type { RejectionsFilter, TrafficFilter } from "./journal.schemas.ts";

/** Newest first; the cursor is "<epoch ms>:<id>" of the last row seen. */
export function parseRejectionCursor(cursor: string | undefined): { at: Date; id: number } | undefined {
  if (!cursor) return undefined;
  const match = /^(\d{1,15}):(\d{1,18})$/.exec(cursor);
  if (!match) throw new ServiceError("BAD_REQUEST", "cursor is not valid");
  return { at: new Date(Number(match[1])), id: Number(match[2]) };
}

/**
 * What an SP may see of its refusals is what the wire told it, no more (README "The admin API"):
 * - `port_not_owned` reads as `port_unknown` (both are ESME_RINVSRCADR on the wire, on purpose: an SP
 *   does not learn whether a number it does not own exists), in rows, filters and counts;
 * - ids of other SPs' objects are blanked: a port it does not own, a signature it did not file, an
 *   enterprise it neither filed nor has (or had) a contract with. Its own text (signature text,
 *   source address) stays: it sent it.
 * A filter on such an id matches nothing for it, so ids cannot be probed through filters either.
 */
const HIDDEN_FROM_SP: Partial<Record<string, string>> = { port_not_owned: "port_unknown" };
const SHOWN_TO_SP_AS: Record<string, string[]> = { port_unknown: ["port_unknown", "port_not_owned"] };

export function reasonAsSpSees(reason: string): string {
  return HIDDEN_FROM_SP[reason] ?? reason;
}

const ownPort = (spId: string, id: string) => sql`exists (select 1 from ${ports} where ${ports.id} = ${id} and ${ports.spId} = ${spId})`;
const ownSignature = (spId: string, id: string) => sql`exists (select 1 from ${signatures} where ${signatures.id} = ${id} and ${signatures.spId} = ${spId})`;
const knownEnterprise = (spId: string, id: string) =>
  sql`(exists (select 1 from ${enterprises} where ${enterprises.id} = ${id} and ${enterprises.filedBySpId} = ${spId})
    or exists (select 1 from ${contracts} where ${contracts.enterpriseId} = ${id} and ${contracts.spId} = ${spId} and ${contracts.status} in ('active', 'terminated')))`;

/** The filters on the journal's dimensions (the actor's scope included), for rows or daily counters alike. */
function dimensionConditions(ctx: ServiceContext, filter: RejectionsFilter): (d: JournalDimensions) => SQL | undefined {
  const scope = spScope(ctx.actor);
  const reasons = filter.reason ? (scope ? (HIDDEN_FROM_SP[filter.reason] ? [] : (SHOWN_TO_SP_AS[filter.reason] ?? [filter.reason])) : [filter.reason]) : undefined;
  return (d) =>
    and(
      scope ? eq(d.spId, scope) : undefined,
      filter.spId ? eq(d.spId, filter.spId) : undefined,
      filter.portId ? and(eq(d.portId, filter.portId), scope ? ownPort(scope, filter.portId) : undefined) : undefined,
      filter.signatureId ? and(eq(d.signatureId, filter.signatureId), scope ? ownSignature(scope, filter.signatureId) : undefined) : undefined,
      filter.enterpriseId ? and(eq(d.enterpriseId, filter.enterpriseId), scope ? knownEnterprise(scope, filter.enterpriseId) : undefined) : undefined,
      reasons ? (reasons.length === 0 ? sql`false` : reasons.length === 1 ? eq(d.reason, reasons[0]!) : inArray(d.reason, reasons)) : undefined,
      filter.monitor ? eq(d.monitor, filter.monitor === "true") : undefined,
    );
}

/** Of these ids, the ones an SP may see (its own ports and signatures, enterprises it filed or contracted). */
async function visibleToSp(ctx: ServiceContext, spId: string, ids: { ports: string[]; signatures: string[]; enterprises: string[]; accounts: string[] }) {
  const unique = (list: string[]) => [...new Set(list)];
  const [ownPorts, ownSignatures, filed, contracted, ownAccounts] = await Promise.all([
    ids.ports.length ? ctx.db.select({ id: ports.id }).from(ports).where(and(inArray(ports.id, unique(ids.ports)), eq(ports.spId, spId))) : [],
    ids.signatures.length
      ? ctx.db.select({ id: signatures.id }).from(signatures).where(and(inArray(signatures.id, unique(ids.signatures)), eq(signatures.spId, spId)))
      : [],
    ids.enterprises.length
      ? ctx.db.select({ id: enterprises.id }).from(enterprises).where(and(inArray(enterprises.id, unique(ids.enterprises)), eq(enterprises.filedBySpId, spId)))
      : [],
    ids.enterprises.length
      ? ctx.db
          .select({ id: contracts.enterpriseId })
          .from(contracts)
          .where(and(inArray(contracts.enterpriseId, unique(ids.enterprises)), eq(contracts.spId, spId), inArray(contracts.status, ["active", "terminated"])))
      : [],
    ids.accounts.length ? ctx.db.select({ id: bindAccounts.id }).from(bindAccounts).where(and(inArray(bindAccounts.id, unique(ids.accounts)), eq(bindAccounts.spId, spId))) : [],
  ]);
  return {
    ports: new Set(ownPorts.map((r) => r.id)),
    signatures: new Set(ownSignatures.map((r) => r.id)),
    enterprises: new Set([...filed, ...contracted].map((r) => r.id)),
    accounts: new Set(ownAccounts.map((r) => r.id)),
  };
}

/** An SP's view of its refusal rows (see HIDDEN_FROM_SP above); others see them as stored. */
async function asSpSees<T extends { reason: string; portId: string | null; signatureId: string | null; enterpriseId: string | null; accountId?: string | null }>(
  ctx: ServiceContext,
  rows: T[],
): Promise<T[]> {
  const scope = spScope(ctx.actor);
  if (!scope || rows.length === 0) return rows;
  const present = (list: (string | null)[]) => list.filter((id): id is string => id !== null);
  const visible = await visibleToSp(ctx, scope, {
    ports: present(rows.map((r) => r.portId)),
    signatures: present(rows.map((r) => r.signatureId)),
    enterprises: present(rows.map((r) => r.enterpriseId)),
    accounts: present(rows.map((r) => r.accountId ?? null)),
  });
  return rows.map((row) => ({
    ...row,
    reason: reasonAsSpSees(row.reason),
    portId: row.portId && visible.ports.has(row.portId) ? row.portId : null,
    signatureId: row.signatureId && visible.signatures.has(row.signatureId) ? row.signatureId : null,
    enterpriseId: row.enterpriseId && visible.enterprises.has(row.enterpriseId) ? row.enterpriseId : null,
    // A row a gateway bind carried: the gateway's account is not the SP's to see.
    ...(row.accountId && !visible.accounts.has(row.accountId) ? { accountId: null } : {}),
  }));
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
  const items = await asSpSees(ctx, rows.slice(0, page.limit));
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
  const counted = rows.map((row) => ({ key: String(row[by]), count: row.count }));
  if (by !== "reason" || !spScope(ctx.actor)) return counted;
  // An SP's counts merge what it may not tell apart (port_not_owned into port_unknown).
  const merged = new Map<string, number>();
  for (const row of counted) merged.set(reasonAsSpSees(row.key), (merged.get(reasonAsSpSees(row.key)) ?? 0) + row.count);
  return [...merged].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count);
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
        filter.portId ? and(eq(trafficDaily.portId, filter.portId), scope ? ownPort(scope, filter.portId) : undefined) : undefined,
        filter.signatureId ? and(eq(trafficDaily.signatureId, filter.signatureId), scope ? ownSignature(scope, filter.signatureId) : undefined) : undefined,
        filter.enterpriseId ? and(eq(trafficDaily.enterpriseId, filter.enterpriseId), scope ? knownEnterprise(scope, filter.enterpriseId) : undefined) : undefined,
      ),
    )
    .groupBy(trafficDaily.day, key)
    .orderBy(trafficDaily.day, key)
    .limit(10_000);
  const counted = rows.map((r) => ({ ...r, accepted: Number(r.accepted), refused: Number(r.refused) }));
  if (!scope || !["port", "signature", "enterprise"].includes(filter.groupBy)) return counted;
  // Another SP's port, signature or enterprise (refused traffic that named it) is counted under "other".
  const keys = counted.map((r) => r.key).filter((key) => key && key !== "null");
  const visible = await visibleToSp(ctx, scope, {
    ports: filter.groupBy === "port" ? keys : [],
    signatures: filter.groupBy === "signature" ? keys : [],
    enterprises: filter.groupBy === "enterprise" ? keys : [],
    accounts: [],
  });
  const shown = filter.groupBy === "port" ? visible.ports : filter.groupBy === "signature" ? visible.signatures : visible.enterprises;
  const merged = new Map<string, { day: string; key: string; accepted: number; refused: number }>();
  for (const row of counted) {
    const key = row.key && shown.has(row.key) ? row.key : row.key === null || row.key === "null" ? row.key : "other";
    const at = `${row.day}|${key}`;
    const into = merged.get(at);
    if (into) {
      into.accepted += row.accepted;
      into.refused += row.refused;
    } else merged.set(at, { ...row, key });
  }
  return [...merged.values()];
}

/** Shared building blocks for finding detectors: scope conditions, daily series and redacted samples. */
import { and, desc, eq, gte, inArray, like, lt, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "../../db/client.ts";
import { ports, rejections, signaturePorts } from "../../db/schema/index.ts";
import { escapeLike } from "../../db/errors.ts";
import { redactText } from "../../lib/pii.ts";
import type { Evidence, JournalSample, ReviewScope, Severity } from "../types.ts";

/** Ports inside the scope's prefix, as a subquery condition on `portColumn`. */
export function portInScope(portColumn: AnyPgColumn, scope: ReviewScope): SQL | undefined {
  if (!scope.portPrefix) return undefined;
  return sql`${portColumn} in (select ${ports.id} from ${ports} where ${like(ports.number, `${escapeLike(scope.portPrefix)}%`)})`;
}

/** A signature is in scope when filed by the scoped SP and (with a prefix) bound to a port under it. */
export function signatureInScope(signatureId: AnyPgColumn, signatureSp: AnyPgColumn, scope: ReviewScope): SQL | undefined {
  return and(
    scope.spId ? sql`${signatureSp} = ${scope.spId}` : undefined,
    scope.portPrefix
      ? sql`exists (select 1 from ${signaturePorts} join ${ports} on ${ports.id} = ${signaturePorts.portId} where ${signaturePorts.signatureId} = ${signatureId} and ${like(ports.number, `${escapeLike(scope.portPrefix)}%`)})`
      : undefined,
  );
}

/** Journal rows in the review's period and scope (enforced and monitored refusals alike). */
export function journalInScope(scope: ReviewScope, ...more: (SQL | undefined)[]): SQL {
  return and(
    gte(rejections.at, scope.from),
    lt(rejections.at, scope.to),
    scope.spId ? eq(rejections.spId, scope.spId) : undefined,
    portInScope(rejections.portId, scope),
    ...more,
  )!;
}

export function reasonIn(codes: readonly string[]): SQL {
  return inArray(rejections.reason, [...codes]);
}

const CHINA_DAY = sql<string>`to_char((${rejections.at} at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD')`;

/** Refusals per China calendar day, oldest first, for the last 92 days with any. */
export async function journalSeries(db: Executor, where: SQL): Promise<{ day: string; count: number }[]> {
  const rows = await db
    .select({ day: CHINA_DAY, count: sql<number>`count(*)::int` })
    .from(rejections)
    .where(where)
    .groupBy(CHINA_DAY)
    .orderBy(desc(CHINA_DAY))
    .limit(92);
  return rows.map((r) => ({ day: String(r.day), count: Number(r.count) })).reverse();
}

/** Up to five journal rows, newest first, with the text redacted again (full capture may be on). */
export async function journalSamples(db: Executor, where: SQL, limit = 5): Promise<JournalSample[]> {
  const rows = await db
    .select({
      at: rejections.at,
      reason: rejections.reason,
      sourceAddr: rejections.sourceAddr,
      signatureText: rejections.signatureText,
      recipientMask: rejections.recipientMask,
      text: rejections.text,
    })
    .from(rejections)
    .where(where)
    .orderBy(desc(rejections.at), desc(rejections.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, at: r.at.toISOString(), text: r.text === null ? null : redactText(r.text) }));
}

/** Counts by reason, series and samples for one subject's refusals. */
export async function journalEvidence(db: Executor, where: SQL): Promise<Evidence> {
  const byReason = await db
    .select({ reason: rejections.reason, n: sql<number>`count(*)::int` })
    .from(rejections)
    .where(where)
    .groupBy(rejections.reason);
  const counts: Record<string, number> = { total: 0 };
  for (const row of byReason) {
    counts[row.reason] = Number(row.n);
    counts.total! += Number(row.n);
  }
  return { counts, series: await journalSeries(db, where), samples: await journalSamples(db, where) };
}

/** A simple volume ladder shared by refusal-based findings. */
export function severityByCount(count: number): Severity {
  if (count >= 100) return "high";
  if (count >= 20) return "medium";
  return "low";
}

export const DAY_MS = 24 * 3600_000;

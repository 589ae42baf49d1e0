/**
 * Shared building blocks for finding detectors: scope conditions, counts (whole days from the daily
 * counters, see src/journal/counts.ts), daily series and redacted samples.
 */
import { and, eq, gte, like, lt, lte, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "../../db/client.ts";
import { ports, rejections, signaturePorts, trafficDaily } from "../../db/schema/index.ts";
import { escapeLike } from "../../db/errors.ts";
import { resultRows } from "../../db/rows.ts";
import { countJournal, type CountKey, type JournalDimensions } from "../../journal/counts.ts";
import { redactText } from "../../lib/pii.ts";
import { localDate } from "../../lib/dates.ts";
import type { Evidence, ReviewScope, Severity } from "../types.ts";

/** Ports inside the scope's prefix, as a subquery condition on `portColumn`. */
export function portInScope(portColumn: AnyPgColumn, scope: ReviewScope): SQL | undefined {
  if (!scope.portPrefix) return undefined;
  return sql`${portColumn} in (select ${ports.id} from ${ports} where ${like(ports.number, `${escapeLike(scope.portPrefix)}%`)})`;
}

/** The scope's days in China time: the first and the last calendar day its [from, to) covers. */
export function scopeDays(scope: ReviewScope): { first: string; last: string } {
  return { first: localDate(scope.from), last: localDate(new Date(scope.to.getTime() - 1)) };
}

/** Daily traffic rows inside the scope: its days, its SP, its port prefix. */
export function trafficInScope(scope: ReviewScope): SQL | undefined {
  const { first, last } = scopeDays(scope);
  return and(
    gte(trafficDaily.day, first),
    lte(trafficDaily.day, last),
    scope.spId ? eq(trafficDaily.spId, scope.spId) : undefined,
    portInScope(trafficDaily.portId, scope),
  );
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

/** Conditions on the journal's dimensions for the review's scope (the period is applied separately). */
export function journalScope(scope: ReviewScope, more?: (d: JournalDimensions) => SQL | undefined): (d: JournalDimensions) => SQL | undefined {
  return (d) => and(scope.spId ? eq(d.spId, scope.spId) : undefined, portInScope(d.portId, scope), more?.(d));
}

/** Refusal counts in the review's period and scope, grouped by the keys (whole days from the counters). */
export function countInScope<K extends CountKey>(db: Executor, scope: ReviewScope, where: (d: JournalDimensions) => SQL | undefined, groupBy: readonly K[]) {
  return countJournal(db, { from: scope.from, to: scope.to, where, groupBy });
}

/** Journal subjects a finding can be about; each has an index leading with it. */
type SubjectDimension = "portId" | "signatureId" | "accountId";

/**
 * Evidence for many subjects at once (counts by reason, a per-day series of the last 92 days with
 * any, and up to five redacted samples each): a few queries per detector instead of three per subject.
 */
export async function journalEvidenceFor(
  db: Executor,
  scope: ReviewScope,
  where: (d: JournalDimensions) => SQL | undefined,
  subject: SubjectDimension,
  ids: readonly string[],
): Promise<Map<string, Evidence>> {
  const out = new Map<string, Evidence>();
  if (ids.length === 0) return out;
  const idList = sql`string_to_array(${ids.join(",")}, ',')::uuid[]`;
  const scoped = (d: JournalDimensions) => and(where(d), sql`${d[subject]} = any(${idList})`);
  const [byReason, byDay] = await Promise.all([countInScope(db, scope, scoped, [subject, "reason"]), countInScope(db, scope, scoped, [subject, "day"])]);
  const evidenceOf = (id: string) => {
    let evidence = out.get(id);
    if (!evidence) out.set(id, (evidence = { counts: { total: 0 }, series: [], samples: [] }));
    return evidence;
  };
  for (const row of byReason) {
    const evidence = evidenceOf(row[subject]!);
    evidence.counts[row.reason!] = row.count;
    evidence.counts.total! += row.count;
  }
  for (const row of byDay) evidenceOf(row[subject]!).series!.push({ day: row.day!, count: row.count });
  for (const evidence of out.values()) evidence.series = evidence.series!.sort((a, b) => a.day.localeCompare(b.day)).slice(-92);
  // The newest rows per subject, each an index scan on (subject, at) stopped after five.
  const column = rejections[subject];
  const samples = resultRows<{ subject: string; at: string | Date; reason: string; sp_id: string | null; source_addr: string | null; signature_text: string | null; recipient_mask: string | null; text: string | null }>(
    await db.execute(sql`
      select s.id::text as subject, r.* from unnest(${idList}) as s(id)
      cross join lateral (
        select ${rejections.at} as at, ${rejections.reason} as reason, ${rejections.spId}::text as sp_id, ${rejections.sourceAddr} as source_addr, ${rejections.signatureText} as signature_text,
          ${rejections.recipientMask} as recipient_mask, ${rejections.text} as text
        from ${rejections}
        where ${column} = s.id and ${and(gte(rejections.at, scope.from), lt(rejections.at, scope.to), where(rejections))}
        order by ${rejections.at} desc, ${rejections.id} desc
        limit 5
      ) as r`),
  );
  for (const row of samples) {
    evidenceOf(row.subject).samples!.push({
      at: new Date(row.at).toISOString(),
      reason: row.reason,
      spId: row.sp_id,
      sourceAddr: row.source_addr,
      signatureText: row.signature_text,
      recipientMask: row.recipient_mask,
      text: row.text === null ? null : redactText(row.text),
    });
  }
  return out;
}

/** A simple volume ladder shared by refusal-based findings. */
export function severityByCount(count: number): Severity {
  if (count >= 100) return "high";
  if (count >= 20) return "medium";
  return "low";
}

export const DAY_MS = 24 * 3600_000;

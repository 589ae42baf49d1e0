import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { signatures, trafficDaily } from "../../db/schema/index.ts";
import { chinaDate } from "../../enterprises/enterprise-scope.ts";
import type { FindingDetector, FindingDraft } from "../types.ts";
import { DAY_MS, journalEvidenceFor, journalScope } from "./evidence.ts";

/** Messages a signature must have sent on each side before a change of family counts. */
const MIN_BEFORE = 20;
const MIN_LAST_DAY = 10;

/**
 * template_drift: a signature that is NOT template-only and whose texts changed family sharply —
 * bank codes yesterday, loan ads today. The family is the category the gatekeeper judged
 * (verification / notification / marketing) from the per-day traffic counters: the period's last
 * day against the days before it. It is drift when one category held at least 80% before and a
 * different one holds at least half of the last day. Samples are the signature's journaled texts
 * of the last day (refusals and monitored refusals; accepted texts are not kept). The remedy it
 * points to is templateRequired for that signature.
 */
export const templateDrift: FindingDetector = {
  types: ["template_drift"],
  async detect({ db, scope }) {
    const lastDay = chinaDate(new Date(scope.to.getTime() - 1));
    const firstDay = chinaDate(scope.from);
    if (firstDay >= lastDay) return [];
    const rows = await db
      .select({
        signatureId: trafficDaily.signatureId,
        spId: trafficDaily.spId,
        day: trafficDaily.day,
        category: trafficDaily.category,
        count: sql<number>`sum(${trafficDaily.accepted} + ${trafficDaily.refused})::int`,
      })
      .from(trafficDaily)
      .innerJoin(signatures, eq(signatures.id, trafficDaily.signatureId))
      .where(and(gte(trafficDaily.day, firstDay), lt(trafficDaily.day, chinaDate(new Date(scope.to.getTime() + DAY_MS - 1))), eq(signatures.templateRequired, false), scope.spId ? eq(trafficDaily.spId, scope.spId) : undefined))
      .groupBy(trafficDaily.signatureId, trafficDaily.spId, trafficDaily.day, trafficDaily.category);
    const mix = new Map<string, { spId: string; before: Map<string, number>; last: Map<string, number> }>();
    for (const row of rows) {
      const entry = mix.get(row.signatureId) ?? { spId: row.spId, before: new Map(), last: new Map() };
      const side = row.day === lastDay ? entry.last : entry.before;
      side.set(row.category, (side.get(row.category) ?? 0) + Number(row.count));
      mix.set(row.signatureId, entry);
    }
    const drifted: { signatureId: string; spId: string; from: string; to: string; before: Record<string, number>; lastDay: Record<string, number> }[] = [];
    for (const [signatureId, { spId, before, last }] of mix) {
      const was = dominant(before);
      const now = dominant(last);
      if (!was || !now || was.category === now.category) continue;
      if (was.total < MIN_BEFORE || was.share < 0.8 || now.total < MIN_LAST_DAY || now.share < 0.5) continue;
      drifted.push({ signatureId, spId, from: was.category, to: now.category, before: Object.fromEntries(before), lastDay: Object.fromEntries(last) });
    }
    if (drifted.length === 0) return [];
    const labels = new Map((await db.select({ id: signatures.id, text: signatures.text }).from(signatures).where(inArray(signatures.id, drifted.map((d) => d.signatureId)))).map((s) => [s.id, s.text]));
    const lastScope = { ...scope, from: new Date(Math.max(scope.from.getTime(), scope.to.getTime() - DAY_MS)) };
    const evidence = await journalEvidenceFor(db, lastScope, journalScope(lastScope), "signatureId", drifted.map((d) => d.signatureId));
    return drifted.map(
      (d): FindingDraft => ({
        type: "template_drift",
        severity: d.to === "marketing" ? "high" : "medium",
        subjectType: "signature",
        subjectId: d.signatureId,
        subjectLabel: labels.has(d.signatureId) ? `【${labels.get(d.signatureId)}】` : null,
        spId: d.spId,
        evidence: { counts: { ...d.lastDay }, samples: evidence.get(d.signatureId)?.samples ?? [], from: d.from, to: d.to, before: d.before, lastDay: d.lastDay },
        recommendedAction: "rectify",
      }),
    );
  },
};

function dominant(counts: Map<string, number>): { category: string; share: number; total: number } | undefined {
  let total = 0;
  let best: [string, number] | undefined;
  for (const [category, count] of counts) {
    total += count;
    if (!best || count > best[1]) best = [category, count];
  }
  return best && total > 0 ? { category: best[0], share: best[1] / total, total } : undefined;
}

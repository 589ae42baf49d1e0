import { and, gte, isNotNull, lt, sql } from "drizzle-orm";
import { honeypotHits, signatures } from "../../db/schema/index.ts";
import type { FindingDetector } from "../types.ts";
import { portInScope } from "./evidence.ts";

/**
 * Signatures that sent marketing to honeypot numbers in the review's period (the same finding the
 * continuous review raises within a second of a hit, src/honeypots/honeypot-hits.ts, here for a
 * campaign's period and scope). No spId: an SP never sees it (reviews show an SP only its own
 * findings), so it cannot learn which of its recipients was a trap; the sending SP is in the evidence.
 */
export const honeypotHitsInPeriod: FindingDetector = {
  types: ["honeypot_hit"],
  async detect({ db, scope }) {
    const rows = await db
      .select({
        signatureId: honeypotHits.signatureId,
        signatureText: sql<string | null>`max(${honeypotHits.signatureText})`,
        hits: sql<number>`count(*)::int`,
        honeypots: sql<number>`count(distinct ${honeypotHits.honeypotHash})::int`,
        spIds: sql<string[]>`array_remove(array_agg(distinct ${honeypotHits.spId}::text), null)`,
        portIds: sql<string[]>`array_remove(array_agg(distinct ${honeypotHits.portId}::text), null)`,
        sourceAddrs: sql<string[]>`array_remove(array_agg(distinct ${honeypotHits.sourceAddr}), null)`,
        enterpriseIds: sql<string[]>`array_remove(array_agg(distinct ${honeypotHits.enterpriseId}::text), null)`,
        refused: sql<number>`count(*) filter (where ${honeypotHits.refused})::int`,
      })
      .from(honeypotHits)
      .where(
        and(
          isNotNull(honeypotHits.signatureId),
          gte(honeypotHits.at, scope.from),
          lt(honeypotHits.at, scope.to),
          scope.spId ? sql`${honeypotHits.spId} = ${scope.spId}` : undefined,
          portInScope(honeypotHits.portId, scope),
        ),
      )
      .groupBy(honeypotHits.signatureId);
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.signatureId!);
    const texts = new Map(
      (await db.select({ id: signatures.id, text: signatures.text }).from(signatures).where(sql`${signatures.id} = any(string_to_array(${ids.join(",")}, ',')::uuid[])`)).map((s) => [s.id, s.text]),
    );
    return rows.map((row) => ({
      type: "honeypot_hit",
      severity: row.hits >= 3 ? ("high" as const) : ("medium" as const),
      subjectType: "signature" as const,
      subjectId: row.signatureId!,
      subjectLabel: texts.get(row.signatureId!) ?? row.signatureText,
      spId: null,
      recommendedAction: "suspend" as const,
      evidence: {
        counts: { hits: row.hits, honeypots: row.honeypots, refusedByOtherRules: row.refused },
        sendingSpIds: row.spIds,
        portIds: row.portIds,
        sourceAddrs: row.sourceAddrs,
        enterpriseIds: row.enterpriseIds,
      },
    }));
  },
};

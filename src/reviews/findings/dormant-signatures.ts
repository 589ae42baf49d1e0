import { and, eq, gt, lt, sql } from "drizzle-orm";
import { signatures, trafficDaily } from "../../db/schema/index.ts";
import { localDate } from "../../lib/dates.ts";
import type { FindingDetector } from "../types.ts";
import { DAY_MS, signatureInScope } from "./evidence.ts";

/**
 * Approved signatures with no accepted traffic for `dormantDays` (counted back from the end of the
 * period), approved at least that long ago: idle registrations are what gets sublet.
 */
export const dormantSignatures: FindingDetector = {
  types: ["dormant_signature"],
  async detect({ db, scope, settings }) {
    const since = new Date(scope.to.getTime() - settings.dormantDays * DAY_MS);
    const lastAccepted = sql<string | null>`(select max(${trafficDaily.day})::text from ${trafficDaily} where ${trafficDaily.signatureId} = ${signatures.id} and ${trafficDaily.accepted} > 0)`;
    const rows = await db
      .select({ id: signatures.id, text: signatures.text, spId: signatures.spId, approvedAt: signatures.approvedAt, lastAccepted })
      .from(signatures)
      .where(
        and(
          eq(signatures.status, "approved"),
          lt(signatures.approvedAt, since),
          signatureInScope(signatures.id, signatures.spId, scope),
          sql`not exists (select 1 from ${trafficDaily} where ${trafficDaily.signatureId} = ${signatures.id} and ${gt(trafficDaily.accepted, 0)} and ${trafficDaily.day} >= ${localDate(since)})`,
        ),
      );
    return rows.map((row) => ({
      type: "dormant_signature",
      severity: "low" as const,
      subjectType: "signature" as const,
      subjectId: row.id,
      subjectLabel: `【${row.text}】`,
      spId: row.spId,
      evidence: { counts: { acceptedSince: 0, dormantDays: settings.dormantDays }, lastAcceptedDay: row.lastAccepted, approvedAt: row.approvedAt?.toISOString() ?? null },
      recommendedAction: "revoke" as const,
    }));
  },
};

import { and, eq, isNotNull, lte } from "drizzle-orm";
import { signatures } from "../../db/schema/index.ts";
import { localDate } from "../../lib/dates.ts";
import type { FindingDetector } from "../types.ts";
import { DAY_MS, signatureInScope } from "./evidence.ts";

/** Approved signatures whose evidence (licence, trademark …) has expired, or expires within 30 days. */
export const evidenceExpiry: FindingDetector = {
  types: ["evidence_expired", "evidence_expiring"],
  async detect({ db, scope, now }) {
    const today = localDate(now);
    const horizon = localDate(new Date(now.getTime() + 30 * DAY_MS));
    const rows = await db
      .select()
      .from(signatures)
      .where(and(eq(signatures.status, "approved"), isNotNull(signatures.evidenceExpiresOn), lte(signatures.evidenceExpiresOn, horizon), signatureInScope(signatures.id, signatures.spId, scope)));
    return rows.map((row) => {
      const expired = row.evidenceExpiresOn! < today;
      return {
        type: expired ? "evidence_expired" : "evidence_expiring",
        severity: expired ? ("high" as const) : ("low" as const),
        subjectType: "signature" as const,
        subjectId: row.id,
        subjectLabel: `【${row.text}】`,
        spId: row.spId,
        evidence: { counts: {}, evidenceKind: row.evidenceKind, evidenceReference: row.evidenceReference, evidenceExpiresOn: row.evidenceExpiresOn },
        recommendedAction: expired ? ("suspend" as const) : ("rectify" as const),
      };
    });
  },
};

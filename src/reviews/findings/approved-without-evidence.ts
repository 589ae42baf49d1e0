import { and, eq, isNull, or } from "drizzle-orm";
import { signatures } from "../../db/schema/index.ts";
import type { FindingDetector } from "../types.ts";
import { signatureInScope } from "./evidence.ts";

/** Approved signatures with no evidence on file (approved before the rule, or by a data fix). */
export const approvedWithoutEvidence: FindingDetector = {
  types: ["approved_without_evidence"],
  async detect({ db, scope }) {
    const rows = await db
      .select()
      .from(signatures)
      .where(and(eq(signatures.status, "approved"), or(isNull(signatures.evidenceKind), isNull(signatures.evidenceReference)), signatureInScope(signatures.id, signatures.spId, scope)));
    return rows.map((row) => ({
      type: "approved_without_evidence",
      severity: "medium" as const,
      subjectType: "signature" as const,
      subjectId: row.id,
      subjectLabel: `【${row.text}】`,
      spId: row.spId,
      evidence: { counts: {}, approvedAt: row.approvedAt?.toISOString() ?? null },
      recommendedAction: "rectify" as const,
    }));
  },
};

import { and, asc, eq, inArray } from "drizzle-orm";
import { signatures } from "../../db/schema/index.ts";
import { confusableKey, lookAlikeGroups } from "../confusables.ts";
import type { FindingDetector, FindingDraft } from "../types.ts";
import { signatureInScope } from "./evidence.ts";

/**
 * Approved signatures that read the same as an earlier approved one after confusable folding
 * (the policy's skeleton: Unicode TR39 confusables — 0/O, 1/l/I, Cyrillic and Greek look-alikes —
 * traditional → simplified, width, case). Filing refuses a look-alike of another enterprise's
 * signature unless an operator overrides it; this finding lists the overridden ones and those
 * filed before the check existed. The earliest
 * filing is taken as the original; each later one in scope is a finding. Across enterprises it is
 * a likely impersonation (high); within one enterprise a duplicate filing (low).
 */
export const lookAlikeSignatures: FindingDetector = {
  types: ["look_alike_signature"],
  async detect({ db, scope }) {
    const approved = await db
      .select({ id: signatures.id, text: signatures.text, enterpriseId: signatures.enterpriseId, spId: signatures.spId })
      .from(signatures)
      .where(eq(signatures.status, "approved"))
      .orderBy(asc(signatures.id));
    const groups = lookAlikeGroups(approved);
    if (groups.length === 0) return [];
    const candidates = groups.flatMap((group) => group.slice(1));
    const inScope = new Set(
      (
        await db
          .select({ id: signatures.id })
          .from(signatures)
          .where(and(inArray(signatures.id, candidates.map((c) => c.id)), signatureInScope(signatures.id, signatures.spId, scope)))
      ).map((r) => r.id),
    );
    const out: FindingDraft[] = [];
    for (const group of groups) {
      const original = group[0]!;
      for (const later of group.slice(1)) {
        if (!inScope.has(later.id) || later.text === original.text) continue;
        const sameEnterprise = later.enterpriseId === original.enterpriseId;
        out.push({
          type: "look_alike_signature",
          severity: sameEnterprise ? "low" : "high",
          subjectType: "signature",
          subjectId: later.id,
          subjectLabel: `【${later.text}】`,
          spId: later.spId,
          evidence: {
            counts: { group: group.length },
            key: confusableKey(later.text),
            looksLike: { id: original.id, text: original.text, enterpriseId: original.enterpriseId, spId: original.spId },
            sameEnterprise,
          },
          recommendedAction: sameEnterprise ? "rectify" : "suspend",
        });
      }
    }
    return out;
  },
};

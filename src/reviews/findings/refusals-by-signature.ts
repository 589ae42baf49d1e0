import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { signatures } from "../../db/schema/index.ts";
import type { FindingDetector, FindingDraft, RecommendedAction } from "../types.ts";
import { countInScope, journalEvidenceFor, journalScope, severityByCount } from "./evidence.ts";

/**
 * One finding per signature with refusals for the given reasons in the period: the shape shared by
 * scope_exceeded, opt_out_hint_missing and recipient_opted_out. Several SPs may send one signature;
 * the finding is about the SP that sent most of them (its evidence is that SP's refusals).
 */
export function refusalsBySignature(options: { type: string; reasons: readonly string[]; recommend: (count: number) => RecommendedAction }): FindingDetector {
  return {
    types: [options.type],
    async detect({ db, scope }) {
      const where = journalScope(scope, (d) => and(inArray(d.reason, [...options.reasons]), isNotNull(d.signatureId)));
      const groups = await countInScope(db, scope, where, ["signatureId", "spId"]);
      const best = new Map<string, { spId: string | null; count: number }>();
      for (const group of groups) {
        const current = best.get(group.signatureId!);
        if (!current || current.count < group.count) best.set(group.signatureId!, { spId: group.spId, count: group.count });
      }
      if (best.size === 0) return [];
      const signatureRows = await db.select({ id: signatures.id, text: signatures.text, spId: signatures.spId }).from(signatures).where(inArray(signatures.id, [...best.keys()]));
      const byId = new Map(signatureRows.map((s) => [s.id, s]));
      // One evidence query set per sending SP (few), each covering all of that SP's signatures.
      const bySender = new Map<string | null, string[]>();
      for (const [signatureId, { spId }] of best) bySender.set(spId, [...(bySender.get(spId) ?? []), signatureId]);
      const out: FindingDraft[] = [];
      for (const [sendingSpId, signatureIds] of bySender) {
        const evidence = await journalEvidenceFor(db, scope, (d) => and(where(d), sendingSpId ? eq(d.spId, sendingSpId) : isNull(d.spId)), "signatureId", signatureIds);
        for (const signatureId of signatureIds) {
          const { count } = best.get(signatureId)!;
          const signature = byId.get(signatureId);
          out.push({
            type: options.type,
            severity: severityByCount(count),
            subjectType: "signature",
            subjectId: signatureId,
            subjectLabel: signature ? `【${signature.text}】` : null,
            spId: sendingSpId ?? signature?.spId ?? null,
            evidence: { ...evidence.get(signatureId)!, sendingSpId },
            recommendedAction: options.recommend(count),
          });
        }
      }
      return out;
    },
  };
}

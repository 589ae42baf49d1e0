import { and, eq, isNotNull, sql } from "drizzle-orm";
import { rejections, signatures } from "../../db/schema/index.ts";
import type { FindingDetector, FindingDraft, RecommendedAction } from "../types.ts";
import { journalEvidence, journalInScope, reasonIn, severityByCount } from "./evidence.ts";

/**
 * One finding per signature (and the SP that sent it) with refusals for the given reasons in the
 * period: the shape shared by scope_exceeded, opt_out_hint_missing and recipient_opted_out.
 */
export function refusalsBySignature(options: { type: string; reasons: readonly string[]; recommend: (count: number) => RecommendedAction }): FindingDetector {
  return {
    types: [options.type],
    async detect({ db, scope }) {
      const where = journalInScope(scope, reasonIn(options.reasons), isNotNull(rejections.signatureId));
      const groups = await db
        .select({ signatureId: rejections.signatureId, spId: rejections.spId, n: sql<number>`count(*)::int` })
        .from(rejections)
        .where(where)
        .groupBy(rejections.signatureId, rejections.spId);
      const out: FindingDraft[] = [];
      for (const group of groups) {
        const [signature] = await db.select({ text: signatures.text, spId: signatures.spId }).from(signatures).where(eq(signatures.id, group.signatureId!));
        const evidence = await journalEvidence(db, and(where, eq(rejections.signatureId, group.signatureId!), group.spId ? eq(rejections.spId, group.spId) : sql`${rejections.spId} is null`)!);
        const count = Number(group.n);
        out.push({
          type: options.type,
          severity: severityByCount(count),
          subjectType: "signature",
          subjectId: group.signatureId!,
          subjectLabel: signature ? `【${signature.text}】` : null,
          spId: group.spId ?? signature?.spId ?? null,
          evidence: { ...evidence, sendingSpId: group.spId },
          recommendedAction: options.recommend(count),
        });
      }
      // Several SPs may send one signature: keep the largest group per signature (one finding per subject).
      const best = new Map<string, FindingDraft>();
      for (const draft of out) {
        const current = best.get(draft.subjectId);
        if (!current || (current.evidence.counts.total ?? 0) < (draft.evidence.counts.total ?? 0)) best.set(draft.subjectId, draft);
      }
      return [...best.values()];
    },
  };
}

import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { reviewFindings, reviews } from "../db/schema/index.ts";
import { newId } from "../lib/ids.ts";
import type { FindingDraft } from "./types.ts";

export type ReviewRow = typeof reviews.$inferSelect;
export type FindingRow = typeof reviewFindings.$inferSelect;

export interface ReviewSummary {
  total: number;
  open: number;
  decided: number;
  reopened: number;
  byType: Record<string, number>;
  bySeverity: Record<string, number>;
}

/** The one always-open review that collects threshold findings; created on first use. */
export async function continuousReview(db: Executor, now: Date): Promise<ReviewRow> {
  await db
    .insert(reviews)
    .values({ id: newId(), kind: "continuous", status: "open", title: "持续监测 (continuous complaint-rate monitoring)", createdBy: "system", createdAt: now })
    .onConflictDoNothing({ target: reviews.kind, where: sql`kind = 'continuous'` });
  const [row] = await db.select().from(reviews).where(eq(reviews.kind, "continuous"));
  return row!;
}

export function findingValues(reviewId: string, draft: FindingDraft, now: Date) {
  return {
    id: newId(),
    reviewId,
    type: draft.type,
    severity: draft.severity,
    subjectType: draft.subjectType,
    subjectId: draft.subjectId,
    subjectLabel: draft.subjectLabel ?? null,
    spId: draft.spId ?? null,
    evidence: draft.evidence,
    recommendedAction: draft.recommendedAction,
    status: "open" as const,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Inserts a finding, or refreshes the evidence and severity of the one already open for the same
 * review, type and subject. Returns the row and whether it is new.
 */
export async function upsertFinding(db: Executor, reviewId: string, draft: FindingDraft, now: Date): Promise<{ finding: FindingRow; created: boolean }> {
  const [inserted] = await db.insert(reviewFindings).values(findingValues(reviewId, draft, now)).onConflictDoNothing().returning();
  if (inserted) return { finding: inserted, created: true };
  const [updated] = await db
    .update(reviewFindings)
    .set({ evidence: draft.evidence, severity: draft.severity, updatedAt: now })
    .where(
      and(
        eq(reviewFindings.reviewId, reviewId),
        eq(reviewFindings.type, draft.type),
        eq(reviewFindings.subjectType, draft.subjectType),
        eq(reviewFindings.subjectId, draft.subjectId),
      ),
    )
    .returning();
  return { finding: updated!, created: false };
}

/** Marks a finding decided by an automatic suspension (the system actor, now), with the reason the subject was suspended. */
export async function markAutoSuspended(db: Executor, findingId: string, reason: string, actorId: string, now: Date): Promise<FindingRow> {
  const [decided] = await db
    .update(reviewFindings)
    .set({ status: "decided", decision: "suspend", decisionReason: reason, decidedAt: now, decidedBy: actorId, updatedAt: now })
    .where(eq(reviewFindings.id, findingId))
    .returning();
  return decided!;
}

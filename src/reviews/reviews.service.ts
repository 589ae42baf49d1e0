import { listPage } from "../db/list-page.ts";
import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { reviewFindings, reviews } from "../db/schema/index.ts";
import { withTransaction } from "../db/transaction.ts";
import { localDate } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { spScope, type Actor, type ServiceContext } from "../context.ts";
import { computeFindings } from "./campaign.ts";
import { buildReport, type ReviewReport } from "./report.ts";
import { getReviewSettings } from "./settings.ts";
import { findingForSp, reviewForSp, type ReviewForSp } from "./sp-view.ts";
import { findingValues, type FindingRow, type ReviewRow, type ReviewSummary } from "./store.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { ServiceError, forbidden, notFound } from "../lib/errors.ts";
import type { CreateReviewInput, ListFindingsFilter, ListReviewsFilter } from "./reviews.schemas.ts";

export type { FindingRow as Finding, ReviewRow, ReviewSummary } from "./store.ts";
export type { ReviewForSp } from "./sp-view.ts";

export type Review = ReviewRow & { summary: ReviewSummary };

export const REOPEN_ACTOR = { type: "system", id: "reviews:deadlines" } as const;

/**
 * Reviews are the operator's and the auditor's work. An SP only reads the findings about itself
 * (and, to find them, the reviews that hold one, in a minimal view: src/reviews/sp-view.ts).
 */
export function assertReviewer(actor: Actor): void {
  if (actor.type === "sp") throw forbidden("reviews are for operators and auditors");
}

/** Reviews holding at least one finding about the SP: the only ones it may see. */
function holdsFindingFor(spId: string) {
  return sql`exists (select 1 from ${reviewFindings} where ${reviewFindings.reviewId} = ${reviews.id} and ${reviewFindings.spId} = ${spId})`;
}

/** Counts per review; with `spId`, of that SP's findings only (what an SP may count). */
async function summaryOf(ctx: ServiceContext, reviewIds: string[], spId?: string): Promise<Map<string, ReviewSummary>> {
  const out = new Map<string, ReviewSummary>(reviewIds.map((id) => [id, { total: 0, open: 0, decided: 0, reopened: 0, byType: {}, bySeverity: {} }]));
  if (reviewIds.length === 0) return out;
  const rows = await ctx.db
    .select({ reviewId: reviewFindings.reviewId, type: reviewFindings.type, severity: reviewFindings.severity, status: reviewFindings.status, n: sql<number>`count(*)::int` })
    .from(reviewFindings)
    .where(and(inArray(reviewFindings.reviewId, reviewIds), spId === undefined ? undefined : eq(reviewFindings.spId, spId)))
    .groupBy(reviewFindings.reviewId, reviewFindings.type, reviewFindings.severity, reviewFindings.status);
  for (const row of rows) {
    const summary = out.get(row.reviewId)!;
    const n = Number(row.n);
    summary.total += n;
    summary[row.status] += n;
    summary.byType[row.type] = (summary.byType[row.type] ?? 0) + n;
    summary.bySeverity[row.severity] = (summary.bySeverity[row.severity] ?? 0) + n;
  }
  return out;
}

/**
 * Opens a campaign (回头看) over a scope and period and computes its findings at once, in one
 * transaction with its audit row. Operators and auditors.
 */
export async function createReview(ctx: ServiceContext, input: CreateReviewInput, options: { scheduleId?: string } = {}): Promise<Review> {
  assertReviewer(ctx.actor);
  const scope = { spId: input.scope.spId ?? null, portPrefix: input.scope.portPrefix ?? null, from: new Date(input.from), to: new Date(input.to) };
  const settings = await getReviewSettings(ctx);
  const review = await withTransaction(ctx, async (tx) => {
    const drafts = await computeFindings(tx.db, scope, tx.now, settings);
    const title = input.title ?? `回头看 ${localDate(scope.from)} – ${localDate(new Date(scope.to.getTime() - 1))}`;
    const [row] = (await tx.db
      .insert(reviews)
      .values({
        id: newId(),
        kind: "campaign",
        status: "open",
        title,
        scopeSpId: scope.spId,
        scopePortPrefix: scope.portPrefix,
        periodFrom: scope.from,
        periodTo: scope.to,
        scheduleId: options.scheduleId ?? null,
        createdBy: tx.actor.id,
        createdAt: tx.now,
      })
      .returning()) as [ReviewRow];
    for (let i = 0; i < drafts.length; i += 500) {
      await tx.db.insert(reviewFindings).values(drafts.slice(i, i + 500).map((draft) => findingValues(row.id, draft, tx.now)));
    }
    const byType: Record<string, number> = {};
    for (const draft of drafts) byType[draft.type] = (byType[draft.type] ?? 0) + 1;
    await recordAudit(tx, { action: "review.create", objectType: "review", objectId: row.id, objectSpId: scope.spId, after: { ...row, findings: byType } });
    return row;
  });
  return { ...review, summary: (await summaryOf(ctx, [review.id])).get(review.id)! };
}

async function findReview(ctx: ServiceContext, id: string, forUpdate = false): Promise<ReviewRow> {
  const query = ctx.db.select().from(reviews).where(eq(reviews.id, id));
  const [row] = forUpdate ? await query.for("update") : await query;
  if (!row) throw notFound("review");
  return row;
}

/**
 * A review the actor may read: any for reviewers; for an SP only one holding a finding about it,
 * otherwise 404 as for another SP's object.
 */
async function readableReview(ctx: ServiceContext, id: string): Promise<ReviewRow> {
  const spId = spScope(ctx.actor);
  const [row] = await ctx.db
    .select()
    .from(reviews)
    .where(and(eq(reviews.id, id), spId === undefined ? undefined : holdsFindingFor(spId)));
  if (!row) throw notFound("review");
  return row;
}

/** A review with its summary, for reviewers only (403 to an SP). Rectification deadlines are checked first, so overdue findings show as reopened. */
export async function fullReview(ctx: ServiceContext, id: string): Promise<Review> {
  assertReviewer(ctx.actor);
  await reopenOverdue(ctx);
  const row = await findReview(ctx, id);
  return { ...row, summary: (await summaryOf(ctx, [id])).get(id)! };
}

/**
 * A review with its summary. An SP gets it only if it holds a finding about that SP, in the
 * minimal view (no title, scope or authors) with a summary of its own findings.
 */
export async function getReview(ctx: ServiceContext, id: string): Promise<Review | ReviewForSp> {
  const spId = spScope(ctx.actor);
  if (spId === undefined) return fullReview(ctx, id);
  await reopenOverdue(ctx);
  const row = await readableReview(ctx, id);
  return reviewForSp(row, (await summaryOf(ctx, [id], spId)).get(id)!);
}

/** Tells the reviewers' view of a review from an SP's. */
export function isFullReview(review: Review | ReviewForSp): review is Review {
  return "title" in review;
}

/** In creation order. Fetches limit + 1 (see toPage). An SP lists only the reviews holding a finding about it, in the minimal view. */
export async function listReviews(ctx: ServiceContext, filter: ListReviewsFilter, page: { limit: number; after?: string }): Promise<(Review | ReviewForSp)[]> {
  const spId = spScope(ctx.actor);
  const rows = await listPage(ctx.db.select().from(reviews).$dynamic(), ctx, {
    key: reviews.id,
    sp: holdsFindingFor,
    filters: [
        filter.status ? eq(reviews.status, filter.status) : undefined,
        filter.kind ? eq(reviews.kind, filter.kind) : undefined,
        filter.spId ? eq(reviews.scopeSpId, filter.spId) : undefined,
        filter.scope === "sp" ? isNotNull(reviews.scopeSpId) : undefined,
        filter.scope === "port" ? isNotNull(reviews.scopePortPrefix) : undefined,
        filter.scope === "everything" ? and(isNull(reviews.scopeSpId), isNull(reviews.scopePortPrefix)) : undefined,
    ],
    page,
  });
  const summaries = await summaryOf(ctx, rows.map((r) => r.id), spId);
  return rows.map((row) => (spId === undefined ? { ...row, summary: summaries.get(row.id)! } : reviewForSp(row, summaries.get(row.id)!)));
}

/** The findings of a review; an SP gets only those about itself, in its view (src/reviews/sp-view.ts). */
export async function listFindings(ctx: ServiceContext, reviewId: string, filter: ListFindingsFilter, page: { limit: number; after?: string }): Promise<FindingRow[]> {
  const spId = spScope(ctx.actor);
  await reopenOverdue(ctx);
  await readableReview(ctx, reviewId);
  const rows = await listPage(ctx.db.select().from(reviewFindings).$dynamic(), ctx, {
    key: reviewFindings.id,
    sp: reviewFindings.spId,
    filters: [
      eq(reviewFindings.reviewId, reviewId),
      filter.status ? eq(reviewFindings.status, filter.status) : undefined,
      filter.type ? eq(reviewFindings.type, filter.type) : undefined,
      filter.severity ? eq(reviewFindings.severity, filter.severity) : undefined,
    ],
    page,
  });
  return spId === undefined ? rows : rows.map((row) => findingForSp(row, spId));
}

/** One finding; another SP's answers 404 to an SP, as if it did not exist. */
export async function getFinding(ctx: ServiceContext, reviewId: string, findingId: string): Promise<FindingRow> {
  const spId = spScope(ctx.actor);
  await reopenOverdue(ctx);
  const [row] = await ctx.db
    .select()
    .from(reviewFindings)
    .where(and(eq(reviewFindings.id, findingId), eq(reviewFindings.reviewId, reviewId), spId === undefined ? undefined : eq(reviewFindings.spId, spId)));
  if (!row) throw notFound("finding");
  return spId === undefined ? row : findingForSp(row, spId);
}

/** Closes a campaign (the continuous review never closes). Its report stays readable. */
export async function closeReview(ctx: ServiceContext, id: string, reason?: string): Promise<Review> {
  assertReviewer(ctx.actor);
  await withTransaction(ctx, async (tx) => {
    const before = await findReview(tx, id, true);
    if (before.kind === "continuous") throw new ServiceError("INVALID_TRANSITION", "the continuous review is always open");
    if (before.status === "closed") throw new ServiceError("INVALID_TRANSITION", "the review is already closed (closed → closed)");
    const [after] = await tx.db.update(reviews).set({ status: "closed", closedAt: tx.now, closedBy: tx.actor.id }).where(eq(reviews.id, id)).returning();
    await recordAudit(tx, { action: "review.close", objectType: "review", objectId: id, objectSpId: before.scopeSpId, before, after, reason: reason ?? null });
  });
  return fullReview(ctx, id);
}

/**
 * Reopens every rectification whose deadline (a China calendar date) has passed: the SP had until
 * the end of that day. Audited as the system. Run on a timer by the composition root and before
 * reviews are read. Returns the reopened findings.
 */
export async function reopenOverdue(ctx: ServiceContext): Promise<FindingRow[]> {
  const system: ServiceContext = { ...ctx, actor: REOPEN_ACTOR };
  const today = localDate(system.now);
  const due = await system.db
    .select({ id: reviewFindings.id })
    .from(reviewFindings)
    .where(and(eq(reviewFindings.status, "decided"), eq(reviewFindings.decision, "rectify"), lt(reviewFindings.dueDate, today)));
  if (due.length === 0) return [];
  return withTransaction(system, async (tx) => {
    const reopened: FindingRow[] = [];
    for (const { id } of due) {
      const [before] = await tx.db.select().from(reviewFindings).where(eq(reviewFindings.id, id)).for("update");
      // Another process may have reopened it between the read and the lock.
      if (!before || before.status !== "decided" || before.decision !== "rectify") continue;
      const [after] = await tx.db.update(reviewFindings).set({ status: "reopened", reopenedAt: tx.now, updatedAt: tx.now }).where(eq(reviewFindings.id, id)).returning();
      await recordAudit(tx, {
        action: "review_finding.reopen",
        objectType: "review_finding",
        objectId: id,
        objectSpId: before.spId,
        before,
        after,
        reason: `rectification due ${before.dueDate} was not confirmed`,
      });
      reopened.push(after!);
    }
    return reopened;
  });
}

/** The report of a review (open or closed); read it after closing for the final version. */
export async function getReviewReport(ctx: ServiceContext, id: string): Promise<ReviewReport> {
  const review = await fullReview(ctx, id);
  const findings = await ctx.db.select().from(reviewFindings).where(eq(reviewFindings.reviewId, id)).orderBy(asc(reviewFindings.type), asc(reviewFindings.id));
  return buildReport(review, findings, ctx.now);
}

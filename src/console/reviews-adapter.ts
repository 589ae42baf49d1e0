/**
 * Plugs the real review and complaint services into the console's ReviewsBackend. The console speaks
 * of a review's "subject" (an SP, a port, a signature or an enterprise); the review campaigns are
 * scoped by SP or port-number prefix, so an SP or port subject becomes that scope, and a signature
 * or enterprise subject a review of everything in the period, titled after it.
 */
import { decideFinding } from "../reviews/reviews.decisions.ts";
import { assertReviewer, closeReview, createReview, fullReview, isFullReview, listFindings, listReviews, type Review } from "../reviews/reviews.service.ts";
import { listComplaints } from "../complaints/complaints.service.ts";
import { decodeCursor, encodeCursor } from "../lib/pagination.ts";
import type { ServiceContext } from "../context.ts";
import { portIdByNumber, portNumberById, serviceProviderName, subjectLabel } from "../reviews/subjects.ts";
import type { FindingOutcome, ReviewDetail, ReviewsBackend, ReviewSubject, ReviewSummary } from "./reviews-backend.ts";
import { chinaDayStart, localDate, nextDay } from "../lib/dates.ts";

const DAY_MS = 86_400_000;
const MAX_FINDINGS_SHOWN = 5_000;

async function subjectOf(ctx: ServiceContext, review: Review): Promise<ReviewSubject> {
  if (review.scopeSpId) {
    return { kind: "sp", id: review.scopeSpId, label: (await serviceProviderName(ctx, review.scopeSpId)) ?? review.scopeSpId };
  }
  if (review.scopePortPrefix) {
    return { kind: "port", id: (await portIdByNumber(ctx, review.scopePortPrefix)) ?? review.scopePortPrefix, label: review.scopePortPrefix };
  }
  return { kind: "sp", id: "*", label: review.title };
}

async function summary(ctx: ServiceContext, review: Review): Promise<ReviewSummary> {
  return {
    id: review.id,
    title: review.title,
    subject: await subjectOf(ctx, review),
    spId: review.scopeSpId,
    periodFrom: review.periodFrom ? localDate(review.periodFrom) : "",
    periodTo: review.periodTo ? localDate(new Date(review.periodTo.getTime() - 1)) : "",
    status: review.status,
    openedAt: review.createdAt,
    openedBy: review.createdBy ?? "",
    closedAt: review.closedAt,
    findingCount: review.summary.total,
    undecidedCount: review.summary.open + review.summary.reopened,
  };
}

/**
 * A finding's evidence as the console lists it: the counts first (every detector nests its numbers
 * under `counts`, e.g. total and per reason), then the detector's own plain details.
 */
function evidenceItems(evidence: Record<string, unknown>): { label: string }[] {
  const counts = Object.entries((evidence.counts ?? {}) as Record<string, unknown>).filter(([, value]) => typeof value === "number");
  const details = Object.entries(evidence).filter(([, value]) => typeof value === "number" || typeof value === "string");
  return [...counts, ...details].slice(0, 8).map(([label, value]) => ({ label: `${label}: ${String(value)}` }));
}

const severity = (value: string) => (value === "info" ? "low" : (value as "low" | "medium" | "high"));

// The console shows reviews to operators and auditors only (an SP's read-only view of its findings is in the API).
async function detail(ctx: ServiceContext, id: string): Promise<ReviewDetail> {
  const review = await fullReview(ctx, id);
  // Every finding, page by page (the service answers one row past a full page); capped for the page's sake.
  const findings: Awaited<ReturnType<typeof listFindings>> = [];
  for (let after: string | undefined; findings.length < MAX_FINDINGS_SHOWN; ) {
    const page = await listFindings(ctx, id, {}, { limit: 500, after });
    findings.push(...page.slice(0, 500));
    if (page.length <= 500) break;
    after = page[499]!.id;
  }
  return {
    ...(await summary(ctx, review)),
    findings: findings.map((f) => ({
      id: f.id,
      kind: f.type,
      severity: severity(f.severity),
      summary: `${f.subjectLabel ?? f.subjectId}: ${f.type} (recommended: ${f.recommendedAction})`,
      evidence: evidenceItems(f.evidence),
      decision:
        f.decision && f.status === "decided"
          ? { outcome: f.decision as FindingOutcome, reason: f.decisionReason ?? "", decidedBy: f.decidedBy ?? "", decidedAt: f.decidedAt ?? f.updatedAt }
          : null,
    })),
    conclusion: null,
    reportUrl: review.status === "closed" ? `/api/v1/reviews/${review.id}/report.html` : null,
  };
}

export function createReviewsBackend(): ReviewsBackend {
  return {
    async listReviews(ctx, filter, page) {
      assertReviewer(ctx.actor);
      // A signature or enterprise review is a review of everything titled after it (see startReview).
      const scope = filter.subjectKind === "sp" ? "sp" : filter.subjectKind === "port" ? "port" : filter.subjectKind ? "everything" : undefined;
      // The service answers one row past the page when there is a next one.
      const rows = (await listReviews(ctx, { status: filter.status, spId: filter.spId, scope }, { limit: page.limit, after: decodeCursor(page.cursor) })).filter(isFullReview);
      const items = await Promise.all(rows.slice(0, page.limit).map((r) => summary(ctx, r)));
      return { items, nextCursor: rows.length > page.limit ? encodeCursor(rows[page.limit - 1]!.id) : null };
    },
    getReview: (ctx, id) => detail(ctx, id),
    async startReview(ctx, input) {
      const scope: { spId?: string; portPrefix?: string } = {};
      let title: string | undefined = input.title;
      if (input.subject.kind === "sp") scope.spId = input.subject.id;
      else if (input.subject.kind === "port") {
        const number = await portNumberById(ctx, input.subject.id);
        if (number) scope.portPrefix = number;
      } else {
        title ??= `回头看 ${(await subjectLabel(ctx, input.subject.kind, input.subject.id)) ?? input.subject.id}`;
      }
      const from = chinaDayStart(input.periodFrom).toISOString();
      const to = chinaDayStart(nextDay(input.periodTo)).toISOString();
      const review = await createReview(ctx, { title, scope, from, to } as never);
      return detail(ctx, review.id);
    },
    async decideFinding(ctx, reviewId, findingId, input) {
      const decision = input.outcome;
      const dueDate = decision === "rectify" ? localDate(new Date(ctx.now.getTime() + 30 * DAY_MS)) : undefined;
      await decideFinding(ctx, reviewId, findingId, { decision, reason: input.reason, ...(dueDate ? { dueDate } : {}) } as never);
      return detail(ctx, reviewId);
    },
    async closeReview(ctx, reviewId, input) {
      await closeReview(ctx, reviewId, input.conclusion);
      return { ...(await detail(ctx, reviewId)), conclusion: input.conclusion };
    },
    async listComplaints(ctx, filter, page) {
      const rows = await listComplaints(
        ctx,
        { from: filter.from?.toISOString(), to: filter.to?.toISOString(), spId: filter.spId, portId: filter.portId, signatureId: filter.signatureId, enterpriseId: filter.enterpriseId } as never,
        { limit: page.limit + 1, after: decodeCursor(page.cursor) },
      );
      const items = rows.slice(0, page.limit).map((c) => ({
        id: c.id,
        receivedAt: c.receivedAt,
        source: c.channel,
        reference: c.id.slice(0, 8),
        status: c.confidence === "none" ? ("unattributed" as const) : ("attributed" as const),
        recipientMask: c.recipientMask,
        excerpt: c.text.slice(0, 80),
        spId: c.spId,
        portId: c.portId,
        signatureId: c.signatureId,
        enterpriseId: c.enterpriseId,
      }));
      return { items, nextCursor: rows.length > page.limit ? encodeCursor(rows[page.limit - 1]!.id) : null };
    },
  };
}

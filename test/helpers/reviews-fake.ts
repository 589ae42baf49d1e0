/**
 * An in-memory ReviewsBackend for the console's page tests (console.happy, console.security), which
 * need fixed reviews and complaints to look at; the real adapter (src/console/reviews-adapter.ts)
 * is driven by console.browser.test.ts and test/src/console/reviews-adapter.e2e.test.ts. It keeps the
 * rules the console relies on: SP actors see only their own reviews and complaints; only operators
 * start, decide and close (stricter than the real services, where auditors may too); a closed
 * review cannot change; closing needs every finding decided; a decided finding cannot be decided
 * again.
 */
import { ServiceError } from "../../src/lib/errors.ts";
import type { Actor, ServiceContext } from "../../src/context.ts";
import type {
  Complaint,
  DecideFindingInput,
  Finding,
  ListComplaintsFilter,
  ListReviewsFilter,
  Page,
  ReviewDetail,
  ReviewSubject,
  ReviewsBackend,
  StartReviewInput,
} from "../../src/console/reviews-backend.ts";

type StoredReview = Omit<ReviewDetail, "findingCount" | "undecidedCount">;

function page<T>(items: T[], limit: number, cursor: string | undefined): Page<T> {
  const start = cursor ? Number(cursor) : 0;
  const slice = items.slice(start, start + limit);
  return { items: slice, nextCursor: start + limit < items.length ? String(start + limit) : null };
}

function operatorOnly(actor: Actor, what: string) {
  if (actor.type !== "operator" && actor.type !== "system") throw new ServiceError("FORBIDDEN", `only an operator may ${what}`);
}

export class FakeReviews implements ReviewsBackend {
  readonly reviews = new Map<string, StoredReview>();
  readonly complaints: Complaint[] = [];
  /** Every decision recorded, as the real service would audit it. */
  readonly decisions: { reviewId: string; findingId: string; outcome: string; reason: string; actor: string }[] = [];
  private sequence = 0;

  constructor(private readonly subjects: Map<string, { label: string; spId: string | null }> = new Map()) {}

  private visible(ctx: ServiceContext, review: StoredReview): boolean {
    return ctx.actor.type !== "sp" || review.spId === ctx.actor.spId;
  }

  private detail(review: StoredReview): ReviewDetail {
    return { ...review, findingCount: review.findings.length, undecidedCount: review.findings.filter((f) => !f.decision).length };
  }

  /** Adds a review directly (test set-up), as if the backend had computed its findings. */
  seed(input: { subject: ReviewSubject; spId: string | null; title: string; periodFrom: string; periodTo: string; findings: Omit<Finding, "id" | "decision">[]; openedAt?: Date }): ReviewDetail {
    const id = `rv-${++this.sequence}`;
    const review: StoredReview = {
      id,
      title: input.title,
      subject: input.subject,
      spId: input.spId,
      periodFrom: input.periodFrom,
      periodTo: input.periodTo,
      status: "open",
      openedAt: input.openedAt ?? new Date(),
      openedBy: "seed",
      closedAt: null,
      conclusion: null,
      reportUrl: null,
      findings: input.findings.map((finding, index) => ({ ...finding, id: `${id}-f${index + 1}`, decision: null })),
    };
    this.reviews.set(id, review);
    return this.detail(review);
  }

  async listReviews(ctx: ServiceContext, filter: ListReviewsFilter, paging: { limit: number; cursor?: string }) {
    const rows = [...this.reviews.values()]
      .filter((r) => this.visible(ctx, r))
      .filter((r) => (!filter.status || r.status === filter.status) && (!filter.subjectKind || r.subject.kind === filter.subjectKind) && (!filter.spId || r.spId === filter.spId))
      .map((r) => this.detail(r));
    return page(rows, paging.limit, paging.cursor);
  }

  async getReview(ctx: ServiceContext, id: string) {
    const review = this.reviews.get(id);
    if (!review || !this.visible(ctx, review)) throw new ServiceError("NOT_FOUND", "review not found");
    return this.detail(review);
  }

  async startReview(ctx: ServiceContext, input: StartReviewInput) {
    operatorOnly(ctx.actor, "start a review");
    const known = this.subjects.get(input.subject.id);
    const detail = this.seed({
      subject: { ...input.subject, label: known?.label ?? input.subject.id },
      spId: known?.spId ?? null,
      title: input.title ?? `回头看 ${input.periodFrom} – ${input.periodTo}`,
      periodFrom: input.periodFrom,
      periodTo: input.periodTo,
      findings: [{ kind: "refusals", severity: "medium", summary: "Refusals in the period", evidence: [{ label: "refusals", href: "/console/refusals" }] }],
      openedAt: ctx.now,
    });
    this.reviews.get(detail.id)!.openedBy = ctx.actor.id;
    return detail;
  }

  async decideFinding(ctx: ServiceContext, reviewId: string, findingId: string, input: DecideFindingInput) {
    const review = this.reviews.get(reviewId);
    if (!review || !this.visible(ctx, review)) throw new ServiceError("NOT_FOUND", "review not found");
    operatorOnly(ctx.actor, "decide a finding");
    if (review.status !== "open") throw new ServiceError("INVALID_TRANSITION", "the review is closed");
    const finding = review.findings.find((f) => f.id === findingId);
    if (!finding) throw new ServiceError("NOT_FOUND", "finding not found");
    if (finding.decision) throw new ServiceError("INVALID_TRANSITION", "the finding is already decided");
    finding.decision = { outcome: input.outcome, reason: input.reason, decidedBy: ctx.actor.id, decidedAt: ctx.now };
    this.decisions.push({ reviewId, findingId, outcome: input.outcome, reason: input.reason, actor: ctx.actor.id });
    return this.detail(review);
  }

  async closeReview(ctx: ServiceContext, reviewId: string, input: { conclusion: string }) {
    const review = this.reviews.get(reviewId);
    if (!review || !this.visible(ctx, review)) throw new ServiceError("NOT_FOUND", "review not found");
    operatorOnly(ctx.actor, "close a review");
    if (review.status !== "open") throw new ServiceError("INVALID_TRANSITION", "the review is already closed");
    if (review.findings.some((f) => !f.decision)) throw new ServiceError("INVALID_TRANSITION", "decide every finding before closing");
    Object.assign(review, { status: "closed", closedAt: ctx.now, conclusion: input.conclusion, reportUrl: `/api/v1/reviews/${reviewId}/report` });
    return this.detail(review);
  }

  async listComplaints(ctx: ServiceContext, filter: ListComplaintsFilter, paging: { limit: number; cursor?: string }) {
    const scope = ctx.actor.type === "sp" ? ctx.actor.spId : undefined;
    const rows = this.complaints.filter(
      (c) =>
        (!scope || c.spId === scope) &&
        (!filter.spId || c.spId === filter.spId) &&
        (!filter.portId || c.portId === filter.portId) &&
        (!filter.signatureId || c.signatureId === filter.signatureId) &&
        (!filter.enterpriseId || c.enterpriseId === filter.enterpriseId) &&
        (!filter.status || c.status === filter.status) &&
        (!filter.from || c.receivedAt >= filter.from) &&
        (!filter.to || c.receivedAt < filter.to),
    );
    return page(rows, paging.limit, paging.cursor);
  }
}

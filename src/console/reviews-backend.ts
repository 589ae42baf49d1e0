/**
 * What the console needs from the reviews (回头看) and complaints backend. The console is written
 * against this interface only; the composition root plugs the real services in
 * (src/console/reviews-adapter.ts, over reviews.service.ts / complaints.service.ts), and the
 * console's page tests use the in-memory fake in test/helpers/reviews-fake.ts.
 *
 * Conventions, the same as every other service here:
 * - each call takes the ServiceContext of the signed-in actor and scopes by it (an SP sees only
 *   reviews and complaints about itself; auditors read; who may decide is the service's rule);
 * - failures throw ServiceError (NOT_FOUND, FORBIDDEN, INVALID_TRANSITION, VALIDATION_FAILED),
 *   which the console turns into an error page with the matching status;
 * - lists page with an opaque cursor: `{ items, nextCursor }` like the rest of the API.
 */
import type { ServiceContext } from "../context.ts";
import { findingDecisions, reviewStatuses } from "../reviews/reviews.schemas.ts";

export const reviewSubjectKinds = ["sp", "port", "signature", "enterprise"] as const;
export type ReviewSubjectKind = (typeof reviewSubjectKinds)[number];

export { reviewStatuses };
export type ReviewStatus = (typeof reviewStatuses)[number];

/** The closed list of decisions on a finding (无问题 / 责令整改 / 暂停 / 撤销). */
export const findingOutcomes = findingDecisions;
export type FindingOutcome = (typeof findingOutcomes)[number];

export const findingSeverities = ["low", "medium", "high"] as const;
export type FindingSeverity = (typeof findingSeverities)[number];

export interface ReviewSubject {
  kind: ReviewSubjectKind;
  id: string;
  /** What to show: port number, signature text, SP or enterprise name. */
  label: string;
}

export interface ReviewSummary {
  id: string;
  title: string;
  subject: ReviewSubject;
  /** The SP the subject belongs to (for SP scoping and links), when there is one. */
  spId: string | null;
  /** The look-back period, YYYY-MM-DD, both inclusive. */
  periodFrom: string;
  periodTo: string;
  status: ReviewStatus;
  openedAt: Date;
  openedBy: string;
  closedAt: Date | null;
  findingCount: number;
  undecidedCount: number;
}

export interface FindingDecision {
  outcome: FindingOutcome;
  reason: string;
  decidedBy: string;
  decidedAt: Date;
}

export interface Finding {
  id: string;
  /** A stable kind, e.g. "sublet_refusals", "complaints", "scope_exceeded". */
  kind: string;
  severity: FindingSeverity;
  /** One human sentence (the backend chooses the language it stores; the console shows it as is). */
  summary: string;
  /** Supporting facts; `href` is a console or API path (relative, starting with "/"). */
  evidence: { label: string; href?: string }[];
  decision: FindingDecision | null;
}

export interface ReviewDetail extends ReviewSummary {
  findings: Finding[];
  /** The conclusion written when the review was closed. */
  conclusion: string | null;
  /** Where the report is (relative path, e.g. /api/v1/reviews/:id/report), once there is one. */
  reportUrl: string | null;
}

export interface ListReviewsFilter {
  status?: ReviewStatus;
  subjectKind?: ReviewSubjectKind;
  spId?: string;
}

export interface StartReviewInput {
  subject: { kind: ReviewSubjectKind; id: string };
  periodFrom: string;
  periodTo: string;
  title?: string;
}

export interface DecideFindingInput {
  outcome: FindingOutcome;
  reason: string;
}

export const complaintStatuses = ["received", "attributed", "unattributed", "closed"] as const;
export type ComplaintStatus = (typeof complaintStatuses)[number];

/** A complaint (e.g. a 12321 clue transfer) and what it was attributed to. */
export interface Complaint {
  id: string;
  receivedAt: Date;
  /** Where it came from, e.g. "12321", "customer_service". */
  source: string;
  /** The source's own reference number. */
  reference: string;
  status: ComplaintStatus;
  recipientMask: string | null;
  /** Redacted excerpt of the complained-about message. */
  excerpt: string | null;
  spId: string | null;
  portId: string | null;
  signatureId: string | null;
  enterpriseId: string | null;
}

export interface ListComplaintsFilter {
  from?: Date;
  /** Exclusive. */
  to?: Date;
  spId?: string;
  portId?: string;
  signatureId?: string;
  enterpriseId?: string;
  status?: ComplaintStatus;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ReviewsBackend {
  listReviews(ctx: ServiceContext, filter: ListReviewsFilter, page: { limit: number; cursor?: string }): Promise<Page<ReviewSummary>>;
  getReview(ctx: ServiceContext, id: string): Promise<ReviewDetail>;
  /** Starts a look-back; the backend computes the findings for the period. */
  startReview(ctx: ServiceContext, input: StartReviewInput): Promise<ReviewDetail>;
  /**
   * Records the decision on one undecided finding of an open review; audited. A decided finding
   * cannot be decided again (INVALID_TRANSITION) until the backend reopens it (a missed
   * rectification deadline), when its `decision` is null again.
   */
  decideFinding(ctx: ServiceContext, reviewId: string, findingId: string, input: DecideFindingInput): Promise<ReviewDetail>;
  /** Closes the review with a conclusion; INVALID_TRANSITION while findings are undecided. */
  closeReview(ctx: ServiceContext, reviewId: string, input: { conclusion: string }): Promise<ReviewDetail>;
  listComplaints(ctx: ServiceContext, filter: ListComplaintsFilter, page: { limit: number; cursor?: string }): Promise<Page<Complaint>>;
}

import { z } from "@hono/zod-openapi";
import { findingActions, findingDecisions, findingSeverities, findingStatuses, findingSubjects, reviewCadences, reviewKinds, reviewScheduleStatuses, reviewStatuses } from "../db/schema/index.ts";

/** The closed lists of review states and finding decisions, declared once next to the Drizzle schema. */
export { findingDecisions, reviewStatuses } from "../db/schema/index.ts";

export const reviewScopeSchema = z
  .object({
    spId: z.uuid().optional().openapi({ description: "Only this SP" }),
    portPrefix: z.string().regex(/^\d{1,20}$/, "must be digits").optional().openapi({ description: "Only ports whose number starts with these digits", example: "1069" }),
  })
  .strict();

export const createReviewBody = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    scope: reviewScopeSchema.default({}),
    from: z.iso.datetime({ offset: true }).openapi({ description: "Start of the period (inclusive)", example: "2025-05-01T00:00:00+08:00" }),
    to: z.iso.datetime({ offset: true }).openapi({ description: "End of the period (exclusive)", example: "2025-06-01T00:00:00+08:00" }),
  })
  .strict()
  .refine((body) => new Date(body.from) < new Date(body.to), { message: "from must be before to", path: ["to"] });

export const decisionBody = z
  .object({
    decision: z.enum(findingDecisions),
    reason: z.string().trim().min(1, "is required").max(500),
    dueDate: z.iso.date().optional().openapi({ description: "Rectification deadline (YYYY-MM-DD, China calendar); required for rectify" }),
  })
  .strict()
  .refine((body) => body.decision !== "rectify" || body.dueDate !== undefined, { message: "is required for rectify", path: ["dueDate"] });

export const closeReviewBody = z.object({ reason: z.string().trim().max(500).optional() }).strict();

export const listReviewsQuery = z.object({
  status: z.enum(reviewStatuses).optional(),
  kind: z.enum(reviewKinds).optional(),
  spId: z.uuid().optional().openapi({ description: "Only reviews scoped to this SP" }),
  scope: z.enum(["sp", "port", "everything"]).optional().openapi({ description: "Only reviews scoped to one SP, to a port prefix, or to everything" }),
});
export const listFindingsQuery = z.object({
  status: z.enum(findingStatuses).optional(),
  type: z.string().regex(/^[a-z_]{2,60}$/).optional(),
  severity: z.enum(findingSeverities).optional(),
});

export const createScheduleBody = z
  .object({ cadence: z.enum(reviewCadences), scope: reviewScopeSchema.default({}) })
  .strict();

const timestamp = z.date().or(z.string());

const reviewSummarySchema = z.object({
  total: z.number().int(),
  open: z.number().int(),
  decided: z.number().int(),
  reopened: z.number().int(),
  byType: z.record(z.string(), z.number().int()),
  bySeverity: z.record(z.string(), z.number().int()),
});

/** What an SP sees of a review as well as a reviewer: when, what state. */
const reviewTimes = {
  id: z.uuid(),
  kind: z.enum(reviewKinds),
  status: z.enum(reviewStatuses),
  periodFrom: timestamp.nullable(),
  periodTo: timestamp.nullable(),
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
};

export const reviewSchema = z
  .object({
    ...reviewTimes,
    title: z.string(),
    scopeSpId: z.uuid().nullable(),
    scopePortPrefix: z.string().nullable(),
    scheduleId: z.uuid().nullable(),
    createdBy: z.string().nullable(),
    closedBy: z.string().nullable(),
    summary: reviewSummarySchema.optional(),
  })
  .openapi("Review");

export const reviewForSpSchema = z
  .object({ ...reviewTimes, summary: reviewSummarySchema.openapi({ description: "Counts of this SP's own findings only" }) })
  .openapi("ReviewForSp", {
    description: "A review as an SP sees it (only reviews holding a finding about it): no title, scope or authors, and counts of its own findings only",
  });

export const findingSchema = z
  .object({
    id: z.uuid(),
    reviewId: z.uuid(),
    type: z.string(),
    severity: z.enum(findingSeverities),
    subjectType: z.enum(findingSubjects),
    subjectId: z.string(),
    subjectLabel: z.string().nullable(),
    spId: z.uuid().nullable(),
    evidence: z.record(z.string(), z.unknown()).openapi({
      description:
        "counts, series (per day), samples (≤5 redacted journal rows) and type-specific details. For an SP, cut to its own data: samples only where they are its own journal rows (samplesWithheld counts the others), no sendingSpId of another SP, a look-alike's original by its text only, no leader rank",
    }),
    recommendedAction: z.enum(findingActions),
    status: z.enum(findingStatuses),
    decision: z.enum(findingDecisions).nullable(),
    decisionReason: z.string().nullable(),
    dueDate: z.string().nullable(),
    decidedAt: timestamp.nullable(),
    decidedBy: z.string().nullable().openapi({ description: "Who decided (null for an SP)" }),
    reopenedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi("ReviewFinding");

export const scheduleSchema = z
  .object({
    id: z.uuid(),
    cadence: z.enum(reviewCadences),
    scopeSpId: z.uuid().nullable(),
    scopePortPrefix: z.string().nullable(),
    nextRunAt: timestamp,
    lastRunAt: timestamp.nullable(),
    status: z.enum(reviewScheduleStatuses),
    createdBy: z.string().nullable(),
    createdAt: timestamp,
  })
  .openapi("ReviewSchedule");

export const reportSchema = z
  .object({
    review: reviewSchema,
    generatedAt: z.string(),
    countsByType: z.record(z.string(), z.object({ total: z.number().int(), high: z.number().int(), medium: z.number().int(), low: z.number().int(), info: z.number().int() })),
    actionsTaken: z.record(z.string(), z.number().int()),
    findings: z.array(findingSchema),
  })
  .openapi("ReviewReport");

export type CreateReviewInput = z.infer<typeof createReviewBody>;
export type DecisionInput = z.infer<typeof decisionBody>;
export type CreateScheduleInput = z.infer<typeof createScheduleBody>;
export type ListReviewsFilter = z.infer<typeof listReviewsQuery>;
export type ListFindingsFilter = z.infer<typeof listFindingsQuery>;

import { sql } from "drizzle-orm";
import { date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns.ts";

export const reviewScheduleStatuses = ["active", "paused"] as const;

export const complaintChannels = ["12321", "10086", "10010", "other"] as const;
export const complaintTypes = ["unwanted_marketing", "fraud", "other"] as const;
export const attributionConfidences = ["high", "medium", "low", "none"] as const;

/**
 * Complaints (12321 clue transfers and the operators' own hotlines), attributed at intake to the
 * port, extension, SP, signature and enterprise that most likely sent the message. The recipient
 * is a keyed hash plus a mask; the text is stored redacted (digit runs masked).
 */
export const complaints = pgTable(
  "complaints",
  {
    id: id(),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull(),
    channel: text("channel", { enum: complaintChannels }).notNull(),
    type: text("type", { enum: complaintTypes }).notNull(),
    /** The number the recipient saw: port + extension. */
    sendingNumber: text("sending_number").notNull(),
    recipientHash: text("recipient_hash").notNull(),
    recipientMask: text("recipient_mask").notNull(),
    text: text("text").notNull(),
    /** Attribution (all nullable: a complaint may match nothing). */
    portId: uuid("port_id"),
    extension: text("extension"),
    spId: uuid("sp_id"),
    extensionEnterpriseId: uuid("extension_enterprise_id"),
    signatureId: uuid("signature_id"),
    signatureText: text("signature_text"),
    enterpriseId: uuid("enterprise_id"),
    confidence: text("confidence", { enum: attributionConfidences }).notNull(),
    reasons: jsonb("reasons").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    matchedRejections: integer("matched_rejections").notNull().default(0),
    matchedAccepted: integer("matched_accepted").notNull().default(0),
    optOutId: uuid("opt_out_id"),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [
    index("complaints_received").on(t.receivedAt),
    index("complaints_sp_received").on(t.spId, t.receivedAt),
    index("complaints_signature_received").on(t.signatureId, t.receivedAt),
    index("complaints_port_received").on(t.portId, t.receivedAt),
    index("complaints_confidence").on(t.confidence),
  ],
);

export const reviewKinds = ["campaign", "continuous"] as const;
export const reviewStatuses = ["open", "closed"] as const;

/**
 * A look-back review (回头看): a campaign over a scope and period, or the one always-open
 * "continuous" review that collects threshold findings as complaints arrive.
 */
export const reviews = pgTable(
  "reviews",
  {
    id: id(),
    kind: text("kind", { enum: reviewKinds }).notNull(),
    status: text("status", { enum: reviewStatuses }).notNull().default("open"),
    title: text("title").notNull(),
    scopeSpId: uuid("scope_sp_id"),
    scopePortPrefix: text("scope_port_prefix"),
    periodFrom: timestamp("period_from", { withTimezone: true, mode: "date" }),
    periodTo: timestamp("period_to", { withTimezone: true, mode: "date" }),
    scheduleId: uuid("schedule_id"),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    closedAt: timestamp("closed_at", { withTimezone: true, mode: "date" }),
    closedBy: text("closed_by"),
  },
  (t) => [uniqueIndex("reviews_one_continuous").on(t.kind).where(sql`kind = 'continuous'`), index("reviews_schedule").on(t.scheduleId)],
);

export const findingSeverities = ["info", "low", "medium", "high"] as const;
export const findingActions = ["none", "rectify", "suspend", "revoke"] as const;
export const findingDecisions = ["no_action", "rectify", "suspend", "revoke"] as const;
export const findingStatuses = ["open", "decided", "reopened"] as const;
export const findingSubjects = ["signature", "port", "extension", "sp", "account"] as const;

/** One thing a review found, with its evidence and (once decided) what was done about it. */
export const reviewFindings = pgTable(
  "review_findings",
  {
    id: id(),
    reviewId: uuid("review_id")
      .notNull()
      .references(() => reviews.id),
    type: text("type").notNull(),
    severity: text("severity", { enum: findingSeverities }).notNull(),
    subjectType: text("subject_type", { enum: findingSubjects }).notNull(),
    subjectId: text("subject_id").notNull(),
    subjectLabel: text("subject_label"),
    /** The SP the subject belongs to, so an SP can read findings about itself. */
    spId: uuid("sp_id"),
    evidence: jsonb("evidence").$type<Record<string, unknown>>().notNull(),
    recommendedAction: text("recommended_action", { enum: findingActions }).notNull(),
    status: text("status", { enum: findingStatuses }).notNull().default("open"),
    decision: text("decision", { enum: findingDecisions }),
    decisionReason: text("decision_reason"),
    dueDate: date("due_date", { mode: "string" }),
    decidedAt: timestamp("decided_at", { withTimezone: true, mode: "date" }),
    decidedBy: text("decided_by"),
    reopenedAt: timestamp("reopened_at", { withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("review_findings_review").on(t.reviewId, t.id),
    uniqueIndex("review_findings_subject").on(t.reviewId, t.type, t.subjectType, t.subjectId),
    index("review_findings_due").on(t.status, t.dueDate),
  ],
);

export const reviewCadences = ["monthly", "quarterly"] as const;

/** Recurring reviews: runDueSchedules opens one per period. */
export const reviewSchedules = pgTable("review_schedules", {
  id: id(),
  cadence: text("cadence", { enum: reviewCadences }).notNull(),
  scopeSpId: uuid("scope_sp_id"),
  scopePortPrefix: text("scope_port_prefix"),
  nextRunAt: timestamp("next_run_at", { withTimezone: true, mode: "date" }).notNull(),
  lastRunAt: timestamp("last_run_at", { withTimezone: true, mode: "date" }),
  status: text("status", { enum: reviewScheduleStatuses }).notNull().default("active"),
  createdBy: text("created_by"),
  createdAt: createdAt(),
});

import { bigserial, boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { categories, enterprises, serviceProviders } from "./registry.ts";

/** How a consent was given (《通信短信息服务管理规定》 art. 18: the request states type, frequency and period). */
export const consentSources = ["web_form", "app", "in_store", "sms_reply", "contract"] as const;
/** Why a consent stopped counting: withdrawn through the API, by an opt-out (MO, API, complaint). */
export const consentWithdrawalCauses = ["api", "opt_out"] as const;
export const consentEntryKinds = ["grant", "withdrawal"] as const;

/**
 * The consent ledger: an append-only, hash-chained list of entries (src/consents/consents.chain.ts).
 * A `grant` records that a recipient (keyed hash + mask, as opt-outs) consented to an enterprise's
 * messages of some categories for a stated frequency and period; a `withdrawal` names the grant it
 * ends. Chained fields are never updated; `withdrawn_at` on a grant is a projection of its
 * withdrawal entry (for the hot queries), cross-checked by the verify endpoint. Retention erases a
 * row's personal fields (`pruned_at`) but keeps its hash, so the chain still verifies.
 */
export const consents = pgTable(
  "consents",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    id: uuid("id").notNull().unique(),
    kind: text("kind", { enum: consentEntryKinds }).notNull(),
    /** For a withdrawal: the grant it ends. */
    grantId: uuid("grant_id"),
    recipientHash: text("recipient_hash").notNull(),
    recipientMask: text("recipient_mask").notNull(),
    enterpriseId: uuid("enterprise_id").notNull().references(() => enterprises.id),
    categories: text("categories", { enum: categories }).array().notNull(),
    /** The stated frequency as the request put it, e.g. "每周不超过2条". */
    frequency: text("frequency"),
    /** The stated period in days; the grant expires `period_days` after `consented_at`. */
    periodDays: integer("period_days"),
    consentedAt: timestamp("consented_at", { withTimezone: true, mode: "date" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    source: text("source", { enum: consentSources }),
    evidenceRef: text("evidence_ref"),
    /** For a withdrawal: why (api, opt_out) and the free-text reason. */
    cause: text("cause", { enum: consentWithdrawalCauses }),
    reason: text("reason"),
    recordedAt: timestamp("recorded_at", { withTimezone: true, mode: "date" }).notNull(),
    recordedByType: text("recorded_by_type").notNull(),
    recordedById: text("recorded_by_id"),
    /** The SP that recorded it (SP tokens), so an SP lists only its own records. */
    spId: uuid("sp_id").references(() => serviceProviders.id),
    withdrawnAt: timestamp("withdrawn_at", { withTimezone: true, mode: "date" }),
    prunedAt: timestamp("pruned_at", { withTimezone: true, mode: "date" }),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("consents_recipient_enterprise").on(t.recipientHash, t.enterpriseId),
    index("consents_enterprise").on(t.enterpriseId),
    index("consents_expires").on(t.expiresAt),
    index("consents_grant").on(t.grantId),
    index("consents_sp").on(t.spId),
  ],
);

/**
 * Consent requests sent (accepted by the gatekeeper): one row per recipient × enterprise, the time
 * of the last one. A second request within the configured period is refused
 * (consent_request_repeated); a reply 是/Y/同意 records consent only while a request is pending.
 */
export const consentRequests = pgTable(
  "consent_requests",
  {
    id: uuid("id").primaryKey(),
    recipientHash: text("recipient_hash").notNull(),
    recipientMask: text("recipient_mask").notNull(),
    enterpriseId: uuid("enterprise_id").notNull().references(() => enterprises.id),
    signatureId: uuid("signature_id"),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }).notNull(),
    answered: boolean("answered").notNull().default(false),
  },
  (t) => [uniqueIndex("consent_requests_recipient_enterprise").on(t.recipientHash, t.enterpriseId), index("consent_requests_sent").on(t.sentAt)],
);

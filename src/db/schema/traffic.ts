import { bigint, bigserial, boolean, date, index, integer, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/** Who sent a judged submission, as the proxy saw it (plain ids, no foreign keys). */
function senderColumns() {
  return {
    spId: uuid("sp_id"),
    accountId: uuid("account_id"),
    portId: uuid("port_id"),
    sourceAddr: text("source_addr"),
    signatureId: uuid("signature_id"),
    signatureText: text("signature_text"),
    enterpriseId: uuid("enterprise_id"),
  };
}

/**
 * The journal: every refusal (and every would-be refusal in monitor mode), with personal data minimised.
 * The table is range-partitioned by month on `at` (drizzle/0001_partition_rejections.sql; PGlite too), so
 * retention drops whole partitions (src/journal/partitions.ts). Every unique key must include `at`.
 */
export const rejections = pgTable(
  "rejections",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    /** Unique per verdict (instance + sequence), so a replayed spool never double-writes. */
    eventId: text("event_id").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    reason: text("reason").notNull(),
    monitor: boolean("monitor").notNull().default(false),
    command: text("command").notNull(),
    ...senderColumns(),
    category: text("category"),
    recipientHash: text("recipient_hash"),
    recipientMask: text("recipient_mask"),
    text: text("text"),
    remoteAddress: text("remote_address"),
    /** The rule's detail (registry ids, the content rule and its category, the domain); never a recipient's number. */
    detail: text("detail"),
  },
  (t) => [
    primaryKey({ columns: [t.at, t.id] }),
    uniqueIndex("rejections_event").on(t.eventId, t.at),
    index("rejections_sp_at").on(t.spId, t.at),
    index("rejections_reason_at").on(t.reason, t.at),
    // Reviews and complaint attribution look rows up by port and by recipient.
    index("rejections_port_at").on(t.portId, t.at),
    index("rejections_recipient_at").on(t.recipientHash, t.at),
    // Refusals by signature (API filter, review samples per signature).
    index("rejections_signature_at").on(t.signatureId, t.at),
  ],
);

/**
 * Refusals counted per China calendar day and per the dimensions the charts, filters and review
 * findings group by. Maintained by a statement-level trigger on `rejections` (drizzle/0002), in the
 * same transaction as the rows, so it can never disagree with the journal; counting a month of a
 * 10-million-row journal reads thousands of these rows instead of millions of journal rows.
 */
export const rejectionCounts = pgTable(
  "rejection_counts",
  {
    day: date("day", { mode: "string" }).notNull(),
    reason: text("reason").notNull(),
    monitor: boolean("monitor").notNull(),
    spId: uuid("sp_id"),
    accountId: uuid("account_id"),
    portId: uuid("port_id"),
    signatureId: uuid("signature_id"),
    enterpriseId: uuid("enterprise_id"),
    remoteAddress: text("remote_address"),
    count: bigint("count", { mode: "number" }).notNull(),
  },
  (t) => [
    unique("rejection_counts_key").on(t.day, t.reason, t.monitor, t.spId, t.accountId, t.portId, t.signatureId, t.enterpriseId, t.remoteAddress).nullsNotDistinct(),
    // The console's and reviews' usual filters, so a busy registry's counters are not scanned whole.
    index("rejection_counts_sp_day").on(t.spId, t.day),
    index("rejection_counts_port_day").on(t.portId, t.day),
    index("rejection_counts_signature_day").on(t.signatureId, t.day),
  ],
);

/** Per-day counters by SP, port, signature and category. */
export const trafficDaily = pgTable(
  "traffic_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    spId: uuid("sp_id").notNull(),
    portId: uuid("port_id").notNull(),
    signatureId: uuid("signature_id").notNull(),
    enterpriseId: uuid("enterprise_id").notNull(),
    category: text("category").notNull(),
    accepted: bigint("accepted", { mode: "number" }).notNull().default(0),
    refused: bigint("refused", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.spId, t.portId, t.signatureId, t.category] })],
);

/**
 * SMSC message_id → the account that sent it, so receipts find their way back (survives restarts,
 * shared by every proxy). `smsc_message_id` is the id exactly as the SMSC gave it in submit_sm_resp;
 * `canonical_id` (lower case, no leading zeros) finds the aliases a receipt may use instead, which
 * are used only when exactly one route matches (src/gateway/message-id.ts). `sp_message_id` is the
 * id the SP was given when it differs (submit_multi: one id for the SP, one per destination from
 * the SMSC); the receipt is rewritten to carry it.
 */
export const messageRoutes = pgTable(
  "message_routes",
  {
    smscMessageId: text("smsc_message_id").primaryKey(),
    canonicalId: text("canonical_id"),
    spMessageId: text("sp_message_id"),
    accountId: uuid("account_id").notNull(),
    spId: uuid("sp_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("message_routes_created").on(t.createdAt), index("message_routes_canonical").on(t.canonicalId)],
);

/**
 * Receipts whose id matched several routes only through an alias (decimal/hex, case, leading
 * zeros): held here for the operator, never guessed; purged with the routes.
 */
export const ambiguousReceipts = pgTable(
  "ambiguous_receipts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    receiptId: text("receipt_id").notNull(),
    /** The SMSC ids (as issued) that the receipt's id could stand for. */
    candidates: text("candidates").notNull(),
    pdu: text("pdu").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("ambiguous_receipts_created").on(t.createdAt)],
);

/**
 * The enterprise that last wrote to a recipient from a port, any category, so a bare "T" to the
 * port opts out of that enterprise after a restart and on every proxy. The recipient is a keyed
 * hash; rows are purged after LAST_SENDER_RETENTION (30 days) by the maintenance loop.
 */
export const lastSenders = pgTable(
  "last_senders",
  {
    recipientHash: text("recipient_hash").notNull(),
    portId: uuid("port_id").notNull(),
    enterpriseId: uuid("enterprise_id").notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.recipientHash, t.portId] }), index("last_senders_sent").on(t.sentAt)],
);

/** Receipts and MO waiting for an account with no receiver bound (bounded, expiring). */
export const pendingDeliveries = pgTable(
  "pending_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    accountId: uuid("account_id"),
    spId: uuid("sp_id").notNull(),
    kind: text("kind", { enum: ["receipt", "mo"] }).notNull(),
    pdu: text("pdu").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    attempts: integer("attempts").notNull().default(0),
  },
  (t) => [index("pending_deliveries_sp").on(t.spId, t.id), index("pending_deliveries_account").on(t.accountId, t.id)],
);

/** Journal batches already written: replaying a spooled batch twice writes it once. */
export const journalBatches = pgTable("journal_batches", {
  batchId: text("batch_id").primaryKey(),
  appliedAt: timestamp("applied_at", { withTimezone: true, mode: "date" }).notNull(),
  rows: integer("rows").notNull(),
});

/**
 * Marketing submitted to a honeypot number: who sent it (written by the proxy, read by the
 * `honeypot_hit` finding and the automatic suspension). `refused` when another rule refused it.
 */
export const honeypotHits = pgTable(
  "honeypot_hits",
  {
    id: uuid("id").primaryKey(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    honeypotHash: text("honeypot_hash").notNull(),
    ...senderColumns(),
    refused: boolean("refused").notNull(),
  },
  (t) => [index("honeypot_hits_signature_at").on(t.signatureId, t.at), index("honeypot_hits_at").on(t.at)],
);

/**
 * Carrier-wide verification counters shared by proxies without Redis: one row per (window kind,
 * window number, recipient). Each proxy adds its local counts in batches (see src/velocity/).
 */
export const velocityCounters = pgTable(
  "velocity_counters",
  {
    window: text("window").notNull(),
    bucket: bigint("bucket", { mode: "number" }).notNull(),
    recipientHash: text("recipient_hash").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.window, t.bucket, t.recipientHash] })],
);

/** The enterprises that sent verification codes to a recipient in one clock hour (bombing signature). */
export const velocityEnterprises = pgTable(
  "velocity_enterprises",
  {
    bucket: bigint("bucket", { mode: "number" }).notNull(),
    recipientHash: text("recipient_hash").notNull(),
    enterpriseId: uuid("enterprise_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.recipientHash, t.enterpriseId] })],
);

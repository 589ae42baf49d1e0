import { sql } from "drizzle-orm";
import { check, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns.ts";

import { CATEGORIES, type Category } from "../../policy/types.ts";

/** Closed lists of the registry's columns, declared once here; services, routes and the console import them. */
export const serviceProviderStatuses = ["active", "suspended"] as const;
export const enterpriseStatuses = ["active", "suspended"] as const;
export const portStatuses = ["active", "suspended", "revoked"] as const;
export const bindAccountStatuses = ["active", "disabled"] as const;
/** `sp`: an SP's own bind; `gateway`: a trusted ISMG carrying many SPs' traffic (see README "Trusted gateway binds"). */
export const bindAccountKinds = ["sp", "gateway"] as const;
/** The protocol an account's SP speaks: SMPP bind (system_id + password) or CMPP CONNECT (SP code + shared secret). */
export const bindAccountProtocols = ["smpp", "cmpp"] as const;
export const optOutSources = ["mo", "api", "complaint"] as const;
/** The message categories are the policy's (src/policy/types.ts CATEGORIES), as a non-empty tuple for enums. */
export const categories = CATEGORIES as readonly [Category, ...Category[]];

/** SMS service providers (短信息服务企业): the aggregators that bind over SMPP. */
export const serviceProviders = pgTable("service_providers", {
  id: id(),
  name: text("name").notNull(),
  licenceNumber: text("licence_number").notNull().unique(),
  status: text("status", { enum: serviceProviderStatuses }).notNull().default("active"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Enterprises: the senders whose signatures appear in messages. */
export const enterprises = pgTable("enterprises", {
  id: id(),
  name: text("name").notNull(),
  uscc: text("uscc").notNull().unique(),
  contactName: text("contact_name"),
  contactPhone: text("contact_phone"),
  status: text("status", { enum: enterpriseStatuses }).notNull().default("active"),
  /** The SP that registered it (null when an operator did); SPs see enterprises they filed or carry. */
  filedBySpId: uuid("filed_by_sp_id").references(() => serviceProviders.id),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const contractStatuses = ["pending", "active", "refused", "terminated"] as const;

/**
 * Which SP may carry which enterprise's traffic, and when. Traffic outside a contract is sublet (违规转租).
 * Only `active` contracts count (the registry loads nothing else). An operator files them active; an
 * SP's filing is a request (`pending`) until an operator approves (`active`) or refuses it
 * (`refused`, final); an operator ends one (`terminated`, final).
 */
export const contracts = pgTable(
  "contracts",
  {
    id: id(),
    spId: uuid("sp_id").notNull().references(() => serviceProviders.id),
    enterpriseId: uuid("enterprise_id").notNull().references(() => enterprises.id),
    validFrom: date("valid_from", { mode: "string" }).notNull(),
    validTo: date("valid_to", { mode: "string" }).notNull(),
    status: text("status", { enum: contractStatuses }).notNull().default("active"),
    /** Why it was refused or terminated (the operator's reason). */
    statusReason: text("status_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("contracts_sp_enterprise").on(t.spId, t.enterpriseId)],
);

/** Access numbers (106…), each owned by exactly one SP. */
export const ports = pgTable(
  "ports",
  {
    id: id(),
    number: text("number").notNull().unique(),
    spId: uuid("sp_id").notNull().references(() => serviceProviders.id),
    status: text("status", { enum: portStatuses }).notNull().default("active"),
    statusReason: text("status_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("ports_sp").on(t.spId)],
);

/** Sub-port extensions (the digits an SP appends to a port), each assigned to one enterprise. */
export const portExtensions = pgTable(
  "port_extensions",
  {
    id: id(),
    portId: uuid("port_id").notNull().references(() => ports.id),
    extension: text("extension").notNull(),
    enterpriseId: uuid("enterprise_id").notNull().references(() => enterprises.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("port_extensions_port_extension").on(t.portId, t.extension)],
);

/**
 * Bind accounts. The password is stored only as a hash. A CMPP account (`protocol` cmpp, systemId =
 * the SP's 6-character code) also keeps its shared secret sealed under SECRETS_KEY
 * (src/lib/secrets.ts): CMPP's authenticator is an MD5 over the secret, so it must be recoverable.
 */
export const bindAccounts = pgTable(
  "bind_accounts",
  {
    id: id(),
    /** The SP whose bind this is; null for a gateway account, whose messages belong to their source port's owner. */
    spId: uuid("sp_id").references(() => serviceProviders.id),
    kind: text("kind", { enum: bindAccountKinds }).notNull().default("sp"),
    /** Gateway accounts only: the SPs whose ports it may carry (empty = every SP). */
    carriedSpIds: uuid("carried_sp_ids").array().notNull().default(sql`'{}'::uuid[]`),
    systemId: text("system_id").notNull().unique(),
    passwordHash: text("password_hash").notNull(),
    protocol: text("protocol", { enum: bindAccountProtocols }).notNull().default("smpp"),
    /** AES-256-GCM seal of the CMPP shared secret (null for SMPP accounts); never returned, never logged. */
    secretSealed: text("secret_sealed"),
    allowedIps: text("allowed_ips").array().notNull().default(sql`'{}'::text[]`),
    maxBinds: integer("max_binds").notNull().default(4),
    maxSubmitsPerSecond: integer("max_submits_per_second").notNull().default(100),
    defaultCategory: text("default_category", { enum: categories }).notNull().default("notification"),
    status: text("status", { enum: bindAccountStatuses }).notNull().default("active"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("bind_accounts_sp").on(t.spId),
    // An SP's bind has its SP; a gateway's has none (its messages are attributed per source port).
    check("bind_accounts_kind_sp", sql`(${t.kind} = 'sp') = (${t.spId} is not null)`),
  ],
);

export const signatureStatuses = ["pending", "approved", "rejected", "suspended", "revoked"] as const;
export const evidenceKinds = ["business_licence", "trademark", "app", "website", "organisation_name"] as const;

/** Signatures: the text inside 【】, NFKC-normalised; one normalised text belongs to one enterprise. */
export const signatures = pgTable(
  "signatures",
  {
    id: id(),
    /** Unique among filings not released (see releasedAt): an operator may reclaim a revoked or rejected text. */
    text: text("text").notNull(),
    /** Confusable skeleton of text (src/policy/skeleton.ts); null on rows filed before it existed, filled on the next filing. */
    skeleton: text("skeleton"),
    /** When an operator released this revoked filing's text for a new filing (reclaim); null while the text is held. */
    releasedAt: timestamp("released_at", { withTimezone: true, mode: "date" }),
    enterpriseId: uuid("enterprise_id").notNull().references(() => enterprises.id),
    spId: uuid("sp_id").notNull().references(() => serviceProviders.id),
    status: text("status", { enum: signatureStatuses }).notNull().default("pending"),
    statusReason: text("status_reason"),
    scope: text("scope", { enum: categories }).array().notNull(),
    evidenceKind: text("evidence_kind", { enum: evidenceKinds }),
    evidenceReference: text("evidence_reference"),
    evidenceExpiresOn: date("evidence_expires_on", { mode: "string" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    approvedAt: timestamp("approved_at", { withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("signatures_enterprise").on(t.enterpriseId),
    index("signatures_sp").on(t.spId),
    uniqueIndex("signatures_text_held").on(t.text).where(sql`${t.releasedAt} is null`),
    index("signatures_skeleton").on(t.skeleton),
  ],
);

/**
 * Where a signature may be sent from: a port, optionally narrowed to one extension.
 * extension '' means the port itself and any extension assigned to the signature's enterprise.
 */
export const signaturePorts = pgTable(
  "signature_ports",
  {
    signatureId: uuid("signature_id").notNull().references(() => signatures.id),
    portId: uuid("port_id").notNull().references(() => ports.id),
    extension: text("extension").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.signatureId, t.portId, t.extension] }), index("signature_ports_port").on(t.portId)],
);

/** Recipient × enterprise opt-outs. Recipients are a keyed hash plus a masked form, never clear. */
export const optOuts = pgTable(
  "opt_outs",
  {
    id: id(),
    recipientHash: text("recipient_hash").notNull(),
    recipientMask: text("recipient_mask").notNull(),
    enterpriseId: uuid("enterprise_id").notNull().references(() => enterprises.id),
    source: text("source", { enum: optOutSources }).notNull(),
    signatureId: uuid("signature_id").references(() => signatures.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("opt_outs_recipient_enterprise").on(t.recipientHash, t.enterpriseId), index("opt_outs_enterprise").on(t.enterpriseId)],
);

/** Operator-wide do-not-disturb list. */
export const doNotDisturb = pgTable("do_not_disturb", {
  id: id(),
  recipientHash: text("recipient_hash").notNull().unique(),
  recipientMask: text("recipient_mask").notNull(),
  reason: text("reason"),
  createdAt: createdAt(),
});

/** Key/value settings: the generated PII key, rule modes (enforce/monitor), quiet hours, caps. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: updatedAt(),
});


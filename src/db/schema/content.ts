import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns.ts";
import { categories, enterprises, serviceProviders, signatures } from "./registry.ts";

/**
 * What a message may say (issue 15): the link and call-back allowlists, operator content rules and
 * signature templates. Allowlist entries and templates are filed (by an SP for an enterprise it
 * carries, or by an operator) as `pending`, and count only once an operator approves them;
 * `revoked` is final (file again). The proxies' snapshot holds the approved ones and the active
 * content rules (src/registry/content.ts), refreshed through the change feed.
 */
export const allowlistStatuses = ["pending", "approved", "revoked"] as const;

/** The columns every filed entry carries: its review status (and why), when it was approved, and timestamps. */
function filingColumns() {
  return {
    status: text("status", { enum: allowlistStatuses }).notNull().default("pending"),
    statusReason: text("status_reason"),
    approvedAt: timestamp("approved_at", { withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  };
}

/** Domains an enterprise may link to: the registrable domain (eTLD+1, punycode), with its ICP filing. */
export const linkDomains = pgTable(
  "link_domains",
  {
    id: id(),
    enterpriseId: uuid("enterprise_id").notNull().references(() => enterprises.id),
    /** The SP that filed it; null when an operator did. */
    spId: uuid("sp_id").references(() => serviceProviders.id),
    domain: text("domain").notNull(),
    /** ICP filing number (京ICP备12345678号-1), the evidence the operator checks. */
    icpNumber: text("icp_number").notNull(),
    ...filingColumns(),
  },
  (t) => [
    // One live filing per enterprise and domain; a revoked one may be filed again.
    uniqueIndex("link_domains_enterprise_domain_live").on(t.enterpriseId, t.domain).where(sql`${t.status} <> 'revoked'`),
    index("link_domains_sp").on(t.spId),
    index("link_domains_status").on(t.status),
  ],
);

export const callbackKinds = ["mobile", "landline", "400", "800", "95", "96", "short", "other"] as const;

/** An enterprise's registered service numbers (call-back numbers), normalised as content/phones.ts reads them. */
export const callbackNumbers = pgTable(
  "callback_numbers",
  {
    id: id(),
    enterpriseId: uuid("enterprise_id").notNull().references(() => enterprises.id),
    spId: uuid("sp_id").references(() => serviceProviders.id),
    number: text("number").notNull(),
    kind: text("kind", { enum: callbackKinds }).notNull(),
    ...filingColumns(),
  },
  (t) => [
    uniqueIndex("callback_numbers_enterprise_number_live").on(t.enterpriseId, t.number).where(sql`${t.status} <> 'revoked'`),
    index("callback_numbers_sp").on(t.spId),
  ],
);

export const contentCategories = ["loan", "gambling", "fraud", "contact_diversion", "prohibited_goods", "other"] as const;
export const contentRuleModes = ["enforce", "monitor", "off"] as const;

/** Operator content rules: phrases (one automaton for all) or a pattern, per message category, with a mode. */
export const contentRules = pgTable("content_rules", {
  id: id(),
  name: text("name").notNull(),
  category: text("category", { enum: contentCategories }).notNull(),
  phrases: text("phrases").array().notNull().default(sql`'{}'::text[]`),
  pattern: text("pattern"),
  appliesTo: text("applies_to", { enum: categories }).array().notNull(),
  mode: text("mode", { enum: contentRuleModes }).notNull().default("monitor"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Approved message shapes of a signature (content/templates.ts syntax), used when the signature is templateRequired. */
export const signatureTemplates = pgTable(
  "signature_templates",
  {
    id: id(),
    signatureId: uuid("signature_id").notNull().references(() => signatures.id),
    /** The signature's SP (denormalised for the SP's scope). */
    spId: uuid("sp_id").notNull().references(() => serviceProviders.id),
    text: text("text").notNull(),
    ...filingColumns(),
  },
  (t) => [index("signature_templates_signature").on(t.signatureId), index("signature_templates_sp").on(t.spId), index("signature_templates_status").on(t.status)],
);

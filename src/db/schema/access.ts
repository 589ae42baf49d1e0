import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "./columns.ts";
import { serviceProviders } from "./registry.ts";

export const importKinds = ["enterprises", "contracts", "signatures", "complaints", "consents"] as const;
export const importStatuses = ["running", "done", "failed"] as const;
export const importRowStatuses = ["accepted", "refused"] as const;

export const roles = ["operator", "auditor", "sp"] as const;

/** API bearer tokens, stored as SHA-256 of the secret. */
export const apiTokens = pgTable("api_tokens", {
  id: id(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  prefix: text("prefix").notNull(),
  role: text("role", { enum: roles }).notNull(),
  spId: uuid("sp_id").references(() => serviceProviders.id),
  createdAt: createdAt(),
  revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
});

/** Append-only audit trail; each row's hash covers its content and the previous row's hash. */
export const auditLog = pgTable(
  "audit_log",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    actorSpId: uuid("actor_sp_id"),
    action: text("action").notNull(),
    objectType: text("object_type").notNull(),
    objectId: text("object_id").notNull(),
    objectSpId: uuid("object_sp_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    reason: text("reason"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [index("audit_object").on(t.objectType, t.objectId), index("audit_object_sp").on(t.objectSpId)],
);

/** Bulk CSV imports and their per-row results. */
export const imports = pgTable("imports", {
  id: id(),
  kind: text("kind", { enum: importKinds }).notNull(),
  spId: uuid("sp_id").references(() => serviceProviders.id),
  actorId: text("actor_id"),
  status: text("status", { enum: importStatuses }).notNull(),
  totalRows: integer("total_rows").notNull().default(0),
  acceptedRows: integer("accepted_rows").notNull().default(0),
  refusedRows: integer("refused_rows").notNull().default(0),
  createdAt: createdAt(),
  finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
});

export const importRows = pgTable(
  "import_rows",
  {
    importId: uuid("import_id").notNull().references(() => imports.id),
    rowNumber: integer("row_number").notNull(),
    status: text("status", { enum: importRowStatuses }).notNull(),
    objectId: uuid("object_id"),
    code: text("code"),
    detail: text("detail"),
  },
  (t) => [index("import_rows_import").on(t.importId, t.rowNumber)],
);

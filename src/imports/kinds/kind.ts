import type { z } from "@hono/zod-openapi";
import type { ServiceContext } from "../../context.ts";
import type { ServiceError } from "../../lib/errors.ts";
import type { imports } from "../../db/schema/index.ts";

export type ImportKindName = (typeof imports.$inferSelect)["kind"];

/**
 * One kind of CSV import: the row schema (the single-create endpoint's body schema, so a row is
 * judged exactly as a POST would be) and the service call that registers one row. The CSV
 * header names are the schema's keys.
 */
export interface ImportKind<Schema extends z.ZodObject = z.ZodObject> {
  name: ImportKindName;
  rowSchema: Schema;
  /** Only operators may import this kind (complaints); others get 403 before the file is read. */
  operatorOnly?: boolean;
  importRow(ctx: ServiceContext, row: z.infer<Schema>): Promise<{ id: string }>;
  /**
   * A whole batch at once (inside the batch's transaction), for kinds imported by the million
   * (consents): one result per row, in order, the created object or the ServiceError that refused it.
   * When present it is used instead of importRow.
   */
  importBatch?(ctx: ServiceContext, rows: z.infer<Schema>[]): Promise<({ id: string } | ServiceError)[]>;
  /** Runs once after the file, outside the row transactions, when at least one row was accepted (complaints evaluate thresholds here). */
  afterImport?(ctx: ServiceContext): Promise<unknown>;
}

export function defineImportKind<Schema extends z.ZodObject>(kind: ImportKind<Schema>): ImportKind<Schema> {
  return kind;
}

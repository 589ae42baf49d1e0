import { eq, sql } from "drizzle-orm";
import type { z } from "@hono/zod-openapi";
import { importRows, imports } from "../db/schema/index.ts";
import { withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import type { ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { ServiceError } from "../lib/errors.ts";
import type { ImportKind } from "./kinds/index.ts";

export type ImportRecord = typeof imports.$inferSelect;
export type ImportRowRecord = typeof importRows.$inferSelect;

export interface PendingRow {
  rowNumber: number;
  record: Record<string, string>;
}

/** Empty cells mean "not given", so optional fields behave as in the JSON API. */
function cleanRecord(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) if (value !== "") out[key] = value;
  return out;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(row)"}: ${issue.message}`).join("; ");
}

function describeServiceError(error: ServiceError): string {
  if (!error.errors?.length) return error.message;
  return error.errors.map((e) => `${e.path}: ${e.message}`).join("; ");
}

/** The import's own row (status running) and its audit row. */
export function createImportRecord(ctx: ServiceContext, kind: ImportKind, spId: string | null): Promise<ImportRecord> {
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(imports)
      .values({ id: newId(), kind: kind.name, spId, actorId: tx.actor.id, status: "running", createdAt: tx.now })
      .returning();
    await recordAudit(tx, { action: "import.create", objectType: "import", objectId: row!.id, objectSpId: spId, after: row });
    return row!;
  });
}

/** Registers one row with the kind's service (inside the batch's transaction, a savepoint); a ServiceError refuses only this row. */
async function importOne(tx: ServiceContext, kind: ImportKind, importId: string, { rowNumber, record }: PendingRow): Promise<ImportRowRecord> {
  const parsed = kind.rowSchema.safeParse(cleanRecord(record));
  if (!parsed.success) return { importId, rowNumber, status: "refused", objectId: null, code: "VALIDATION_FAILED", detail: describeIssues(parsed.error) };
  try {
    const created = await kind.importRow(tx, parsed.data);
    return { importId, rowNumber, status: "accepted", objectId: created.id, code: null, detail: null };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return { importId, rowNumber, status: "refused", objectId: null, code: error.code, detail: describeServiceError(error) };
  }
}

/**
 * One batch in one transaction: each row registered (or refused), the results and any trailing
 * ones (a malformed file's last word) stored in import_rows, the import's counters moved on.
 */
export function importBatch(ctx: ServiceContext, kind: ImportKind, importId: string, batch: PendingRow[], trailing: ImportRowRecord[] = []): Promise<ImportRowRecord[]> {
  return withTransaction(ctx, async (tx) => {
    const results: ImportRowRecord[] = [];
    for (const row of batch) results.push(await importOne(tx, kind, importId, row));
    results.push(...trailing);
    if (results.length) await tx.db.insert(importRows).values(results);
    const accepted = results.filter((r) => r.status === "accepted").length;
    await tx.db
      .update(imports)
      .set({
        totalRows: sql`${imports.totalRows} + ${results.length}`,
        acceptedRows: sql`${imports.acceptedRows} + ${accepted}`,
        refusedRows: sql`${imports.refusedRows} + ${results.length - accepted}`,
      })
      .where(eq(imports.id, importId));
    return results;
  });
}

/** Closes the import as done or failed, with its audit row. */
export function finishImportRecord(ctx: ServiceContext, record: ImportRecord, status: "done" | "failed"): Promise<ImportRecord> {
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db.update(imports).set({ status, finishedAt: tx.now }).where(eq(imports.id, record.id)).returning();
    await recordAudit(tx, { action: "import.finish", objectType: "import", objectId: row!.id, objectSpId: record.spId, before: record, after: row });
    return row!;
  });
}

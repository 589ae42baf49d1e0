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

/** A batch through kind.importBatch: rows that fail the schema are refused here, the rest go in one call. */
async function importWholeBatch(tx: ServiceContext, kind: ImportKind, importId: string, batch: PendingRow[]): Promise<ImportRowRecord[]> {
  const results: ImportRowRecord[] = [];
  const valid: { index: number; data: unknown }[] = [];
  for (const { rowNumber, record: raw } of batch) {
    const parsed = kind.rowSchema.safeParse(cleanRecord(raw));
    if (parsed.success) valid.push({ index: results.length, data: parsed.data });
    results.push({ importId, rowNumber, status: "refused", objectId: null, code: "VALIDATION_FAILED", detail: parsed.success ? null : describeIssues(parsed.error) });
  }
  const outcomes = await kind.importBatch!(tx, valid.map((v) => v.data as never));
  outcomes.forEach((outcome, i) => {
    const row = results[valid[i]!.index]!;
    if (outcome instanceof ServiceError) Object.assign(row, { code: outcome.code, detail: describeServiceError(outcome) });
    else Object.assign(row, { status: "accepted", objectId: outcome.id, code: null, detail: null });
  });
  return results;
}

/**
 * One batch in one transaction: each row registered (or refused), the results and any trailing
 * ones (a malformed file's last word) stored in import_rows, the import's counters moved on.
 */
export function importBatch(ctx: ServiceContext, kind: ImportKind, importId: string, batch: PendingRow[], trailing: ImportRowRecord[] = []): Promise<ImportRowRecord[]> {
  return withTransaction(ctx, async (tx) => {
    // A kind with importBatch takes the whole batch in one call (the consent import); others row by row.
    const results: ImportRowRecord[] = kind.importBatch ? await importWholeBatch(tx, kind, importId, batch) : [];
    if (!kind.importBatch) for (const row of batch) results.push(await importOne(tx, kind, importId, row));
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

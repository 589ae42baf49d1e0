import { parse, type Parser } from "csv-parse";
import { eq, sql } from "drizzle-orm";
import type { z } from "@hono/zod-openapi";
import { importRows, imports } from "../db/schema/index.ts";
import { withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { isOperator, spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { ServiceError, forbidden, type FieldError } from "../lib/errors.ts";
import type { ImportKind } from "./kinds/index.ts";

export type ImportRecord = typeof imports.$inferSelect;
export type ImportRowRecord = typeof importRows.$inferSelect;

export interface RunImportOptions {
  /** Rows per transaction: a batch commits (or fails) together, a bad row only refuses itself. */
  batchSize?: number;
  /** Results are returned inline only for files up to this many rows; larger ones are paged from /rows. */
  inlineLimit?: number;
  /** The clock for per-batch timestamps (a long import should not stamp everything with its start time). */
  clock?: () => Date;
}

export interface ImportOutcome {
  import: ImportRecord;
  /** Per-row results, present only when the file had at most `inlineLimit` rows. */
  rows?: ImportRowRecord[];
}

/** The largest CSV record (one row) accepted; a longer one is a malformed file, not a registration. */
const MAX_RECORD_BYTES = 64 * 1024;
/** Bytes handed to the parser at once, so one huge network chunk cannot become a huge pile of rows. */
const FEED_BYTES = 64 * 1024;

interface PendingRow {
  rowNumber: number;
  record: Record<string, string>;
}

/** Checks the header against the kind's columns: names are the row schema's keys. */
function headerProblems(header: string[], schema: z.ZodObject): FieldError[] {
  const known = Object.keys(schema.shape);
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (!known.includes(name)) problems.push({ path: `header.${index + 1}`, message: `unknown column '${name}'; the columns are ${known.join(", ")}` });
    if (seen.has(name)) problems.push({ path: `header.${index + 1}`, message: `column '${name}' appears twice` });
    seen.add(name);
  });
  for (const name of known) {
    const column = schema.shape[name] as z.ZodType;
    if (!seen.has(name) && !column.safeParse(undefined).success) problems.push({ path: "header", message: `required column '${name}' is missing` });
  }
  return problems;
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
 * Streams a CSV (UTF-8, optional BOM, header row) through csv-parse and registers each row with
 * the kind's own service, in transactions of `batchSize` rows. The services make their changes in
 * withTransaction, which inside a batch is a savepoint, so a refused row never takes valid ones
 * with it; any error that is not a ServiceError fails the import rather than being guessed at.
 * Results go to `import_rows`; the file is never held in memory as a whole, only about one batch.
 */
export async function runImport(
  ctx: ServiceContext,
  kind: ImportKind,
  body: AsyncIterable<Uint8Array | string>,
  options: RunImportOptions = {},
): Promise<ImportOutcome> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot import");
  if (kind.operatorOnly && !isOperator(ctx.actor)) throw forbidden(`only an operator imports ${kind.name}`);
  const batchSize = options.batchSize ?? 500;
  const inlineLimit = options.inlineLimit ?? 100;
  const clock = options.clock ?? (() => ctx.now);
  const spId = spScope(ctx.actor) ?? null;

  // Rows are taken off the parser in on_record, synchronously, so that every row before a syntax
  // error is kept (a stream iterator would drop rows still buffered when the error arrives), and
  // the input is fed one slice at a time: at most one slice's rows wait in memory.
  let header: FieldError[] | undefined;
  let parseError: Error | undefined;
  const parsed: Record<string, string>[] = [];
  const parser: Parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
    columns: (names: string[]) => {
      const trimmed = names.map((name) => name.trim());
      header = headerProblems(trimmed, kind.rowSchema);
      if (header.length) throw new Error("header rejected");
      return trimmed;
    },
    on_record: (row: Record<string, string>) => {
      parsed.push(row);
      return null;
    },
  });
  parser.on("error", (error) => {
    parseError ??= error;
  });
  parser.resume();
  const feed = (chunk?: Uint8Array) =>
    new Promise<void>((resolve) => {
      if (parseError || parser.destroyed) return resolve();
      const done = () => {
        parser.off("error", done);
        resolve();
      };
      parser.once("error", done);
      if (chunk === undefined) parser.end(done);
      else parser.write(chunk, done);
    });

  let record: ImportRecord | undefined;
  const inline: ImportRowRecord[] = [];
  let total = 0;

  const start = async () =>
    withTransaction({ ...ctx, now: clock() }, async (tx) => {
      const [row] = await tx.db
        .insert(imports)
        .values({ id: newId(), kind: kind.name, spId, actorId: tx.actor.id, status: "running", createdAt: tx.now })
        .returning();
      await recordAudit(tx, { action: "import.create", objectType: "import", objectId: row!.id, objectSpId: spId, after: row });
      return row!;
    });

  const flush = async (batch: PendingRow[], trailing: ImportRowRecord[] = []) => {
    const importId = record!.id;
    await withTransaction({ ...ctx, now: clock() }, async (tx) => {
      const results: ImportRowRecord[] = kind.importBatch ? await importWholeBatch(tx, kind, importId, batch) : [];
      for (const { rowNumber, record: raw } of kind.importBatch ? [] : batch) {
        const parsed = kind.rowSchema.safeParse(cleanRecord(raw));
        if (!parsed.success) {
          results.push({ importId, rowNumber, status: "refused", objectId: null, code: "VALIDATION_FAILED", detail: describeIssues(parsed.error) });
          continue;
        }
        try {
          const created = await kind.importRow(tx, parsed.data);
          results.push({ importId, rowNumber, status: "accepted", objectId: created.id, code: null, detail: null });
        } catch (error) {
          if (!(error instanceof ServiceError)) throw error;
          results.push({ importId, rowNumber, status: "refused", objectId: null, code: error.code, detail: describeServiceError(error) });
        }
      }
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
      if (inline.length + results.length <= inlineLimit) inline.push(...results);
    });
  };

  const finish = async (status: "done" | "failed") =>
    withTransaction({ ...ctx, now: clock() }, async (tx) => {
      const [row] = await tx.db.update(imports).set({ status, finishedAt: tx.now }).where(eq(imports.id, record!.id)).returning();
      await recordAudit(tx, { action: "import.finish", objectType: "import", objectId: row!.id, objectSpId: spId, before: record, after: row });
      return row!;
    });

  const withInline = (row: ImportRecord, rowCount: number): ImportOutcome => ({ import: row, ...(rowCount <= inlineLimit ? { rows: inline } : {}) });

  const takeRows = (count: number): PendingRow[] =>
    parsed.splice(0, count).map((row) => {
      total++;
      // Row 1 is the header, so row numbers match what a spreadsheet shows.
      return { rowNumber: total + 1, record: row };
    });

  const consume = async (): Promise<ImportOutcome> => {
    const encoder = new TextEncoder();
    for await (const piece of body) {
      const bytes = typeof piece === "string" ? encoder.encode(piece) : piece;
      for (let offset = 0; offset < bytes.length && !parseError; offset += FEED_BYTES) {
        await feed(bytes.subarray(offset, offset + FEED_BYTES));
        while (parsed.length >= batchSize) {
          record ??= await start();
          await flush(takeRows(batchSize));
        }
      }
      if (parseError) break;
    }
    if (!parseError) await feed();
    if (header?.length) throw new ServiceError("VALIDATION_FAILED", header.map((p) => p.message).join("; "), header);
    if (header === undefined && !parseError) throw new ServiceError("VALIDATION_FAILED", "the CSV is empty; it needs a header row", [{ path: "(body)", message: "empty CSV" }]);
    if (parseError && !record && parsed.length === 0) {
      throw new ServiceError("VALIDATION_FAILED", `the CSV could not be read: ${parseError.message}`, [{ path: "(body)", message: parseError.message }]);
    }
    record ??= await start();
    const rest = takeRows(parsed.length);
    // A malformed file (an unclosed quote …): keep what was read, refuse the rest, say where it broke.
    const malformed: ImportRowRecord[] = parseError
      ? [{ importId: record.id, rowNumber: total + 2, status: "refused", objectId: null, code: "BAD_REQUEST", detail: `the CSV is malformed from this row on: ${parseError.message}` }]
      : [];
    if (rest.length === 0 && malformed.length) await flush([], malformed);
    for (let offset = 0; offset < rest.length; offset += batchSize) {
      await flush(rest.slice(offset, offset + batchSize), offset + batchSize >= rest.length ? malformed : []);
    }
    const rowCount = total + (parseError ? 1 : 0);
    const finished = await finish(parseError ? "failed" : "done");
    if (kind.afterImport && finished.acceptedRows > 0) await kind.afterImport({ ...ctx, now: clock() });
    return withInline(finished, rowCount);
  };

  try {
    return await consume();
  } catch (error) {
    // Whatever was committed stays; the import says it did not complete.
    if (record && record.status === "running") await finish("failed").catch(() => undefined);
    throw error;
  } finally {
    parser.destroy();
  }
}


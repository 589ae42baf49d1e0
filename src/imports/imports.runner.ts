import { isOperator, spScope, type ServiceContext } from "../context.ts";
import { ServiceError, forbidden } from "../lib/errors.ts";
import { CsvReader } from "./imports.csv.ts";
import { createImportRecord, finishImportRecord, importBatch, type ImportRecord, type ImportRowRecord, type PendingRow } from "./imports.records.ts";
import type { ImportKind } from "./kinds/index.ts";

export type { ImportRecord, ImportRowRecord } from "./imports.records.ts";

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

/** Why a file is refused as a whole before any row is registered, or undefined when its rows can be read. */
function refusedFile(reader: CsvReader): ServiceError | undefined {
  const { header, error } = reader;
  if (header?.length) return new ServiceError("VALIDATION_FAILED", header.map((p) => p.message).join("; "), header);
  if (header === undefined && !error) return new ServiceError("VALIDATION_FAILED", "the CSV is empty; it needs a header row", [{ path: "(body)", message: "empty CSV" }]);
  return undefined;
}

/**
 * One import from start to finish: the record created when the first batch is ready, batches of
 * `batchSize` rows each in its own transaction, the results kept inline up to `inlineLimit`.
 */
class ImportRun {
  record: ImportRecord | undefined;
  /** Rows taken off the reader so far (row 1 is the header, so row numbers match a spreadsheet). */
  total = 0;
  readonly inline: ImportRowRecord[] = [];
  private readonly spId: string | null;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly kind: ImportKind,
    private readonly options: Required<RunImportOptions>,
  ) {
    this.spId = spScope(ctx.actor) ?? null;
  }

  /** The context with the clock's time now, for one transaction. */
  now(): ServiceContext {
    return { ...this.ctx, now: this.options.clock() };
  }

  async started(): Promise<ImportRecord> {
    this.record ??= await createImportRecord(this.now(), this.kind, this.spId);
    return this.record;
  }

  take(rows: Record<string, string>[], count: number): PendingRow[] {
    return rows.splice(0, count).map((record) => ({ rowNumber: ++this.total + 1, record }));
  }

  async flush(batch: PendingRow[], trailing: ImportRowRecord[] = []): Promise<void> {
    const record = await this.started();
    const results = await importBatch(this.now(), this.kind, record.id, batch, trailing);
    if (this.inline.length + results.length <= this.options.inlineLimit) this.inline.push(...results);
  }

  /** The rows still waiting after the input ended, in batches; a malformed file's refusal goes with the last. */
  async flushRest(rest: PendingRow[], parseError: Error | undefined): Promise<void> {
    const record = await this.started();
    // A malformed file (an unclosed quote …): keep what was read, refuse the rest, say where it broke.
    const malformed: ImportRowRecord[] = parseError
      ? [{ importId: record.id, rowNumber: this.total + 2, status: "refused", objectId: null, code: "BAD_REQUEST", detail: `the CSV is malformed from this row on: ${parseError.message}` }]
      : [];
    if (rest.length === 0 && malformed.length) await this.flush([], malformed);
    const batchSize = this.options.batchSize;
    for (let offset = 0; offset < rest.length; offset += batchSize) {
      await this.flush(rest.slice(offset, offset + batchSize), offset + batchSize >= rest.length ? malformed : []);
    }
  }

  finish(status: "done" | "failed"): Promise<ImportRecord> {
    return this.started().then((record) => finishImportRecord(this.now(), record, status));
  }

  async afterImport(finished: ImportRecord): Promise<void> {
    if (this.kind.afterImport && finished.acceptedRows > 0) await this.kind.afterImport(this.now());
  }

  outcome(finished: ImportRecord, rowCount: number): ImportOutcome {
    return { import: finished, ...(rowCount <= this.options.inlineLimit ? { rows: this.inline } : {}) };
  }
}

async function consume(run: ImportRun, reader: CsvReader, body: AsyncIterable<Uint8Array | string>, batchSize: number): Promise<ImportOutcome> {
  for await (const _slice of reader.read(body)) {
    while (reader.rows.length >= batchSize) await run.flush(run.take(reader.rows, batchSize));
  }
  const refused = refusedFile(reader);
  if (refused) throw refused;
  if (reader.error && !run.record && reader.rows.length === 0) {
    throw new ServiceError("VALIDATION_FAILED", `the CSV could not be read: ${reader.error.message}`, [{ path: "(body)", message: reader.error.message }]);
  }
  await run.flushRest(run.take(reader.rows, reader.rows.length), reader.error);
  const finished = await run.finish(reader.error ? "failed" : "done");
  await run.afterImport(finished);
  return run.outcome(finished, run.total + (reader.error ? 1 : 0));
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
  const settings = { batchSize: options.batchSize ?? 500, inlineLimit: options.inlineLimit ?? 100, clock: options.clock ?? (() => ctx.now) };
  const run = new ImportRun(ctx, kind, settings);
  const reader = new CsvReader(kind.rowSchema);
  try {
    return await consume(run, reader, body, settings.batchSize);
  } catch (error) {
    // Whatever was committed stays; the import says it did not complete.
    if (run.record && run.record.status === "running") await run.finish("failed").catch(() => undefined);
    throw error;
  } finally {
    reader.destroy();
  }
}

import { parse, type Parser } from "csv-parse";
import type { z } from "@hono/zod-openapi";
import type { FieldError } from "../lib/errors.ts";

/** The largest CSV record (one row) accepted; a longer one is a malformed file, not a registration. */
const MAX_RECORD_BYTES = 64 * 1024;
/** Bytes handed to the parser at once, so one huge network chunk cannot become a huge pile of rows. */
const FEED_BYTES = 64 * 1024;

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

/**
 * A CSV file read one slice at a time (UTF-8, optional BOM, a header row checked against the row
 * schema). Rows are taken off the parser in on_record, synchronously, so that every row before a
 * syntax error is kept (a stream iterator would drop rows still buffered when the error arrives),
 * and the input is fed one slice at a time: at most one slice's rows wait in `rows`.
 */
export class CsvReader {
  /** Rows parsed and not yet taken by the caller. */
  readonly rows: Record<string, string>[] = [];
  /** The header's problems; undefined until a header was read (an empty file never has one). */
  header: FieldError[] | undefined;
  /** The first syntax error; the rows before it stay in `rows`. */
  error: Error | undefined;
  private readonly parser: Parser;

  constructor(schema: z.ZodObject) {
    this.parser = parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: MAX_RECORD_BYTES,
      columns: (names: string[]) => {
        const trimmed = names.map((name) => name.trim());
        this.header = headerProblems(trimmed, schema);
        if (this.header.length) throw new Error("header rejected");
        return trimmed;
      },
      on_record: (row: Record<string, string>) => {
        this.rows.push(row);
        return null;
      },
    });
    this.parser.on("error", (error) => {
      this.error ??= error;
    });
    this.parser.resume();
  }

  /** Feeds the body slice by slice, yielding after each so the caller can take whole batches; then ends the input. */
  async *read(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<void> {
    const encoder = new TextEncoder();
    for await (const piece of body) {
      const bytes = typeof piece === "string" ? encoder.encode(piece) : piece;
      for (let offset = 0; offset < bytes.length && !this.error; offset += FEED_BYTES) {
        await this.feed(bytes.subarray(offset, offset + FEED_BYTES));
        yield;
      }
      if (this.error) return;
    }
    await this.feed();
  }

  destroy(): void {
    this.parser.destroy();
  }

  /** One slice into the parser (none: the end of input); resolves once it is parsed or the parser failed. */
  private feed(chunk?: Uint8Array): Promise<void> {
    const parser = this.parser;
    return new Promise<void>((resolve) => {
      if (this.error || parser.destroyed) return resolve();
      const done = () => {
        parser.off("error", done);
        resolve();
      };
      parser.once("error", done);
      if (chunk === undefined) parser.end(done);
      else parser.write(chunk, done);
    });
  }
}

/**
 * The snapshot's big recipient sets — "recipient keyed hash (× enterprise)", ten million rows each
 * at national scale — loaded by one generic loader. A new set of that shape (consents: recipient ×
 * enterprise) is one entry in KEYED_SETS: the loader reads any table that has a `recipient_hash`
 * column, an `enterprise_id` column when `perEnterprise`, optionally an expiry column, and the
 * `recipient_key` column the database computes from them as each row is written
 * (`recipient_set_key`, drizzle/0012_recipient_keys.sql; the snapshot's recipientEnterpriseKey in
 * key-set.ts computes the same for a lookup) — or a narrow projection of such a table holding only
 * `id`, `recipient_key` and the expiry (`ledger`: consent_keys, drizzle/0013_consent_keys.sql).
 *
 * Two paths, same result:
 * - PostgreSQL (`Database.bulkRead`): the table is cut into ranges of heap pages (TID range scans,
 *   no index, no sort); each range comes back as ONE row of `COPY … TO STDOUT (FORMAT binary)`
 *   holding the range's keys, 8 bytes each, and the expiries (8-byte integers), read straight from
 *   the bytes into a Key64Set: no row objects, no strings. Sending each hash's first 16 hex digits
 *   and the enterprise's UUID bytes instead, for the loader to combine, cost the database four
 *   times as much per range (320 against 75 ms for 530,000 opt-outs) and the loader a hex parse
 *   and a UUID lookup a row. All connections read one snapshot: a large set is built on a worker
 *   thread of its own (keyed-set-threads.ts), smaller ones share the load's connections.
 * - PGlite (no COPY stream to a client): keyset pages of 100,000 rows aggregated with string_agg,
 *   the next page requested while the last one is parsed.
 * A range or page holding a row without a key (a hash that is not hex) is read row by row instead.
 */
import { sql } from "drizzle-orm";
import type { BulkReader, Db } from "../db/client.ts";
import { resultRows } from "../db/rows.ts";
import { int32At, Key64Set, recipientEnterpriseKey } from "./key-set.ts";
import type { RegistrySnapshot } from "./snapshot.ts";

export interface KeyedSetSource {
  /** The snapshot's name for the set. */
  name: string;
  table: string;
  /** Keys salted by the enterprise (opt-outs, consents); false for an operator-wide set (do-not-disturb). */
  perEnterprise: boolean;
  /** A timestamp column: rows expired at load are skipped, and the set keeps each key's expiry (epoch seconds, 0 = never). */
  expiresColumn?: string;
  /**
   * Which rows count, when not all do: a fixed SQL predicate over the table's columns as `alias`,
   * with `asOf` (the load's clock, a timestamptz literal) for a filter by time. Never user input.
   */
  where?: (alias: string, asOf: string) => string;
  /**
   * When `table` is a narrow projection holding only `id`, `recipient_key` and the expiry: the
   * table it projects (same ids), where a row without a key finds its hash and enterprise.
   */
  ledger?: string;
}

/** Every keyed set the snapshot holds. */
export const KEYED_SETS: readonly KeyedSetSource[] = [
  { name: "optOuts", table: "opt_outs", perEnterprise: true },
  { name: "doNotDisturb", table: "do_not_disturb", perEnterprise: false },
  // Current consents: grants neither withdrawn nor expired at load (later expiries are swept by
  // the loader, consents-loader.ts). `consent_keys` holds the ledger's grants that are neither
  // withdrawn nor pruned, kept by a trigger in the writing transaction (drizzle/0013_consent_keys.sql; which rows, consent_keys_holds() in 0014):
  // a seventh of the ledger's pages, which were most of the load's database time.
  {
    name: "consents",
    table: "consent_keys",
    ledger: "consents",
    perEnterprise: true,
    where: (t, asOf) => `${t}.expires_at > ${asOf}`,
  },
];

/** The load's clock as a SQL literal (rows are judged current as of this instant on every connection). */
export function asOfSql(now: number): string {
  return `'${new Date(now).toISOString()}'::timestamptz`;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
function checked(source: KeyedSetSource): KeyedSetSource {
  for (const name of [source.table, source.expiresColumn ?? "x", source.ledger ?? "x"]) if (!IDENT.test(name)) throw new Error(`keyed set ${source.name}: bad identifier ${name}`);
  return source;
}

/** The rows of the set as of `asOf`: not expired, and the source's own filter. */
function counted(source: KeyedSetSource, alias: string, asOf: string): string {
  const expiry = source.expiresColumn ? `(${alias}.${source.expiresColumn} is null or ${alias}.${source.expiresColumn} > ${asOf})` : "true";
  return source.where ? `${expiry} and ${source.where(alias, asOf)}` : expiry;
}

function expirySeconds(source: KeyedSetSource, alias: string): string {
  return `coalesce(floor(extract(epoch from ${alias}.${source.expiresColumn}))::bigint, 0)`;
}

/**
 * A table's rows as the planner estimates them (pg_class.reltuples), or, for a table never
 * analyzed (reltuples -1: restored from a dump, filled in bulk), its size at 128 bytes a row.
 */
const ROWS_ESTIMATE = `(case when c.reltuples >= 0 then c.reltuples else pg_relation_size(c.oid) / 128 end)`;

/** The sets' estimated rows (PostgreSQL): a cheap size before a load. */
export async function estimatedRows(db: Db, sources: readonly KeyedSetSource[]): Promise<number> {
  const tables = sources.map((source) => `'${checked(source).table}'::regclass`).join(", ");
  const [row] = resultRows<{ n: string | number }>(await db.execute(sql.raw(`select coalesce(sum(${ROWS_ESTIMATE}), 0)::bigint as n from pg_class c where c.oid in (${tables})`)));
  return Number(row?.n ?? 0);
}

/** A collection now, where the runtime has one (Bun): full, or a quick one of the young objects. The bulk load's parts call it where they know a burst of garbage has just ended. */
export function collectGarbage(full: boolean): void {
  (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc(full);
}

/** An empty set for `source` sized for `expected` rows and 5 % more (estimates are estimates), never below 1,024. */
export function presizedKeyedSet(source: KeyedSetSource, expected: number): Key64Set {
  return new Key64Set(Math.max(1024, Math.ceil(expected * 1.05)), { values: Boolean(source.expiresColumn) });
}

// ---- PostgreSQL: page ranges over COPY ----------------------------------------------------------

/**
 * Heap pages per range: about half a million opt-out rows, some 13 MB of COPY output. Each range's
 * message, its copy and its key arrays are a thread's transient memory while it is parsed; twice
 * this many pages took the national load's peak over 1.5 GB with two threads parsing at once.
 */
const PAGES_PER_RANGE = 8_192;
/** A full collection after the range that starts at a multiple of this many pages. */
const FULL_COLLECTION_PAGES = 65_536;

export interface RangeTask {
  source: KeyedSetSource;
  /** The load's clock (asOfSql). */
  asOf: string;
  /** First heap page, and the page after the last (undefined: to the end of the table). */
  from: number;
  to: number | undefined;
}

/** The ranges each set is read in, from the table's size inside the snapshot (so no row it sees lies beyond the last range). */
export async function planRanges(reader: BulkReader, sources: readonly KeyedSetSource[], asOf: string): Promise<{ tasks: RangeTask[]; estimates: Map<string, number> }> {
  const tasks: RangeTask[] = [];
  const estimates = new Map<string, number>();
  for (const source of sources.map(checked)) {
    const [size] = await reader.query<{ pages: string; estimate: string }>(
      `select (pg_relation_size('${source.table}') / current_setting('block_size')::int)::bigint as pages,
         ${ROWS_ESTIMATE}::bigint as estimate from pg_class c where c.oid = '${source.table}'::regclass`,
    );
    const pages = Number(size?.pages ?? 0);
    estimates.set(source.name, Number(size?.estimate ?? 0));
    for (let from = 0; ; from += PAGES_PER_RANGE) {
      const last = from + PAGES_PER_RANGE >= pages;
      tasks.push({ source, asOf, from, to: last ? undefined : from + PAGES_PER_RANGE });
      if (last) break;
    }
  }
  return { tasks, estimates };
}

function rangeWhere(task: RangeTask, alias: string): string {
  const upper = task.to === undefined ? "" : ` and ${alias}.ctid < '(${task.to},0)'::tid`;
  return `${alias}.ctid >= '(${task.from},0)'::tid${upper} and ${counted(task.source, alias, task.asOf)}`;
}

/**
 * Reads one range into `set`: one COPY row of rows counted, keys counted, the keys (the
 * `recipient_key` column, 8 bytes each) and the expiries (8-byte integers) or null. A range
 * holding a row without a key (a hash that is not hex) is read row by row instead.
 */
export async function loadRange(reader: BulkReader, set: Key64Set, task: RangeTask): Promise<void> {
  const { source } = task;
  // Binary COPY of keys the database computed as the rows were written: a range of opt-outs cost
  // it 75 ms this way, 320 ms when it sent each hash's first 16 hex digits and the enterprise's
  // UUID bytes for the loader to combine.
  const query = `select count(*)::int4, count(t.recipient_key)::int4, string_agg(int8send(t.recipient_key), ''::bytea),
      ${source.expiresColumn ? `string_agg(int8send(${expirySeconds(source, "t")}), ''::bytea)` : "null::bytea"}
    from ${source.table} t where ${rangeWhere(task, "t")}`;
  let regular = true;
  const copy = new BinaryCopy();
  await reader.copyRows(
    query,
    (message) => {
      const tuple = copy.tuple(message);
      if (tuple >= 0) regular = addRangeTuple(message, tuple, set);
    },
    { binary: true },
  );
  // Each range leaves tens of MB of socket buffers behind: collect now rather than when the heap
  // has grown by several ranges (it sets the load's peak RSS). A full collection every
  // FULL_COLLECTION_PAGES of a table; a quick one otherwise.
  collectGarbage(task.from % FULL_COLLECTION_PAGES === 0);
  if (regular) return;
  addRowByRow(set, source, await reader.query<KeyedRow>(rowByRowQuery(source, rangeWhere(task, "t"))));
}

interface KeyedRow {
  hash: string;
  enterprise: string | null;
  expires: string | number | null;
}

/** The source's rows matching `where` (over its table as `t`) with their hashes and enterprises, read from the ledger when the table is a projection. */
function rowByRowQuery(source: KeyedSetSource, where: string): string {
  const rows = source.ledger ? "l" : "t";
  const join = source.ledger ? ` join ${source.ledger} l on l.id = t.id` : "";
  return `select ${rows}.recipient_hash as hash, ${source.perEnterprise ? `${rows}.enterprise_id::text` : "null"} as enterprise,
    ${source.expiresColumn ? expirySeconds(source, "t") : "null"} as expires from ${source.table} t${join} where ${where}`;
}

/** Rows read whole: each key computed here as the snapshot computes it for a lookup. */
function addRowByRow(set: Key64Set, source: KeyedSetSource, rows: readonly KeyedRow[]): void {
  const key: [number, number] = [0, 0];
  for (const row of rows) {
    // rowByRowQuery selects a null enterprise for an operator-wide set.
    recipientEnterpriseKey(row.hash, row.enterprise ?? undefined, key);
    set.add(key[0], key[1], Number(row.expires ?? 0));
  }
}

/** The 11 bytes that open a binary COPY stream (then a flags word and the header extension's length). */
const BINARY_SIGNATURE = [80, 71, 67, 79, 80, 89, 10, 255, 13, 10, 0]; // "PGCOPY\n\xff\r\n\0"

/**
 * Where the tuple starts in each CopyData message of a binary COPY: after the stream's header in
 * the first message (PostgreSQL sends the header with the first tuple), at 0 after that; -1 for
 * the trailer (a field count of -1) or a message holding only the header.
 */
export class BinaryCopy {
  private headerSeen = false;

  tuple(message: Uint8Array): number {
    let at = 0;
    if (!this.headerSeen) {
      if (message.length < 19 || BINARY_SIGNATURE.some((byte, i) => message[i] !== byte)) throw new Error("binary COPY: no header");
      this.headerSeen = true;
      at = 19 + int32At(message, 15); // signature, flags, extension length, extension
      if (at >= message.length) return -1;
    }
    return readInt16(message, at) === -1 ? -1 : at;
  }
}

function readInt16(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16)) >> 16;
}

/**
 * One range's tuple (binary COPY, at `at`: a field count, then each field as a 32-bit length, -1
 * for null, and its bytes) into `set`: rows, keyed rows, keys, expiries. False when a row had no
 * key (nothing is added then).
 */
function addRangeTuple(tuple: Uint8Array, at: number, set: Key64Set): boolean {
  if (readInt16(tuple, at) !== 4) throw new Error("binary COPY: a range row has 4 fields");
  at += 2;
  const fields: { at: number; length: number }[] = [];
  for (let f = 0; f < 4; f++) {
    const length = int32At(tuple, at);
    fields.push({ at: at + 4, length });
    at += 4 + Math.max(0, length);
  }
  const field = (f: number) => (fields[f]!.length < 0 ? null : tuple.subarray(fields[f]!.at, fields[f]!.at + fields[f]!.length));
  const count = int32At(tuple, fields[0]!.at);
  if (int32At(tuple, fields[1]!.at) !== count) return false;
  addKeys(set, count, field(2), field(3));
  return true;
}

/**
 * `count` keys (8 bytes each, big-endian) and their expiries (8-byte integers, or none) into
 * `set`, in one addMany. Throws on lengths that do not match the count.
 */
function addKeys(set: Key64Set, count: number, keys: Uint8Array | null, expiries: Uint8Array | null): void {
  if (count === 0) return;
  if (keys?.length !== count * 8 || (expiries && expiries.length !== count * 8)) throw new Error("recipient keys: lengths do not match the count");
  const his = new Uint32Array(count);
  const los = new Uint32Array(count);
  // An expiry's low 32 bits are what the set keeps (as a Uint32Array keeps any number), so the
  // loader's paths agree.
  const values = expiries ? new Uint32Array(count) : undefined;
  for (let i = 0; i < count; i++) {
    his[i] = int32At(keys, i * 8) >>> 0;
    los[i] = int32At(keys, i * 8 + 4) >>> 0;
    if (values) values[i] = int32At(expiries!, i * 8 + 4) >>> 0;
  }
  set.addMany(his, los, values, count);
}

// ---- PGlite: keyset pages ----------------------------------------------------------------------

const PAGE = 100_000;
const NO_ID = "00000000-0000-0000-0000-000000000000";

interface Page {
  n: number;
  keyed: number;
  last: string | null;
  keys: Uint8Array | null;
  expiries: Uint8Array | null;
}

/** One keyed set, page by page (PGlite, or a database without bulkRead). */
export async function loadKeyedSetPaged(db: Db, snapshot: RegistrySnapshot, source: KeyedSetSource, asOf: string): Promise<void> {
  checked(source);
  const set = snapshot.keyedSet(source.name)!;
  const fetch = async (after: string) =>
    resultRows<Page>(
      await db.execute(
        sql.raw(`select count(*)::int as n, count(recipient_key)::int as keyed, max(id::text) as last,
          string_agg(int8send(recipient_key), ''::bytea) as keys,
          ${source.expiresColumn ? `string_agg(int8send(${expirySeconds(source, "p")}), ''::bytea)` : "null::bytea"} as expiries
        from (select * from ${source.table} p where id > '${after}'::uuid and ${counted(source, "p", asOf)} order by id limit ${PAGE}) p`),
      ),
    )[0];
  let after = NO_ID;
  let next: Promise<Page | undefined> | undefined = fetch(after);
  while (next) {
    const page: Page | undefined = await next;
    if (!page || page.n === 0 || !page.last) return;
    next = page.n < PAGE ? undefined : fetch(page.last);
    if (page.keyed === page.n) {
      addKeys(set, page.n, page.keys, page.expiries);
    } else {
      addRowByRow(set, source, resultRows<KeyedRow>(await db.execute(sql.raw(rowByRowQuery(source, `t.id > '${after}'::uuid and t.id <= '${page.last}'::uuid and ${counted(source, "t", asOf)}`)))));
    }
    after = page.last;
  }
}

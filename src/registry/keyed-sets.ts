/**
 * The snapshot's big recipient sets — "recipient keyed hash (× enterprise)", ten million rows each
 * at national scale — loaded by one generic loader. A new set of that shape (consents: recipient ×
 * enterprise, with an expiry) is one entry in KEYED_SETS: the loader reads any table that has a
 * `recipient_hash` column, an `enterprise_id` column when `perEnterprise`, and optionally an
 * expiry column.
 *
 * Two paths, same result:
 * - PostgreSQL (`Database.bulkRead`): the table is cut into ranges of heap pages (TID range scans,
 *   no index, no sort); each range comes back as ONE row of `COPY … TO STDOUT` holding the range's
 *   hashes (their first 16 hex digits, all the key uses, concatenated), the enterprises' UUIDs as
 *   bytes (one bytea, hex in the COPY text) and the expiries, parsed straight from the bytes into
 *   the Key64Set: no row objects, no strings. The loader turns each UUID into the enterprise's
 *   ordinal (its position in id order) through a typed table of the enterprises it loaded first
 *   (UuidOrdinals). Joining a table of ordinals on the server instead cost 0.9–1.3 s of the
 *   database's time per range of a million rows, the UUID bytes 0.5 s (hashes alone 0.3 s). Ranges
 *   of all sets are shared out over several connections reading one snapshot, so the sets load in
 *   parallel.
 * - PGlite (no COPY stream to a client): keyset pages of 100,000 rows aggregated with string_agg,
 *   the next page requested while the last one is parsed.
 * A range or page holding a hash that is not 16 hex digits is read row by row instead.
 */
import { sql } from "drizzle-orm";
import type { BulkReader, Db } from "../db/client.ts";
import { resultRows } from "../db/rows.ts";
import { hexKeyAtBytes, recipientKey, recipientKeyAt, slotOf, type Key64Set } from "./key-set.ts";
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
}

/** Every keyed set the snapshot holds. */
export const KEYED_SETS: readonly KeyedSetSource[] = [
  { name: "optOuts", table: "opt_outs", perEnterprise: true },
  { name: "doNotDisturb", table: "do_not_disturb", perEnterprise: false },
  // Current consents: grants neither withdrawn nor expired at load (later expiries are swept by
  // the loader, consents-loader.ts). A pruned row has an empty hash and is never current.
  {
    name: "consents",
    table: "consents",
    perEnterprise: true,
    where: (t, asOf) => `${t}.kind = 'grant' and ${t}.withdrawn_at is null and ${t}.expires_at > ${asOf} and ${t}.recipient_hash <> ''`,
  },
];

/** The load's clock as a SQL literal (rows are judged current as of this instant on every connection). */
export function asOfSql(now: number): string {
  return `'${new Date(now).toISOString()}'::timestamptz`;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
function checked(source: KeyedSetSource): KeyedSetSource {
  for (const name of [source.table, source.expiresColumn ?? "x"]) if (!IDENT.test(name)) throw new Error(`keyed set ${source.name}: bad identifier ${name}`);
  return source;
}

/**
 * Enterprise ordinals (1-based position in id order, as RegistrySnapshot.setEnterpriseOrdinals
 * numbers them) by the UUID's bytes, read from hex in a COPY row without making a string: an
 * open-addressing table over the UUIDs' 32-bit words, found only when every word matches. The
 * queries send the UUIDs' last 8 bytes (16 hex digits a row; random in the UUIDs this product
 * makes) when no two loaded enterprises share them, which the table checks as it is built, and
 * all 16 bytes otherwise (`bytesSql`, `hexDigits`).
 */
export class UuidOrdinals {
  /** Hex digits a UUID takes in the COPY row: 16 (its last 8 bytes) or 32. */
  readonly hexDigits: 16 | 32;
  private readonly width: number;
  private readonly words: Uint32Array;
  private readonly index: Int32Array;
  private readonly mask: number;
  private readonly probe = new Uint32Array(4);

  constructor(idsInOrder: readonly string[]) {
    const encoder = new TextEncoder();
    const all = new Uint32Array(idsInOrder.length * 4);
    idsInOrder.forEach((id, i) => {
      const hex = encoder.encode(id.replaceAll("-", ""));
      if (hex.length !== 32 || !hexWordsAt(hex, 0, 4, this.probe)) throw new Error(`not a UUID: ${id}`);
      all.set(this.probe, i * 4);
    });
    let slots = 16;
    while (slots < idsInOrder.length * 2) slots *= 2;
    this.index = new Int32Array(slots);
    this.mask = slots - 1;
    // The last 8 bytes if they tell every enterprise apart, else all 16.
    this.width = 2;
    this.words = new Uint32Array(idsInOrder.length * 2);
    for (let i = 0; i < idsInOrder.length; i++) this.words.set(all.subarray(i * 4 + 2, i * 4 + 4), i * 2);
    if (!this.indexAll(idsInOrder.length)) {
      this.width = 4;
      this.words = all;
      this.index.fill(0);
      this.indexAll(idsInOrder.length);
    }
    this.hexDigits = this.width === 2 ? 16 : 32;
  }

  /** The SQL expression of a UUID column's bytes as the table reads them (a bytea). */
  bytesSql(column: string): string {
    return this.width === 2 ? `substr(uuid_send(${column}), 9)` : `uuid_send(${column})`;
  }

  /** The ordinal of the UUID written as `hexDigits` hex digits at `offset`; 0 when unknown or not hex. */
  ordinalAt(bytes: Uint8Array, offset: number): number {
    const probe = this.probe;
    const width = this.width;
    if (!hexWordsAt(bytes, offset, width, probe)) return 0;
    for (let slot = this.slotOf(probe); ; slot = (slot + 1) & this.mask) {
      const ordinal = this.index[slot]!;
      if (ordinal === 0) return 0;
      if (this.matches(ordinal, probe)) return ordinal;
    }
  }

  /** Indexes every UUID; false when two are the same in the words kept. */
  private indexAll(count: number): boolean {
    const probe = this.probe;
    for (let i = 0; i < count; i++) {
      for (let w = 0; w < this.width; w++) probe[w] = this.words[i * this.width + w]!;
      let slot = this.slotOf(probe);
      for (; this.index[slot] !== 0; slot = (slot + 1) & this.mask) if (this.matches(this.index[slot]!, probe)) return false;
      this.index[slot] = i + 1;
    }
    return true;
  }

  private matches(ordinal: number, probe: Uint32Array): boolean {
    const at = (ordinal - 1) * this.width;
    for (let w = 0; w < this.width; w++) if (this.words[at + w] !== probe[w]) return false;
    return true;
  }

  private slotOf(w: Uint32Array): number {
    return this.width === 2 ? slotOf(w[0]!, w[1]!, this.mask) : slotOf(w[0]! ^ w[2]!, w[1]! ^ w[3]!, this.mask);
  }
}

const pair: [number, number] = [0, 0];

/** `count` (2 or 4) big-endian 32-bit words from 8 × `count` hex digits at `offset`, 16 digits at a time; false when one is not a hex digit. */
function hexWordsAt(bytes: Uint8Array, offset: number, count: number, out: Uint32Array): boolean {
  for (let w = 0; w < count; w += 2) {
    if (!hexKeyAtBytes(bytes, offset + w * 8, 0, pair)) return false;
    out[w] = pair[0];
    out[w + 1] = pair[1];
  }
  return true;
}

/** The rows of the set as of `asOf`: not expired, and the source's own filter. */
function counted(source: KeyedSetSource, alias: string, asOf: string): string {
  const expiry = source.expiresColumn ? `(${alias}.${source.expiresColumn} is null or ${alias}.${source.expiresColumn} > ${asOf})` : "true";
  return source.where ? `${expiry} and ${source.where(alias, asOf)}` : expiry;
}

function expirySeconds(source: KeyedSetSource, alias: string): string {
  return `coalesce(floor(extract(epoch from ${alias}.${source.expiresColumn}))::bigint, 0)`;
}

// ---- PostgreSQL: page ranges over COPY ----------------------------------------------------------

/** Heap pages per range: about a million opt-out rows, some 25 MB of COPY output per range. */
const PAGES_PER_RANGE = 16_384;
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
         greatest(reltuples, 0)::bigint as estimate from pg_class where oid = '${source.table}'::regclass`,
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

/** Reads one range into its set (one COPY row: count, regular, hashes, enterprise UUIDs, expiries). */
export async function loadRange(reader: BulkReader, snapshot: RegistrySnapshot, task: RangeTask, enterprises: UuidOrdinals): Promise<void> {
  const { source } = task;
  const query = `select count(*), coalesce(bool_and(${SIXTEEN_BYTES("t")}), true),
      string_agg(left(t.recipient_hash, 16), ''), ${source.perEnterprise ? `string_agg(${enterprises.bytesSql("t.enterprise_id")}, ''::bytea)` : "null"},
      ${source.expiresColumn ? `string_agg(${expirySeconds(source, "t")}::text, ',')` : "null"}
    from ${source.table} t where ${rangeWhere(task, "t")}`;
  let regular = true;
  await reader.copyRows(query, (row) => {
    regular = parseRange(row, snapshot.keyedSet(source.name)!, enterprises);
  });
  // Each range leaves tens of MB of socket buffers behind: collect now rather than when the heap
  // has grown by several ranges (it sets the load's peak RSS). A full collection every
  // FULL_COLLECTION_PAGES of a table; a quick one otherwise.
  (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc(task.from % FULL_COLLECTION_PAGES === 0);
  if (regular) return;
  const rows = await reader.query<{ hash: string; enterprise: string | null; expires: string | null }>(
    `select t.recipient_hash as hash, ${source.perEnterprise ? "t.enterprise_id::text as enterprise" : "null as enterprise"}, ${source.expiresColumn ? expirySeconds(source, "t") : "null"} as expires
     from ${source.table} t where ${rangeWhere(task, "t")}`,
  );
  const set = snapshot.keyedSet(source.name)!;
  const key: [number, number] = [0, 0];
  for (const row of rows) {
    recipientKey(row.hash, row.enterprise === null ? 0 : snapshot.enterpriseOrdinal(row.enterprise), key);
    set.add(key[0], key[1], Number(row.expires ?? 0));
  }
}

/**
 * The range's hashes can be read 16 bytes each: every first-16-characters is 16 bytes (no short or
 * multibyte hash). Hex digits are checked in JS (cheap there; a per-row translate() here tripled
 * the database's time per range), and a hash COPY had to escape (a tab, a backslash) makes the
 * field longer than 16 × count, which parseRange checks.
 */
const SIXTEEN_BYTES = (alias: string) => `octet_length(left(${alias}.recipient_hash, 16)) = 16`;

const TAB = 9;
const BACKSLASH = 92;
const COMMA = 44;
const NEWLINE = 10;

/** Parses one range row in place. Returns false when the range is irregular (nothing added then). */
function parseRange(row: Uint8Array, set: Key64Set, enterprises: UuidOrdinals): boolean {
  let at = row.indexOf(TAB);
  let count = 0;
  for (let i = 0; i < at; i++) count = count * 10 + (row[i]! - 48);
  if (row[at + 1] !== 116 /* t */) return false;
  if (count === 0) return true;
  const hashes = row.indexOf(TAB, at + 1) + 1;
  at = row.indexOf(TAB, hashes) + 1; // enterprise UUIDs (or \N)
  if (at - 1 - hashes !== count * 16) return false; // COPY escaped something in a hash
  const expiries = row.indexOf(TAB, at) + 1;
  // A bytea in COPY text: "\\x" (the backslash escaped) and two hex digits a byte.
  let uuidAt = row[at] === BACKSLASH && row[at + 1] === BACKSLASH ? at + 3 : -1;
  if (uuidAt >= 0 && expiries - 1 - uuidAt !== count * enterprises.hexDigits) return false;
  let expiryAt = row[expiries] === BACKSLASH ? -1 : expiries;
  const key: [number, number] = [0, 0];
  const his = new Uint32Array(count);
  const los = new Uint32Array(count);
  const values = expiryAt >= 0 ? new Uint32Array(count) : undefined;
  let kept = 0;
  for (let i = 0; i < count; i++) {
    let ordinal = 0;
    if (uuidAt >= 0) {
      ordinal = enterprises.ordinalAt(row, uuidAt);
      uuidAt += enterprises.hexDigits;
    }
    let expiry = 0;
    if (values) {
      for (let c = row[expiryAt]!; c !== COMMA && c !== NEWLINE; c = row[++expiryAt]!) expiry = expiry * 10 + (c - 48);
      expiryAt++;
    }
    // An enterprise the load did not see (the snapshot reads them first, in the same transaction,
    // so none): the row is left out, as a join would have.
    if (uuidAt >= 0 && ordinal === 0) continue;
    // Not hex (a hand-written row): the same key the change feed's per-row path computes.
    if (!hexKeyAtBytes(row, hashes + i * 16, ordinal, key)) recipientKey(Buffer.from(row.subarray(hashes + i * 16, hashes + i * 16 + 16)).toString("latin1"), ordinal, key);
    his[kept] = key[0];
    los[kept] = key[1];
    if (values) values[kept] = expiry;
    kept++;
  }
  set.addMany(his, los, values, kept);
  return true;
}

// ---- PGlite: keyset pages ----------------------------------------------------------------------

const PAGE = 100_000;
const NO_ID = "00000000-0000-0000-0000-000000000000";

interface Page {
  n: number;
  last: string | null;
  hashes: string | null;
  enterprises: string | null;
  expiries: string | null;
  regular: boolean | null;
}

/** One keyed set, page by page (PGlite, or a database without bulkRead). */
export async function loadKeyedSetPaged(db: Db, snapshot: RegistrySnapshot, source: KeyedSetSource, asOf: string): Promise<void> {
  checked(source);
  const set = snapshot.keyedSet(source.name)!;
  const fetch = async (after: string) =>
    resultRows<Page>(
      await db.execute(
        sql.raw(`select count(*)::int as n, max(id::text) as last,
          bool_and(${SIXTEEN_BYTES("p")}) as regular,
          string_agg(left(recipient_hash, 16), '') as hashes,
          ${source.perEnterprise ? "string_agg(enterprise_id::text, '')" : "null"} as enterprises,
          ${source.expiresColumn ? `string_agg(${expirySeconds(source, "p")}::text, ',')` : "null"} as expiries
        from (select * from ${source.table} p where id > '${after}'::uuid and ${counted(source, "p", asOf)} order by id limit ${PAGE}) p`),
      ),
    )[0];
  const key: [number, number] = [0, 0];
  let after = NO_ID;
  let next: Promise<Page | undefined> | undefined = fetch(after);
  while (next) {
    const page: Page | undefined = await next;
    if (!page || page.n === 0 || !page.last) return;
    next = page.n < PAGE ? undefined : fetch(page.last);
    if (page.regular && page.hashes?.length === page.n * 16) {
      const expiries = page.expiries?.split(",");
      for (let i = 0; i < page.n; i++) {
        const salt = page.enterprises ? snapshot.enterpriseOrdinal(page.enterprises.slice(i * 36, (i + 1) * 36)) : 0;
        if (!recipientKeyAt(page.hashes!, i * 16, salt, key)) recipientKey(page.hashes!.slice(i * 16, (i + 1) * 16), salt, key);
        set.add(key[0], key[1], expiries ? Number(expiries[i]) : 0);
      }
    } else {
      const rows = resultRows<{ hash: string; enterprise: string | null; expires: string | null }>(
        await db.execute(
          sql.raw(`select recipient_hash as hash, ${source.perEnterprise ? "enterprise_id::text" : "null"} as enterprise,
            ${source.expiresColumn ? expirySeconds(source, "p") : "null"} as expires
          from ${source.table} p where id > '${after}'::uuid and id <= '${page.last}'::uuid and ${counted(source, "p", asOf)}`),
        ),
      );
      for (const row of rows) {
        recipientKey(row.hash, row.enterprise ? snapshot.enterpriseOrdinal(row.enterprise) : 0, key);
        set.add(key[0], key[1], Number(row.expires ?? 0));
      }
    }
    after = page.last;
  }
}

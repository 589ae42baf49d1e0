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
 *   hashes (their first 16 hex digits, all the key uses, concatenated), the enterprise ordinals
 *   (position of the enterprise in id order, so no UUID text per row) and the expiries, parsed
 *   straight from the bytes into the Key64Set: no row objects, no strings. Ranges of all sets are
 *   shared out over several connections reading one snapshot, so the sets load in parallel.
 * - PGlite (no COPY stream to a client): keyset pages of 100,000 rows aggregated with string_agg,
 *   the next page requested while the last one is parsed.
 * A range or page holding a hash that is not 16 hex digits is read row by row instead.
 */
import { sql } from "drizzle-orm";
import type { BulkReader, Db } from "../db/client.ts";
import { resultRows } from "../db/rows.ts";
import { hexKeyAtBytes, recipientKey, recipientKeyAt, type Key64Set } from "./key-set.ts";
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
 * Enterprise ordinals (1-based position in id order, within the snapshot), built once per bulk
 * connection as a temporary table the range queries join: computing the window in every range
 * query cost a sort of all enterprises each time.
 */
export const ENTERPRISE_ORDINALS = "enterprise_ordinals";
export const CREATE_ENTERPRISE_ORDINALS = `create temporary table ${ENTERPRISE_ORDINALS} on commit drop as
  select id, row_number() over (order by id)::int as n from enterprises`;

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

function rangeFrom(task: RangeTask): string {
  return task.source.perEnterprise ? `${task.source.table} t join ${ENTERPRISE_ORDINALS} e on e.id = t.enterprise_id` : `${task.source.table} t`;
}

/** Reads one range into its set (one COPY row: count, regular, hashes, ordinals, expiries). */
export async function loadRange(reader: BulkReader, snapshot: RegistrySnapshot, task: RangeTask): Promise<void> {
  const { source } = task;
  const query = `select count(*), coalesce(bool_and(${SIXTEEN_BYTES("t")}), true),
      string_agg(left(t.recipient_hash, 16), ''), ${source.perEnterprise ? "string_agg(e.n::text, ',')" : "null"},
      ${source.expiresColumn ? `string_agg(${expirySeconds(source, "t")}::text, ',')` : "null"}
    from ${rangeFrom(task)} where ${rangeWhere(task, "t")}`;
  let regular = true;
  await reader.copyRows(query, (row) => {
    regular = parseRange(row, snapshot.keyedSet(source.name)!);
  });
  // Each range leaves tens of MB of socket buffers behind: collect now rather than when the heap
  // has grown by several ranges (it sets the load's peak RSS). A full collection every fourth
  // range; a quick one otherwise.
  (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc(task.from % (PAGES_PER_RANGE * 4) === 0);
  if (regular) return;
  const rows = await reader.query<{ hash: string; n: number | null; expires: string | null }>(
    `select t.recipient_hash as hash, ${source.perEnterprise ? "e.n" : "null as n"}, ${source.expiresColumn ? expirySeconds(source, "t") : "null"} as expires
     from ${rangeFrom(task)} where ${rangeWhere(task, "t")}`,
  );
  const set = snapshot.keyedSet(source.name)!;
  const key: [number, number] = [0, 0];
  for (const row of rows) {
    recipientKey(row.hash, row.n ?? 0, key);
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
const COMMA = 44;
const NEWLINE = 10;

/** Parses one range row in place. Returns false when the range is irregular (nothing added then). */
function parseRange(row: Uint8Array, set: Key64Set): boolean {
  let at = row.indexOf(TAB);
  let count = 0;
  for (let i = 0; i < at; i++) count = count * 10 + (row[i]! - 48);
  if (row[at + 1] !== 116 /* t */) return false;
  if (count === 0) return true;
  const hashes = row.indexOf(TAB, at + 1) + 1;
  at = row.indexOf(TAB, hashes) + 1; // ordinals (or \N)
  if (at - 1 - hashes !== count * 16) return false; // COPY escaped something in a hash
  const expiries = row.indexOf(TAB, at) + 1;
  let ordinalAt = row[at] === 92 /* \N */ ? -1 : at;
  let expiryAt = row[expiries] === 92 ? -1 : expiries;
  const key: [number, number] = [0, 0];
  const his = new Uint32Array(count);
  const los = new Uint32Array(count);
  const values = expiryAt >= 0 ? new Uint32Array(count) : undefined;
  for (let i = 0; i < count; i++) {
    let ordinal = 0;
    if (ordinalAt >= 0) {
      for (let c = row[ordinalAt]!; c !== COMMA && c !== TAB; c = row[++ordinalAt]!) ordinal = ordinal * 10 + (c - 48);
      ordinalAt++;
    }
    if (values) {
      let expiry = 0;
      for (let c = row[expiryAt]!; c !== COMMA && c !== NEWLINE; c = row[++expiryAt]!) expiry = expiry * 10 + (c - 48);
      expiryAt++;
      values[i] = expiry;
    }
    // Not hex (a hand-written row): the same key the change feed's per-row path computes.
    if (!hexKeyAtBytes(row, hashes + i * 16, ordinal, key)) recipientKey(Buffer.from(row.subarray(hashes + i * 16, hashes + i * 16 + 16)).toString("latin1"), ordinal, key);
    his[i] = key[0];
    los[i] = key[1];
  }
  set.addMany(his, los, values, count);
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

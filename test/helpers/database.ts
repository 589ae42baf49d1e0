import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { afterEach, beforeEach } from "vitest";
import { migrationsFolder, openDatabase, pgliteDatabase, type Database } from "../../src/db/client.ts";

/**
 * Each test gets its own migrated database:
 * - PGlite (default): migrations run once per machine (the migrated data directory is cached in the
 *   system's temp folder, keyed by the migrations and the PGlite version), then every database is a
 *   clone of that dump; without the cache every test file paid for the migrations again. Loading
 *   the dump costs about a second, so a test's instance is reused by the worker's later tests once
 *   it is back in the migrated state (see leasePglite);
 * - PostgreSQL (when the test project sets GK_TEST_BACKEND=postgres, from TEST_DATABASE_URL):
 *   a template database is migrated once, and each test gets `CREATE DATABASE … TEMPLATE`.
 *   An unreachable server fails the test; it never skips.
 */
export function testBackend(): "postgres" | "pglite" {
  return process.env.GK_TEST_BACKEND === "postgres" ? "postgres" : "pglite";
}

let pgliteDump: Promise<Blob> | undefined;

function migrationsFingerprint(extra = ""): string {
  const hash = createHash("sha256").update(extra);
  for (const file of readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql")).sort()) {
    hash.update(file).update(readFileSync(join(migrationsFolder, file)));
  }
  return hash.digest("hex").slice(0, 12);
}

export async function migratedPgliteDump(): Promise<Blob> {
  pgliteDump ??= (async () => {
    const pgliteVersion = (createRequire(import.meta.url)("@electric-sql/pglite/package.json") as { version: string }).version;
    const cached = join(tmpdir(), `gk-test-pglite-${migrationsFingerprint(pgliteVersion)}.tar`);
    if (existsSync(cached)) return new Blob([readFileSync(cached)]);
    const database = await openDatabase({});
    await database.migrate();
    const dump = await database.dumpDataDir!();
    await database.close();
    // Written whole, then renamed: a parallel worker never reads half a file.
    const partial = `${cached}.${process.pid}.partial`;
    writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
    renameSync(partial, cached);
    return dump;
  })();
  return pgliteDump;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("GK_TEST_BACKEND=postgres needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)");
  return url;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

let templateReady: Promise<string> | undefined;

async function ensureTemplate(admin: postgres.Sql): Promise<string> {
  templateReady ??= (async () => {
    const name = `gk_template_${migrationsFingerprint()}`;
    await admin`select pg_advisory_lock(771200)`;
    try {
      const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
      if (!exists) {
        const building = `${name}_building_${process.pid}`;
        await admin.unsafe(`drop database if exists "${building}" with (force)`);
        await admin.unsafe(`create database "${building}"`);
        const database = await openDatabase({ url: withDatabaseName(serverUrl(), building), poolSize: 1 });
        await database.migrate();
        await database.close();
        await admin.unsafe(`alter database "${building}" rename to "${name}"`);
      }
    } finally {
      await admin`select pg_advisory_unlock(771200)`;
    }
    return name;
  })();
  return templateReady;
}

export interface TestDatabase extends Database {
  /** Drops the database (PostgreSQL) or closes it (PGlite). */
  destroy(): Promise<void>;
}

/**
 * For a file whose every test wants its own database: one is created before each test and destroyed
 * after it (after the file's own afterEach hooks, which vitest runs first). The returned object
 * stands for the running test's database.
 */
export function useTestDatabase(): TestDatabase {
  let current: TestDatabase | undefined;
  beforeEach(async () => {
    current = await createTestDatabase();
  });
  afterEach(async () => {
    const database = current;
    current = undefined;
    await database?.destroy();
  });
  return new Proxy({} as TestDatabase, {
    get(_, property) {
      if (!current) throw new Error("useTestDatabase(): the database exists only while a test runs");
      const value: unknown = Reflect.get(current, property, current);
      return typeof value === "function" ? value.bind(current) : value;
    },
    has: (_, property) => current !== undefined && property in current,
  });
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testBackend() === "pglite") return leasePglite();
  const admin = postgres(serverUrl(), { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const template = await ensureTemplate(admin);
    const name = `gk_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    await admin`select pg_advisory_lock(771201)`;
    try {
      await admin.unsafe(`create database "${name}" template "${template}"`);
    } finally {
      await admin`select pg_advisory_unlock(771201)`;
    }
    const url = withDatabaseName(serverUrl(), name);
    const database = await openDatabase({ url, poolSize: 5 });
    return {
      ...database,
      async destroy() {
        await database.close();
        const dropper = postgres(serverUrl(), { max: 1, onnotice: () => {} });
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
        await dropper.end();
      },
    };
  } finally {
    await admin.end();
  }
}

/**
 * PGlite instances of this worker in the migrated state, ready for the next test. Loading the dump
 * (40 MB of data directory into PGlite's in-memory file system, then starting PostgreSQL) cost
 * 0.8–1.5 s per test, most of `npm test`'s time; putting an instance back into the migrated state
 * costs tens of milliseconds.
 */
const idlePglite: PGlite[] = [];
const MAX_IDLE_PGLITE = 3;
/** Instances this worker loaded from the dump (test/helpers/database.test.ts checks reuse with it). */
let pgliteLoads = 0;
export const pgliteInstancesLoaded = () => pgliteLoads;

interface PgliteBaseline {
  /** Every table of the public schema and every sequence, as the reset names them. */
  resetSql: string;
  /** The partitions a fresh instance has (the journal's gateway adds monthly ones at start-up). */
  partitions: Set<string>;
  fingerprint: string;
}
let pgliteBaseline: Promise<PgliteBaseline> | undefined;

/**
 * What a test could change and the reset would not undo: tables, columns and their defaults,
 * constraints, indexes, functions, triggers (and whether they fire), roles, per-database settings.
 * An instance whose fingerprint differs from a fresh one's is closed, never reused.
 */
const FINGERPRINT_SQL = `
  select md5(coalesce(string_agg(item, E'\\n' order by item), '')) as fingerprint from (
    select 'class ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_to%' and n.nspname not like 'pg\\_temp%'
    union all select 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname in ('public', 'drizzle') and a.attnum > 0 and not a.attisdropped
    union all select 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace
    union all select 'index ' || indexrelid::regclass || ' ' || pg_get_indexdef(indexrelid) from pg_index where indrelid in (select oid from pg_class where relnamespace = 'public'::regnamespace)
    union all select 'function ' || p.oid::regprocedure || ' ' || md5(p.prosrc) from pg_proc p where p.pronamespace = 'public'::regnamespace
    union all select 'trigger ' || tgrelid::regclass || ' ' || tgname || ' ' || tgenabled::text from pg_trigger where not tgisinternal
    union all select 'role ' || rolname || ' ' || rolsuper || ' ' || rolcanlogin from pg_roles
    union all select 'setting ' || setdatabase || ' ' || setrole || ' ' || array_to_string(setconfig, ',') from pg_db_role_setting
    union all select 'migrations ' || count(*) from drizzle.__drizzle_migrations
  ) as items(item)`;

async function partitionsOf(client: PGlite): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p')`,
  );
  return rows.map((r) => r.name);
}

async function fingerprintOf(client: PGlite): Promise<string> {
  const { rows } = await client.query<{ fingerprint: string }>(FINGERPRINT_SQL);
  return rows[0]!.fingerprint;
}

/** Read from the first instance fresh from the dump: every later reset must reach this state. */
async function readBaseline(client: PGlite): Promise<PgliteBaseline> {
  const tables = (await client.query<{ name: string }>(`select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.name);
  for (const table of tables) {
    const { rows } = await client.query<{ any: boolean }>(`select exists (select from ${table}) as any`);
    // A migration that seeds rows would need them restored after the truncate: say so, don't guess.
    if (rows[0]!.any) throw new Error(`the migrated database has rows in ${table}: teach test/helpers/database.ts to restore them`);
  }
  const sequences = (await client.query<{ name: string }>(`select format('%I.%I', schemaname, sequencename) as name from pg_sequences where schemaname = 'public'`)).rows.map((r) => r.name);
  const resetSql = [`truncate ${tables.join(", ")} restart identity cascade`, ...sequences.map((sequence) => `alter sequence ${sequence} restart`)].join(";\n");
  return { resetSql, partitions: new Set(await partitionsOf(client)), fingerprint: await fingerprintOf(client) };
}

/**
 * A database for one test: an idle instance of this worker, else one loaded from the dump. The
 * test sees it through a revocable view: after close() or destroy(), anything still holding it (a
 * timer of a gateway a test forgot to stop, a late journal flush) gets an error instead of writing
 * into the next test's data. The instance is then emptied (partitions added since the dump dropped,
 * every table truncated, sequences restarted, the session discarded, this test's LISTEN callbacks
 * removed) and goes back to the idle
 * list only if its schema fingerprint is still that of a fresh instance and no transaction is left
 * open; otherwise it is closed.
 */
async function leasePglite(): Promise<TestDatabase> {
  let client = idlePglite.pop();
  if (!client) {
    client = new PGlite({ loadDataDir: await migratedPgliteDump() });
    await client.waitReady;
    pgliteLoads++;
    pgliteBaseline ??= readBaseline(client);
    await pgliteBaseline;
  }
  const instance = client;
  let revoked = false;
  const unsubscribes: (() => Promise<void>)[] = [];
  const view = new Proxy(instance, {
    get(target, property) {
      if (revoked) throw new Error("this test database was closed: it is reset for another test and no longer usable");
      if (property === "listen") {
        return async (channel: string, callback: (payload: string) => void, tx?: unknown) => {
          const unsubscribe = await target.listen(channel, callback, tx as never);
          unsubscribes.push(unsubscribe);
          return unsubscribe;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const database = pgliteDatabase(view);
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= (async () => {
      revoked = true;
      await giveBack(instance, unsubscribes);
    })());
  return { ...database, close: release, destroy: release };
}

async function giveBack(client: PGlite, unsubscribes: (() => Promise<void>)[]): Promise<void> {
  if (client.closed) return;
  try {
    for (const unsubscribe of unsubscribes) await unsubscribe();
    const baseline = await pgliteBaseline!;
    // Monthly journal partitions a gateway created (src/journal/partitions.ts) go; nothing else is dropped.
    for (const partition of await partitionsOf(client)) if (!baseline.partitions.has(partition)) await client.exec(`drop table ${partition}`);
    await client.exec(baseline.resetSql);
    // Session state: settings, prepared statements, cursors, temporary tables, LISTENs, advisory
    // locks. On its own: a query of several statements is one transaction, where it cannot run; a
    // transaction a test left open makes it fail too, and the instance is then closed below.
    await client.exec("discard all");
    if (idlePglite.length < MAX_IDLE_PGLITE && (await fingerprintOf(client)) === baseline.fingerprint) {
      idlePglite.push(client);
      return;
    }
  } catch {
    // Not provably back in the migrated state: never reused.
  }
  await client.close().catch(() => {});
}

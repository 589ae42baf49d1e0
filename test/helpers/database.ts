import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { migrationsFolder, openDatabase, type Database } from "../../src/db/client.ts";

/**
 * Each test gets its own migrated database:
 * - PGlite (default): migrations run once per machine (the migrated data directory is cached in the
 *   system's temp folder, keyed by the migrations and the PGlite version), then every database is a
 *   clone of that dump; without the cache every test file paid for the migrations again;
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

async function migratedPgliteDump(): Promise<Blob> {
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

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testBackend() === "pglite") {
    const database = await openDatabase({ pgliteDump: await migratedPgliteDump() });
    return { ...database, destroy: () => database.close() };
  }
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

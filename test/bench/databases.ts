/**
 * Databases for the benchmarks: a fresh PostgreSQL database `bench_<random>` on the server named by
 * BENCH_DATABASE_URL (dropped afterwards), or a PGlite data directory in a temporary folder.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { openDatabase, type Database } from "../../src/db/client.ts";

export interface BenchDatabase {
  kind: "postgres" | "pglite";
  /** For child processes: either a URL or a PGlite data directory. */
  url?: string;
  dataDir: string;
  /** Opens a connection (PGlite: the only one; close it before a child opens the directory). */
  open(poolSize?: number): Promise<Database>;
  /**
   * For the bench's own setup (migrations, seeding): PGlite in this thread, whose queries one after
   * another cost less than through the product's PGlite thread (seeding the small registry 1.3 s
   * against 2.6 s). What is measured opens with `open`, as the product does.
   */
  openForSetup(): Promise<Database>;
  drop(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * `keep`: a database named after the label alone (`bench_<label>_kept`), created only when missing
 * and never dropped, so a slow seed (the national registry: minutes) is done once and reused.
 * `from` (PGlite): the data directory to start as a copy of; default one migrated once per process.
 */
export async function createBenchDatabase(label: string, options: { keep?: boolean; from?: string } = {}): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${label}-`));
  const server = process.env.BENCH_DATABASE_URL;
  if (!server) {
    // A copy of a data directory migrated once per process: opening and migrating a fresh PGlite
    // took seconds of each part of `--quick`; migrate() on the copy finds nothing to do.
    cpSync(options.from ?? (await migratedPglite()), dataDir, { recursive: true });
    return {
      kind: "pglite",
      dataDir,
      open: () => openDatabase({ dataDir }),
      openForSetup: () => openDatabase({ dataDir, pgliteOnThisThread: true }),
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = options.keep ? `bench_${label}_kept` : `bench_${label}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  const exists = options.keep && (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
  if (!exists) await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = withDatabaseName(server, name);
  return {
    kind: "postgres",
    url,
    dataDir,
    open: (poolSize = 4) => openDatabase({ url, poolSize }),
    openForSetup: () => openDatabase({ url, poolSize: 4 }),
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      if (options.keep) return;
      const dropper = postgres(server, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
    },
  };
}

let migratedTemplate: Promise<string> | undefined;
function migratedPglite(): Promise<string> {
  migratedTemplate ??= (async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bench-migrated-"));
    process.once("exit", () => rmSync(dataDir, { recursive: true, force: true }));
    const database = await openDatabase({ dataDir, pgliteOnThisThread: true });
    await database.migrate();
    await database.close();
    return dataDir;
  })();
  return migratedTemplate;
}

/**
 * A bench database that starts as `seed` left it. On PGlite the seeded data directory is built once
 * per process and `key` and copied for each part that asks again; on PostgreSQL each part seeds its
 * own fresh database as before. The database is closed: the caller opens it (or hands it to a
 * child process).
 */
const seededTemplates = new Map<string, Promise<string>>();
export async function createSeededBenchDatabase(label: string, key: string, seed: (database: Database) => Promise<unknown>): Promise<BenchDatabase> {
  if (process.env.BENCH_DATABASE_URL) return seeded(await createBenchDatabase(label), seed);
  let template = seededTemplates.get(key);
  if (template === undefined) {
    template = (async () => {
      const { dataDir } = await seeded(await createBenchDatabase(`template-${label}`), seed);
      process.once("exit", () => rmSync(dataDir, { recursive: true, force: true }));
      return dataDir;
    })();
    seededTemplates.set(key, template);
  }
  return createBenchDatabase(label, { from: await template });
}

async function seeded(bench: BenchDatabase, seed: (database: Database) => Promise<unknown>): Promise<BenchDatabase> {
  const database = await bench.openForSetup();
  await database.migrate();
  await seed(database);
  await database.close();
  return bench;
}

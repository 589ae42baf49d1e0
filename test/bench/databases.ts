/**
 * Databases for the benchmarks: a fresh PostgreSQL database `bench_<random>` on the server named by
 * BENCH_DATABASE_URL (dropped afterwards), or a PGlite data directory in a temporary folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
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
 */
export async function createBenchDatabase(label: string, options: { keep?: boolean } = {}): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${label}-`));
  const server = process.env.BENCH_DATABASE_URL;
  if (!server) {
    return {
      kind: "pglite",
      dataDir,
      open: () => openDatabase({ dataDir }),
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
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      if (options.keep) return;
      const dropper = postgres(server, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
    },
  };
}

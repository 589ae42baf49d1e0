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

export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
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
  const name = `bench_${label}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = withDatabaseName(server, name);
  return {
    kind: "postgres",
    url,
    dataDir,
    open: (poolSize = 4) => openDatabase({ url, poolSize }),
    async drop() {
      const dropper = postgres(server, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

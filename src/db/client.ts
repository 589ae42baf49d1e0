import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { openPgliteThread, type PgliteClient } from "./pglite-thread.ts";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema/index.ts";
import { resultRows } from "./rows.ts";
import { adoptSnapshot, snapshotReader, type BulkReader, type SharedSnapshot } from "./snapshot-reader.ts";

export type { BulkReader, SharedSnapshot };

export type Schema = typeof schema;
/** The Drizzle database, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle; services take `Db | Tx` where they can run inside a caller's transaction. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type Executor = Db | Tx;

export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

export interface Database {
  kind: "postgres" | "pglite";
  db: Db;
  /**
   * Subscribe to a NOTIFY channel; returns the unsubscribe function. `onListen` runs each time the
   * subscription is (re)established: after a lost connection, notifications sent in between are
   * gone, so a subscriber that mirrors state reloads then.
   */
  listen(channel: string, onPayload: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Cheap round-trip used by /readyz and the registry's health state. */
  ping(timeoutMs?: number): Promise<boolean>;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: a tarball of the data directory (tests clone migrated databases from it). */
  dumpDataDir?(): Promise<Blob>;
  /**
   * PostgreSQL only: `connections` dedicated connections that all read one snapshot of the
   * database (REPEATABLE READ, the first exports its snapshot, the others adopt it, as pg_dump
   * does), so queries split across them see the same rows. Each transaction is rolled back and
   * the connection released when `work` settles: use them to read (and for temporary tables).
   * `shared` lets other threads read the same snapshot meanwhile (snapshot-reader.ts, joinSnapshot).
   */
  bulkRead?<T>(connections: number, work: (readers: BulkReader[], shared: SharedSnapshot) => Promise<T>): Promise<T>;
}


export interface DatabaseOptions {
  url?: string;
  dataDir?: string;
  /** A PGlite data-dir dump to start from (tests clone a migrated database this way). */
  pgliteDump?: Blob;
  /** Maximum pool size for PostgreSQL. */
  poolSize?: number;
  /**
   * PGlite on the caller's thread instead of its own: for bulk setup work (the bench's seeding),
   * whose thousands of statements one after another each pay the thread's round trip. Never for
   * the product: its queries would hold the caller's event loop.
   */
  pgliteOnThisThread?: boolean;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options);
}

/**
 * Reconnect delay in seconds after `retries` failed attempts. postgres.js defaults to 3^n/100 s
 * capped at 20 s, so after a ten-second outage its LISTEN connection came back only ~20 s after
 * the server did, and registry changes made meanwhile never reached the proxy. A proxy wants the
 * change feed back fast; one attempt per second per connection is cheap for the server.
 */
export function reconnectBackoff(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 1);
}

function openPostgres(url: string, poolSize: number): Database {
  const client = postgres(url, { max: poolSize, onnotice: () => {}, connect_timeout: 5, idle_timeout: 30, backoff: reconnectBackoff });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    kind: "postgres",
    db,
    async listen(channel, onPayload, onListen) {
      // postgres.js re-subscribes on its own after a lost connection and calls onListen each time.
      const subscription = await client.listen(channel, onPayload, onListen);
      return () => subscription.unlisten();
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    async ping(timeoutMs = 2000) {
      try {
        return (await withTimeout(client`select 1`.then(() => true), timeoutMs)) ?? false;
      } catch {
        return false;
      }
    },
    async migrate() {
      await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    },
    async close() {
      await client.end({ timeout: 5 });
    },
    bulkRead: (connections, work) => bulkRead(client, url, connections, work),
  };
}

async function bulkRead<T>(client: postgres.Sql, url: string, connections: number, work: (readers: BulkReader[], shared: SharedSnapshot) => Promise<T>): Promise<T> {
  const reserved: postgres.ReservedSql[] = [];
  try {
    for (let i = 0; i < connections; i++) reserved.push(await client.reserve());
    // Not READ ONLY: a reader may build temporary tables (dropped with the transaction).
    await reserved[0]!.unsafe("begin isolation level repeatable read");
    const [exported] = await reserved[0]!.unsafe<{ id: string }[]>("select pg_export_snapshot() as id");
    for (const connection of reserved.slice(1)) await adoptSnapshot(connection, exported!.id);
    return await work(reserved.map(snapshotReader), { url, id: exported!.id });
  } finally {
    for (const connection of reserved) {
      await connection.unsafe("rollback").catch(() => {});
      connection.release();
    }
  }
}

/**
 * PGlite on its own thread (./pglite-thread.ts): its queries run synchronously, and on the
 * gateway's thread they held every session's event loop for as long as a journal batch took.
 */
async function openPglite(options: DatabaseOptions): Promise<Database> {
  let dataDir: string | undefined;
  if (!options.pgliteDump && options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    dataDir = join(options.dataDir, "pglite");
  }
  if (!options.pgliteOnThisThread) return pgliteDatabase(await openPgliteThread({ dataDir, loadDataDir: options.pgliteDump }));
  const client = options.pgliteDump ? new PGlite({ loadDataDir: options.pgliteDump }) : new PGlite(dataDir);
  await client.waitReady;
  return pgliteDatabase(client);
}

/**
 * The Database over an open PGlite instance. close() closes the instance. (Tests lease pooled
 * instances through a revocable view of the client: test/helpers/database.ts.)
 */
export function pgliteDatabase(client: PgliteClient): Database {
  const db = drizzlePglite(client as PGlite, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    async listen(channel, onPayload, onListen) {
      // In-process the subscription cannot be lost. PGlite's thread (./pglite-thread.ts) can stop
      // and be started again: it listens again itself, and `onListen` runs again then, as after
      // postgres.js reconnects.
      const unlisten = await client.listen(channel, onPayload);
      onListen?.();
      const restarted = onListen && client.onRestart?.(onListen);
      return async () => {
        restarted?.();
        await unlisten();
      };
    },
    async notify(channel, payload) {
      await client.query("select pg_notify($1, $2)", [channel, payload]);
    },
    async ping() {
      try {
        await client.query("select 1");
        return true;
      } catch {
        return false;
      }
    },
    async migrate() {
      await migratePglite(drizzlePglite(client as PGlite), { migrationsFolder });
    },
    async close() {
      if (!client.closed) await client.close();
    },
    async dumpDataDir() {
      return (await client.dumpDataDir("none")) as Blob;
    },
  };
}

/** True when every committed migration has been applied. */
export async function migrationsApplied(db: Db): Promise<boolean> {
  try {
    const result = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const rows = resultRows<{ n: number }>(result);
    const applied = Number(rows[0]?.n ?? 0);
    const journal = (await Bun.file(join(migrationsFolder, "meta", "_journal.json")).json()) as { entries: unknown[] };
    return applied >= journal.entries.length;
  } catch {
    return false;
  }
}

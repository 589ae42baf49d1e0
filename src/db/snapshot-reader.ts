/**
 * Reading one PostgreSQL snapshot over several connections (Database.bulkRead), and from other
 * threads: the connection that opens the snapshot exports it (pg_export_snapshot, as pg_dump does)
 * and every other connection, in this thread or a worker's, adopts it with SET TRANSACTION
 * SNAPSHOT, so queries split across them see the same rows. An exported snapshot can be adopted
 * only while the exporting transaction is open: bulkRead keeps it open until its work settles.
 *
 * Kept apart from client.ts, which also loads PGlite and Drizzle, so a worker thread that only
 * reads a snapshot (the registry's keyed-set threads) starts with postgres.js alone.
 */
import postgres from "postgres";

/** One connection reading a shared snapshot. */
export interface BulkReader {
  /** A small query's rows as objects. */
  query<T>(text: string): Promise<T[]>;
  /**
   * `COPY (query) TO STDOUT`: `onRow` gets each CopyData message's bytes. In text format (the
   * default) a message is a row, tab-separated with a final newline; in binary format a tuple,
   * the stream's header before the first and a trailer message after the last.
   */
  copyRows(query: string, onRow: (row: Uint8Array) => void, options?: { binary?: boolean }): Promise<void>;
}

/** What another thread needs to read the same snapshot: the server's URL and the exported snapshot's id. */
export interface SharedSnapshot {
  url: string;
  id: string;
}

/** pg_export_snapshot's ids look like 00000003-0000001B-1: hex words and a counter. */
const SNAPSHOT_ID = /^[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+$/;

/** Opens a transaction on `connection` that reads the snapshot `id`. */
export async function adoptSnapshot(connection: postgres.ReservedSql, id: string): Promise<void> {
  if (!SNAPSHOT_ID.test(id)) throw new Error(`not an exported snapshot id: ${id}`);
  await connection.unsafe("begin isolation level repeatable read");
  await connection.unsafe(`set transaction snapshot '${id}'`);
}

/** The BulkReader over a connection inside a snapshot's transaction. */
export function snapshotReader(connection: postgres.ReservedSql): BulkReader {
  return {
    query: async <R>(text: string) => (await connection.unsafe(text)) as unknown as R[],
    async copyRows(query, onRow, options = {}) {
      const stream = await connection.unsafe(`copy (${query}) to stdout${options.binary ? " (format binary)" : ""}`).readable();
      // A row handler's error must not reach postgres.js: thrown from inside its socket handler,
      // it destroys the stream but leaves the socket paused when the stream was full, and the
      // connection (and this load, and the rollback behind it) waits forever. So the rest of
      // the COPY is read and dropped, and the error is raised once it has ended.
      let failure: unknown;
      await new Promise<void>((resolve, reject) => {
        stream.on("data", (row: Uint8Array) => {
          if (failure !== undefined) return;
          try {
            onRow(row);
          } catch (error) {
            failure = error;
          }
        });
        stream.once("end", resolve);
        stream.once("error", reject);
      });
      // postgres.js pauses the socket when a row overfills the stream and resumes it only from
      // the stream's read hook, which an ended stream never calls again. When the last row
      // filled the stream and the CommandComplete after CopyDone came in a later socket read,
      // the connection (the next range's COPY on it, and the proxy's start) waited forever.
      // The hook resumes the socket (test/src/db/bulk-read.test.ts splits the reads to prove it).
      (stream as unknown as { _read(size: number): void })._read(0);
      if (failure !== undefined) throw failure;
    },
  };
}

/**
 * A connection of its own (a worker thread's) reading `shared`'s snapshot. close() rolls its
 * transaction back and closes the connection; call it before the exporter's work settles.
 */
export async function joinSnapshot(shared: SharedSnapshot): Promise<BulkReader & { close(): Promise<void> }> {
  const client = postgres(shared.url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  let connection: postgres.ReservedSql | undefined;
  try {
    connection = await client.reserve();
    await adoptSnapshot(connection, shared.id);
  } catch (error) {
    connection?.release();
    await client.end({ timeout: 1 });
    throw error;
  }
  const reserved = connection;
  return {
    ...snapshotReader(reserved),
    async close() {
      await reserved.unsafe("rollback").catch(() => {});
      reserved.release();
      await client.end({ timeout: 5 });
    },
  };
}

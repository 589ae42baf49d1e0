/**
 * The thread that owns PGlite when the product runs on it (src/db/pglite-thread.ts is the other
 * side). PGlite is Postgres compiled to WebAssembly: every query runs synchronously on the thread
 * that calls it. Here, that thread is this one, not the gateway's event loop.
 *
 * Messages in: { id, op, … } (ThreadRequest in pglite-thread.ts). Messages out: { id, result } or
 * { id, error }, and { notify: channel, payload } for each NOTIFY on a channel listened to.
 */
import { PGlite, type Results, type Transaction } from "@electric-sql/pglite";
import type { ThreadReply, ThreadRequest } from "./pglite-thread.ts";

declare const self: Worker;

let pg: PGlite | undefined;
/** Settles when `open` has: requests that come meanwhile wait for it. */
let opened: Promise<void> | undefined;
/** Open transactions by id: each waits for its `end` message. */
const transactions = new Map<number, { tx: Transaction; end: (commit: boolean) => void; settled: Promise<unknown> }>();
/** What ends a transaction the caller rolled back (it never leaves this thread). */
const ROLLED_BACK = new Error("rolled back");
const listening = new Map<string, () => Promise<void>>();
let nextTx = 1;

function post(reply: ThreadReply): void {
  self.postMessage(reply);
}

/** The error as plain fields: message, name and every string or number field PGlite set (code, detail, constraint…). */
function plainError(error: unknown): Record<string, string | number> {
  const plain: Record<string, string | number> = { message: error instanceof Error ? error.message : String(error), name: error instanceof Error ? error.name : "Error" };
  if (error && typeof error === "object") {
    for (const [key, value] of Object.entries(error)) if (typeof value === "string" || typeof value === "number") plain[key] = value;
  }
  return plain;
}

/** Types whose text the caller parses itself (drizzle keeps timestamps as text): PGlite hands them over unparsed. */
function rawParsers(rawTypes: number[] | undefined): Record<number, (value: string) => string> | undefined {
  if (!rawTypes?.length) return undefined;
  const parsers: Record<number, (value: string) => string> = {};
  for (const oid of rawTypes) parsers[oid] = (value) => value;
  return parsers;
}

/** What of a result crosses the thread (the fields structured clone can copy and the caller reads). */
function plainResult(result: Results): Pick<Results, "rows" | "fields" | "affectedRows"> {
  return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
}

function database(): PGlite {
  if (!pg) throw new Error("PGlite is not open");
  return pg;
}

function executor(txId: number | undefined): Pick<Transaction, "query" | "exec"> {
  if (txId === undefined) return database();
  const open = transactions.get(txId);
  if (!open) throw new Error(`transaction ${txId} is not open`);
  return open.tx;
}

async function handle(request: ThreadRequest): Promise<unknown> {
  if (request.op !== "open") await opened;
  switch (request.op) {
    case "open": {
      const instance = request.loadDataDir ? new PGlite({ loadDataDir: request.loadDataDir }) : new PGlite(request.dataDir);
      opened = instance.waitReady.then(() => {
        pg = instance;
      });
      await opened;
      return null;
    }
    case "query":
      return plainResult(await executor(request.tx).query(request.sql, request.params, { rowMode: request.rowMode, parsers: rawParsers(request.rawTypes) }));
    case "exec":
      return (await executor(request.tx).exec(request.sql)).map(plainResult);
    case "begin": {
      const id = nextTx++;
      // Resolves once PGlite has begun the transaction (it waits for any other to end first); the
      // transaction then stays open until `end` arrives.
      return await new Promise<number>((begun, failed) => {
        let started = false;
        const settled = database().transaction(
          (tx) =>
            new Promise<void>((commit, rollBack) => {
              transactions.set(id, { tx, end: (ok) => (ok ? commit() : rollBack(ROLLED_BACK)), settled });
              started = true;
              begun(id);
            }),
        );
        settled
          .catch((error: unknown) => {
            if (!started) failed(error);
          })
          .finally(() => transactions.delete(id));
      });
    }
    case "end": {
      const open = transactions.get(request.tx);
      if (!open) throw new Error(`transaction ${request.tx} is not open`);
      open.end(request.commit);
      // PGlite's COMMIT (or ROLLBACK) has run when its promise settles: a COMMIT that PostgreSQL
      // turned into a rollback (an aborted transaction) reaches the caller as PGlite reports it.
      try {
        await open.settled;
      } catch (error) {
        if (error !== ROLLED_BACK) throw error;
      }
      return null;
    }
    case "listen": {
      if (!listening.has(request.channel)) {
        const channel = request.channel;
        listening.set(channel, await database().listen(channel, (payload) => post({ notify: channel, payload })));
      }
      return null;
    }
    case "unlisten": {
      const unlisten = listening.get(request.channel);
      listening.delete(request.channel);
      await unlisten?.();
      return null;
    }
    case "dump":
      return await database().dumpDataDir("none");
    case "close": {
      if (pg && !pg.closed) await pg.close();
      return null;
    }
  }
}

self.onmessage = (event: MessageEvent<ThreadRequest>) => {
  const request = event.data;
  handle(request).then(
    (result) => post({ id: request.id, result }),
    (error: unknown) => post({ id: request.id, error: plainError(error) }),
  );
};

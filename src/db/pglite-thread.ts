/**
 * PGlite on a thread of its own. PGlite is Postgres compiled to WebAssembly and runs each query
 * synchronously on the thread that calls it: in the gateway's process, a journal batch or a
 * registry reload held the event loop (and every SMPP session on it) for tens of milliseconds,
 * which was most of the proxy's added p99 on PGlite. `openPgliteThread` starts a worker thread
 * that owns the instance (pglite-thread.worker.ts) and returns a client with the part of PGlite's
 * interface the product uses — query, exec, transaction, listen, dumpDataDir, close — each call a
 * message to that thread.
 *
 * Semantics are PGlite's own: one session, so a transaction holds off every other query until it
 * ends; errors keep PostgreSQL's fields (code, constraint, detail…); NOTIFY reaches listeners at
 * commit. Parsers cannot cross threads: the types a caller gives parsers for come back as text and
 * its parser runs here (drizzle keeps timestamps as text this way).
 */
import type { PGlite, QueryOptions, Results, Transaction } from "@electric-sql/pglite";

export type ThreadRequest = { id: number } & (
  | { op: "open"; dataDir?: string; loadDataDir?: Blob }
  | { op: "query"; tx?: number; sql: string; params?: unknown[]; rowMode?: "array" | "object"; rawTypes?: number[] }
  | { op: "exec"; tx?: number; sql: string }
  | { op: "begin" }
  | { op: "end"; tx: number; commit: boolean }
  | { op: "listen"; channel: string }
  | { op: "unlisten"; channel: string }
  | { op: "dump" }
  | { op: "close" }
);

type RequestBody = ThreadRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export type ThreadReply = { id: number; result: unknown; error?: undefined } | { id: number; error: Record<string, string | number>; result?: undefined } | { notify: string; payload: string; id?: undefined };

/**
 * The part of PGlite the product calls (src/db/client.ts, drizzle-orm/pglite). PGlite in-process
 * is one; the thread's client is another and adds `onRestart` (a hook run each time the thread has
 * been started again after an unexpected stop; returns its removal).
 */
export type PgliteClient = Pick<PGlite, "query" | "exec" | "transaction" | "listen" | "dumpDataDir" | "close" | "closed"> & {
  onRestart?(hook: () => void): () => void;
};

export interface PgliteThreadOptions {
  /** A directory for the data (NODEFS); in memory when neither this nor loadDataDir is given. */
  dataDir?: string;
  /** A data-dir dump to start from. */
  loadDataDir?: Blob;
}

/** An Error carrying the fields the thread sent (code, constraint…), as src/db/errors.ts reads them. */
function threadError(fields: Record<string, string | number>): Error {
  const error = new Error(String(fields.message));
  Object.assign(error, fields);
  return error;
}

export async function openPgliteThread(options: PgliteThreadOptions = {}): Promise<PgliteClient> {
  const thread = new PgliteThread(options);
  try {
    await thread.start();
  } catch (error) {
    thread.terminate();
    throw error;
  }
  return thread as unknown as PgliteClient;
}

/** An error for a call the thread cannot answer: coded as a lost connection (src/db/errors.ts, isUnavailableError). */
function unavailable(message: string): Error {
  return Object.assign(new Error(message), { code: "CONNECTION_CLOSED" });
}

/** How long after an unexpected stop the thread is started again (data directory only). */
const RESTART_DELAY_MS = 1000;

/**
 * The gateway's side of the thread: each call a message, answered by id; NOTIFY fanned out to
 * listeners. A thread that stops without being closed (PGlite's WebAssembly aborting, say) fails
 * every call in flight and every call after, as a database that went away; with a data directory
 * it is started again on that directory after a second, listens again, and tells `onRestart`
 * subscribers, who reload what they mirror (notifications sent meanwhile are gone). In memory
 * there is nothing to reopen: the calls keep failing.
 */
class PgliteThread {
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private readonly restartHooks = new Set<() => void>();
  private worker!: Worker;
  private nextId = 1;
  private isClosed = false;
  private stopped: Error | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: PgliteThreadOptions) {}

  /** A new worker thread, and PGlite opened in it. */
  async start(): Promise<void> {
    const worker = new Worker(new URL("./pglite-thread.worker.ts", import.meta.url).href);
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<ThreadReply>) => this.onReply(event.data);
    worker.onerror = (event) => {
      if (worker !== this.worker) return;
      this.stoppedUnexpectedly(unavailable(`the PGlite thread failed: ${event.message}`));
      worker.terminate();
    };
    worker.addEventListener("close", () => {
      if (worker === this.worker) this.stoppedUnexpectedly(unavailable("the PGlite thread has stopped"));
    });
    // Like PGlite in-process, an idle thread does not keep the process alive; a call waiting for
    // its answer does.
    worker.unref();
    this.stopped = undefined;
    await this.call({ op: "open", dataDir: this.options.dataDir, loadDataDir: this.options.loadDataDir });
  }

  /** See PgliteClient.onRestart. */
  onRestart(hook: () => void): () => void {
    this.restartHooks.add(hook);
    return () => this.restartHooks.delete(hook);
  }

  private stoppedUnexpectedly(error: Error): void {
    this.fail(error);
    if (this.isClosed || !this.options.dataDir || this.restartTimer) return;
    this.restartTimer = setTimeout(() => void this.restart(), RESTART_DELAY_MS);
    this.restartTimer.unref?.();
  }

  private async restart(): Promise<void> {
    this.restartTimer = undefined;
    if (this.isClosed) return;
    try {
      await this.start();
      for (const channel of this.listeners.keys()) await this.call({ op: "listen", channel });
    } catch (error) {
      this.worker.terminate();
      this.stoppedUnexpectedly(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    for (const hook of this.restartHooks) hook();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  call<T>(body: RequestBody): Promise<T> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...body, id });
    });
  }

  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.queryIn<T>(undefined, sql, params, options);
  }

  exec(sql: string): Promise<Results[]> {
    return this.execIn(undefined, sql);
  }

  /** PGlite's transaction: begun on the thread, each query sent with its id, committed when `work` resolves. */
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const txId = await this.call<number>({ op: "begin" });
    let open = true;
    const tx = {
      get closed() {
        return !open;
      },
      query: <R>(sql: string, params?: unknown[], options?: QueryOptions) => this.queryIn<R>(txId, sql, params, options),
      exec: (sql: string) => this.execIn(txId, sql),
      sql: () => Promise.reject(new Error("tx.sql is not available across the PGlite thread; use tx.query")),
      listen: () => Promise.reject(new Error("listen inside a transaction is not available across the PGlite thread")),
      rollback: () => Promise.reject(new Error("rolled back")),
    } as unknown as Transaction;
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      open = false;
      await this.call({ op: "end", tx: txId, commit: false }).catch(() => {});
      throw error;
    }
    open = false;
    await this.call({ op: "end", tx: txId, commit: true });
    return result;
  }

  async listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) {
      this.listeners.set(channel, (set = new Set()));
      await this.call({ op: "listen", channel });
    }
    set.add(callback);
    const listening = set;
    return async () => {
      listening.delete(callback);
      if (listening.size === 0 && this.listeners.get(channel) === listening) {
        this.listeners.delete(channel);
        await this.call({ op: "unlisten", channel });
      }
    };
  }

  dumpDataDir(): Promise<Blob> {
    return this.call<Blob>({ op: "dump" });
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.restartTimer);
    try {
      if (!this.stopped) await this.call({ op: "close" });
    } finally {
      this.terminate();
    }
  }

  terminate(): void {
    this.isClosed = true;
    this.fail(unavailable("PGlite is closed"));
    this.worker.terminate();
  }

  private execIn(tx: number | undefined, sql: string): Promise<Results[]> {
    return this.call<Results[]>({ op: "exec", tx, sql });
  }

  private async queryIn<T>(tx: number | undefined, sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    const parsers = options?.parsers;
    const rawTypes = parsers ? Object.keys(parsers).map(Number) : undefined;
    const result = await this.call<Results<T>>({ op: "query", tx, sql, params, rowMode: options?.rowMode, rawTypes });
    if (parsers && rawTypes!.length) applyParsers(result, parsers, options?.rowMode ?? "object");
    return result;
  }

  private onReply(reply: ThreadReply): void {
    if (reply.id === undefined) {
      for (const listener of this.listeners.get(reply.notify) ?? []) queueMicrotask(() => listener(reply.payload));
      return;
    }
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.error) call.reject(threadError(reply.error));
    else call.resolve(reply.result);
  }

  private fail(error: Error): void {
    this.stopped ??= error;
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}

/** Runs the caller's parsers on the fields the thread left as text. */
function applyParsers(result: Results<unknown>, parsers: NonNullable<QueryOptions["parsers"]>, rowMode: "array" | "object"): void {
  const fields = result.fields;
  for (let column = 0; column < fields.length; column++) {
    const parse = parsers[fields[column]!.dataTypeID];
    if (!parse) continue;
    const typeId = fields[column]!.dataTypeID;
    const key = rowMode === "array" ? column : fields[column]!.name;
    for (const row of result.rows as Record<string | number, unknown>[]) {
      const value = row[key];
      if (typeof value === "string") row[key] = (parse as (text: string, type: number) => unknown)(value, typeId);
    }
  }
}

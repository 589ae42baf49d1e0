import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Database } from "../db/client.ts";
import { writeBatch } from "./journal.batch-write.ts";
import { appendFileTo, countLines, readLines } from "./spool-file.ts";

import type { Batch, LastSender, MessageRoute, RejectionEvent, TrafficKey } from "./journal.types.ts";

export type { LastSender, MessageRoute, RejectionEvent, TrafficKey } from "./journal.types.ts";

export interface JournalOptions {
  database: Database;
  spoolDir: string;
  instanceId: string;
  logger?: Logger;
  /** The batch window: the most a SIGKILL can lose. */
  flushIntervalMs?: number;
  maxBatchRows?: number;
  /** A batch write that takes longer counts as failed and is spooled (its batch id keeps a late commit harmless). */
  writeTimeoutMs?: number;
  /**
   * Rows held in memory past which, while a write is under way, whole batches go to the spool
   * instead (the database is slower than the proxy): memory stays bounded and nothing is lost.
   * Default 50 batches' worth.
   */
  maxInMemoryRows?: number;
}

/**
 * PostgreSQL text cannot hold U+0000, and SMPP fields can (a Latin-1 short_message with NUL
 * octets, a destination_addr with control bytes). One such row used to fail its whole batch, and
 * since spooled batches replay in order, every later batch stayed stuck behind it: the journal
 * stopped for good. NUL is shown as U+2400 (␀) so a reviewer still sees it was there. Every string
 * field is checked, in place: the row is the journal's from recordRejection on.
 */
function makeStorable(event: RejectionEvent): void {
  const row = event as unknown as Record<string, unknown>;
  for (const key in row) {
    const value = row[key];
    if (typeof value === "string" && value.includes("\u0000")) row[key] = value.replaceAll("\u0000", "\u2400");
  }
}

/**
 * Takes verdicts off the hot path. Events are buffered in memory and written in batches, one
 * transaction per batch, tagged with a batch id so a replay never writes twice. While the database
 * is away, batches are appended to a local spool file and replayed in order once it is back.
 */
export class Journal {
  private pendingRejections: Batch["rejections"] = [];
  private pendingTraffic = new Map<string, TrafficKey & { accepted: number; refused: number }>();
  private pendingRoutes: MessageRoute[] = [];
  /** Coalesced per (recipient, port): only the latest sender of a batch is written. */
  private pendingLastSenders = new Map<string, LastSender>();
  private eventSeq = 0;
  private batchSeq = 0;
  private readonly nonce = Date.now().toString(36);
  private timer: ReturnType<typeof setInterval> | undefined;
  private flushing: Promise<void> | undefined;
  private readonly spoolFile: string;
  private spooledBatches = 0;
  private written = { batches: 0, rejections: 0 };
  private lastError: string | undefined;

  constructor(private readonly options: JournalOptions) {
    mkdirSync(options.spoolDir, { recursive: true });
    this.spoolFile = join(options.spoolDir, `journal-${options.instanceId}.jsonl`);
    // Batches spooled, and those of a replay a previous process did not finish.
    for (const file of [this.spoolFile, `${this.spoolFile}.replaying`]) if (existsSync(file)) this.spooledBatches += countLines(file);
  }

  start(): void {
    this.timer = setInterval(() => this.flushSoon(), this.options.flushIntervalMs ?? 200);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * Journals a refusal. The journal keeps `event` itself (no copy per refusal): the caller passes
   * an object of its own and does not touch it afterwards.
   */
  recordRejection(event: RejectionEvent): void {
    makeStorable(event);
    const row = event as RejectionEvent & { eventId: string };
    row.eventId = `${this.options.instanceId}:${this.nonce}:${++this.eventSeq}`;
    this.pendingRejections.push(row);
    if (this.pendingRejections.length >= this.maxBatchRows) this.flushSoon();
  }

  count(key: TrafficKey, outcome: "accepted" | "refused"): void {
    const id = `${key.day}|${key.spId}|${key.portId}|${key.signatureId}|${key.category}`;
    let entry = this.pendingTraffic.get(id);
    if (!entry) this.pendingTraffic.set(id, (entry = { ...key, accepted: 0, refused: 0 }));
    entry[outcome]++;
  }

  recordRoute(route: MessageRoute): void {
    this.pendingRoutes.push(route);
  }

  recordLastSender(sender: LastSender): void {
    this.pendingLastSenders.set(`${sender.recipientHash}|${sender.portId}`, sender);
  }

  /** Events not yet in the database: in memory plus spooled batches. */
  backlog(): { inMemory: number; spooledBatches: number } {
    return { inMemory: this.pendingRejections.length + this.pendingTraffic.size + this.pendingRoutes.length + this.pendingLastSenders.size, spooledBatches: this.spooledBatches };
  }

  stats() {
    return { ...this.written, lastError: this.lastError, ...this.backlog() };
  }

  /**
   * Writes (or spools) everything recorded before the call. A flush already under way took only
   * the events recorded before IT started, so a caller arriving meanwhile waits for it and then
   * flushes again: otherwise stop() during a write would leave the newer events in memory.
   */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    // Batches are capped (takeBatch), so everything recorded before this call may take several;
    // what is recorded meanwhile waits for the next flush (a producer that never stops cannot
    // keep this one going).
    let batches = Math.ceil(this.backlog().inMemory / this.maxBatchRows) + 1;
    this.flushing = (async () => {
      do await this.flushOnce();
      while (--batches > 0 && this.backlog().inMemory > 0);
    })().finally(() => {
      this.flushing = undefined;
      // Behind: the next batch goes at once rather than at the next tick.
      if (this.backlog().inMemory >= this.maxBatchRows && this.timer) this.flushSoon();
    });
    return this.flushing;
  }

  private get maxBatchRows(): number {
    return this.options.maxBatchRows ?? 5000;
  }

  /**
   * Timer and batch-size triggers: start a flush unless one is running (it will be followed by the
   * next tick). While one is running and the backlog is past maxInMemoryRows, batches are spooled.
   */
  private flushSoon(): void {
    if (!this.flushing) void this.flush();
    else this.spillIfOver();
  }

  /**
   * The database is slower than the proxy: batches beyond the in-memory bound go to the spool,
   * which is replayed in order once the writer catches up (the rows carry batch ids, traffic adds
   * up and last senders only move forward, so a spooled batch may land after a newer one).
   */
  private spillIfOver(): void {
    const limit = this.options.maxInMemoryRows ?? 50 * this.maxBatchRows;
    if (this.backlog().inMemory <= limit) return;
    let spilled = 0;
    for (let batch = this.takeBatch(); batch; batch = this.backlog().inMemory > limit - this.maxBatchRows ? this.takeBatch() : undefined) {
      this.spool(batch);
      spilled++;
    }
    this.options.logger?.warn({ batches: spilled, spooledBatches: this.spooledBatches }, "journal behind the proxy: batches spooled to disk");
  }

  /**
   * The next batch: at most `maxBatchRows` rejections, routes and last senders each (traffic is
   * aggregated, so small), oldest first. Uncapped, a producer faster than the database made each
   * batch bigger than the last until one outlasted the write timeout and was spooled: PGlite on
   * the gateway's thread used to stop the producer while it wrote, and on its own thread it no
   * longer does (nor does PostgreSQL).
   */
  private takeBatch(): Batch | undefined {
    if (!this.pendingRejections.length && !this.pendingTraffic.size && !this.pendingRoutes.length && !this.pendingLastSenders.size) return undefined;
    const cap = this.maxBatchRows;
    const [rejections, laterRejections] = splitHead(this.pendingRejections, cap);
    const [routes, laterRoutes] = splitHead(this.pendingRoutes, cap);
    const batch: Batch = {
      batchId: `${this.options.instanceId}:${this.nonce}:${++this.batchSeq}`,
      rejections,
      traffic: [...this.pendingTraffic.values()],
      routes,
      lastSenders: takeLastSenders(this.pendingLastSenders, cap),
    };
    this.pendingRejections = laterRejections;
    this.pendingRoutes = laterRoutes;
    this.pendingTraffic = new Map();
    return batch;
  }

  private async flushOnce(): Promise<void> {
    const batch = this.takeBatch();
    // Order matters: older spooled batches go first, and a new batch never overtakes them.
    if (this.spooledBatches > 0) {
      if (batch) this.spool(batch);
      await this.replaySpool();
      return;
    }
    if (!batch) return;
    try {
      await this.write(batch);
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.options.logger?.warn({ err: error }, "journal write failed; spooling to disk");
      this.spool(batch);
    }
  }

  private spool(batch: Batch): void {
    appendFileSync(this.spoolFile, `${JSON.stringify(batch)}\n`);
    this.spooledBatches++;
  }

  /**
   * Writes the spooled batches in order, reading the file a line at a time (./spool-file.ts): a
   * spool can hold more than memory should. What a failed write leaves is kept, in order, ahead of
   * anything spooled meanwhile.
   */
  private async replaySpool(): Promise<void> {
    // Move the file aside so batches spooled during the replay land in a fresh file after it. A
    // file already aside is a replay a previous process did not finish: it goes first.
    const replaying = `${this.spoolFile}.replaying`;
    if (!existsSync(this.spoolFile) && !existsSync(replaying)) {
      this.spooledBatches = 0;
      return;
    }
    if (!existsSync(replaying)) renameSync(this.spoolFile, replaying);
    else if (existsSync(this.spoolFile)) {
      appendFileTo(this.spoolFile, replaying);
      rmSync(this.spoolFile);
    }
    const lines = readLines(replaying);
    let done = 0;
    let current: string | undefined;
    try {
      // Not for-await: leaving that loop by an exception would close the generator, and the catch
      // below reads the rest of the file from it.
      for (let next = await lines.next(); !next.done; next = await lines.next()) {
        const line = next.value;
        current = line;
        await this.write(JSON.parse(line, (key, value) => (key === "at" || key === "createdAt" ? new Date(value) : value)) as Batch);
        current = undefined;
        done++;
      }
      rmSync(replaying);
      this.spooledBatches = existsSync(this.spoolFile) ? countLines(this.spoolFile) : 0;
      this.options.logger?.info({ batches: done }, "journal spool replayed");
    } catch (error) {
      // Built aside and renamed over the spool: a crash meanwhile leaves the replaying file whole.
      const remainder = `${this.spoolFile}.remainder`;
      rmSync(remainder, { force: true });
      let kept = 0;
      const keep = (line: string) => {
        appendFileSync(remainder, `${line}\n`);
        kept++;
      };
      if (current !== undefined) keep(current);
      for await (const line of lines) keep(line);
      if (existsSync(this.spoolFile)) {
        kept += countLines(this.spoolFile);
        appendFileTo(this.spoolFile, remainder);
      }
      renameSync(remainder, this.spoolFile);
      rmSync(replaying);
      this.spooledBatches = kept;
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }

  /**
   * One batch, one transaction, bounded in time: a write stuck on a dead connection must not hold
   * up every later flush. If it commits after we gave up, the replay finds its batch id and skips.
   *
   * One transaction per batch and one statement per table: the rows travel as a single JSON
   * parameter expanded by jsonb_to_recordset on the server. Building a 1,000-row multi-VALUES
   * insert cost more CPU in the proxy (17,000 bound parameters per chunk) than the database spent
   * storing the rows.
   */
  private async write(batch: Batch): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeoutMs = this.options.writeTimeoutMs ?? 15_000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`journal batch write took more than ${timeoutMs} ms`)), timeoutMs);
    });
    // Keeping up: what arrived since this batch was taken still fits in one batch.
    const writing = writeBatch(this.options.database.db, batch, () => this.backlog().inMemory < this.maxBatchRows);
    writing.catch(() => {}); // a write that loses the race may still fail later; nobody waits for it
    try {
      await Promise.race([writing, timeout]);
    } finally {
      clearTimeout(timer);
    }
    this.written.batches++;
    this.written.rejections += batch.rejections.length;
  }
}


/** The first `cap` entries, and the rest (no copy when all fit). */
function splitHead<T>(list: T[], cap: number): [T[], T[]] {
  return list.length <= cap ? [list, []] : [list.slice(0, cap), list.slice(cap)];
}

/** The `cap` oldest coalesced last senders, removed from the map. */
function takeLastSenders(pending: Map<string, LastSender>, cap: number): LastSender[] {
  const taken: LastSender[] = [];
  for (const [key, sender] of pending) {
    if (taken.length === cap) break;
    taken.push(sender);
    pending.delete(key);
  }
  return taken;
}

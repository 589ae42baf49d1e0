import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Database } from "../db/client.ts";
import { journalBatches, messageRoutes, rejections, trafficDaily } from "../db/schema/index.ts";

export interface RejectionEvent {
  at: Date;
  reason: string;
  /** True when the rule was in monitor mode: the message passed, the refusal is journaled only. */
  monitor: boolean;
  command: string;
  spId?: string | null;
  accountId?: string | null;
  portId?: string | null;
  sourceAddr?: string | null;
  signatureId?: string | null;
  signatureText?: string | null;
  enterpriseId?: string | null;
  category?: string | null;
  recipientHash?: string | null;
  recipientMask?: string | null;
  /** Already redacted by the caller unless full capture is on. */
  text?: string | null;
  remoteAddress?: string | null;
}

export interface TrafficKey {
  day: string;
  spId: string;
  portId: string;
  signatureId: string;
  enterpriseId: string;
  category: string;
}

export interface MessageRoute {
  smscMessageId: string;
  accountId: string;
  spId: string;
  createdAt: Date;
}

interface Batch {
  batchId: string;
  rejections: (RejectionEvent & { eventId: string })[];
  traffic: (TrafficKey & { accepted: number; refused: number })[];
  routes: MessageRoute[];
}

export interface JournalOptions {
  database: Database;
  spoolDir: string;
  instanceId: string;
  logger?: Logger;
  /** The batch window: the most a SIGKILL can lose. */
  flushIntervalMs?: number;
  maxBatchRows?: number;
}

const INSERT_CHUNK = 1000;

/**
 * PostgreSQL text cannot hold U+0000, and SMPP fields can (a Latin-1 short_message with NUL
 * octets, a destination_addr with control bytes). One such row used to fail its whole batch, and
 * since spooled batches replay in order, every later batch stayed stuck behind it: the journal
 * stopped for good. NUL is shown as U+2400 (␀) so a reviewer still sees it was there.
 */
function storable(event: RejectionEvent): RejectionEvent {
  let copy: RejectionEvent | undefined;
  for (const key of Object.keys(event) as (keyof RejectionEvent)[]) {
    const value = event[key];
    if (typeof value === "string" && value.includes("\u0000")) {
      copy ??= { ...event };
      (copy as unknown as Record<string, unknown>)[key] = value.replaceAll("\u0000", "\u2400");
    }
  }
  return copy ?? event;
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
    if (existsSync(this.spoolFile)) this.spooledBatches = readFileSync(this.spoolFile, "utf8").split("\n").filter(Boolean).length;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 200);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  recordRejection(event: RejectionEvent): void {
    this.pendingRejections.push({ ...storable(event), eventId: `${this.options.instanceId}:${this.nonce}:${++this.eventSeq}` });
    if (this.pendingRejections.length >= (this.options.maxBatchRows ?? 5000)) void this.flush();
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

  /** Events not yet in the database: in memory plus spooled batches. */
  backlog(): { inMemory: number; spooledBatches: number } {
    return { inMemory: this.pendingRejections.length + this.pendingTraffic.size + this.pendingRoutes.length, spooledBatches: this.spooledBatches };
  }

  stats() {
    return { ...this.written, lastError: this.lastError, ...this.backlog() };
  }

  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private takeBatch(): Batch | undefined {
    if (!this.pendingRejections.length && !this.pendingTraffic.size && !this.pendingRoutes.length) return undefined;
    const batch: Batch = {
      batchId: `${this.options.instanceId}:${this.nonce}:${++this.batchSeq}`,
      rejections: this.pendingRejections,
      traffic: [...this.pendingTraffic.values()],
      routes: this.pendingRoutes,
    };
    this.pendingRejections = [];
    this.pendingTraffic = new Map();
    this.pendingRoutes = [];
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

  private async replaySpool(): Promise<void> {
    if (!existsSync(this.spoolFile)) {
      this.spooledBatches = 0;
      return;
    }
    // Move the file aside so batches spooled during the replay land in a fresh file after it.
    const replaying = `${this.spoolFile}.replaying`;
    if (!existsSync(replaying)) renameSync(this.spoolFile, replaying);
    else if (existsSync(this.spoolFile)) {
      appendFileSync(replaying, readFileSync(this.spoolFile));
      rmSync(this.spoolFile);
    }
    const lines = readFileSync(replaying, "utf8").split("\n").filter(Boolean);
    let done = 0;
    try {
      for (const line of lines) {
        const batch = JSON.parse(line, (key, value) => (key === "at" || key === "createdAt" ? new Date(value) : value)) as Batch;
        await this.write(batch);
        done++;
      }
      rmSync(replaying);
      this.spooledBatches = existsSync(this.spoolFile) ? readFileSync(this.spoolFile, "utf8").split("\n").filter(Boolean).length : 0;
      this.options.logger?.info({ batches: done }, "journal spool replayed");
    } catch (error) {
      // Keep the unwritten remainder, in order, ahead of anything spooled meanwhile.
      const remainder = lines.slice(done).join("\n") + "\n";
      const newer = existsSync(this.spoolFile) ? readFileSync(this.spoolFile, "utf8") : "";
      await Bun.write(this.spoolFile, remainder + newer);
      rmSync(replaying);
      this.spooledBatches = (remainder + newer).split("\n").filter(Boolean).length;
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }

  private async write(batch: Batch): Promise<void> {
    const db = this.options.database.db;
    await db.transaction(async (tx) => {
      const rows = batch.rejections.length + batch.traffic.length + batch.routes.length;
      const inserted = await tx
        .insert(journalBatches)
        .values({ batchId: batch.batchId, appliedAt: new Date(), rows })
        .onConflictDoNothing()
        .returning({ batchId: journalBatches.batchId });
      if (inserted.length === 0) return; // already written by an earlier attempt
      for (let i = 0; i < batch.rejections.length; i += INSERT_CHUNK) {
        const chunk = batch.rejections.slice(i, i + INSERT_CHUNK).map((r) => ({
          eventId: r.eventId,
          at: r.at,
          reason: r.reason,
          monitor: r.monitor,
          command: r.command,
          spId: r.spId ?? null,
          accountId: r.accountId ?? null,
          portId: r.portId ?? null,
          sourceAddr: r.sourceAddr ?? null,
          signatureId: r.signatureId ?? null,
          signatureText: r.signatureText ?? null,
          enterpriseId: r.enterpriseId ?? null,
          category: r.category ?? null,
          recipientHash: r.recipientHash ?? null,
          recipientMask: r.recipientMask ?? null,
          text: r.text ?? null,
          remoteAddress: r.remoteAddress ?? null,
        }));
        await tx.insert(rejections).values(chunk).onConflictDoNothing();
      }
      for (let i = 0; i < batch.traffic.length; i += INSERT_CHUNK) {
        await tx
          .insert(trafficDaily)
          .values(batch.traffic.slice(i, i + INSERT_CHUNK))
          .onConflictDoUpdate({
            target: [trafficDaily.day, trafficDaily.spId, trafficDaily.portId, trafficDaily.signatureId, trafficDaily.category],
            set: {
              accepted: sql`${trafficDaily.accepted} + excluded.accepted`,
              refused: sql`${trafficDaily.refused} + excluded.refused`,
            },
          });
      }
      for (let i = 0; i < batch.routes.length; i += INSERT_CHUNK) {
        await tx.insert(messageRoutes).values(batch.routes.slice(i, i + INSERT_CHUNK)).onConflictDoNothing();
      }
    });
    this.written.batches++;
    this.written.rejections += batch.rejections.length;
  }
}

import type { Logger } from "pino";
import type { Database } from "../db/client.ts";
import { REGISTRY_CHANNEL } from "../db/transaction.ts";
import { applyChange, loadSnapshot } from "./loader.ts";
import type { RegistrySnapshot } from "./snapshot.ts";

export interface RegistryOptions {
  database: Database;
  logger?: Logger;
  clock?: () => number;
  /** How often the database is pinged to tell a fresh snapshot from a stale one. */
  healthIntervalMs?: number;
  /** A full reload now and then, as a safety net for any missed notification. */
  fullReloadIntervalMs?: number;
}

export interface RegistryHealth {
  /** False while the database is unreachable: decisions use the last snapshot. */
  fresh: boolean;
  /** Milliseconds since the snapshot was last known to be current. */
  ageMs: number;
  lastError?: string;
  reloads: number;
  changesApplied: number;
}

/**
 * Keeps the in-memory registry snapshot current: a full load at start, then the change feed
 * (LISTEN/NOTIFY on PostgreSQL and on PGlite alike) applied incrementally, in order. Changes that
 * arrive during a full reload are replayed onto the new snapshot, so none is lost in the swap.
 */
export class Registry {
  private current!: RegistrySnapshot;
  private queue: string[] = [];
  private draining = false;
  private reloading: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private fullTimer: ReturnType<typeof setInterval> | undefined;
  private lastFreshAt = 0;
  private fresh = false;
  private lastError: string | undefined;
  private reloads = 0;
  private changesApplied = 0;
  private readonly clock: () => number;
  private readonly listeners = new Set<(payload: string) => void>();

  constructor(private readonly options: RegistryOptions) {
    this.clock = options.clock ?? Date.now;
  }

  get snapshot(): RegistrySnapshot {
    return this.current;
  }

  async start(): Promise<void> {
    this.unlisten = await this.options.database.listen(REGISTRY_CHANNEL, (payload) => this.enqueue(payload));
    await this.reload();
    this.healthTimer = setInterval(() => void this.checkHealth(), this.options.healthIntervalMs ?? 1000);
    this.healthTimer.unref?.();
    if (this.options.fullReloadIntervalMs) {
      this.fullTimer = setInterval(() => void this.reload().catch(() => {}), this.options.fullReloadIntervalMs);
      this.fullTimer.unref?.();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.healthTimer);
    clearInterval(this.fullTimer);
    await this.unlisten?.().catch(() => {});
  }

  /** Called for every change applied (tests and metrics use it). */
  onChange(listener: (payload: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health(): RegistryHealth {
    return {
      fresh: this.fresh,
      ageMs: this.lastFreshAt ? this.clock() - this.lastFreshAt : Number.POSITIVE_INFINITY,
      lastError: this.lastError,
      reloads: this.reloads,
      changesApplied: this.changesApplied,
    };
  }

  /** Full reload; concurrent callers share one. */
  reload(): Promise<void> {
    this.reloading ??= (async () => {
      const snapshot = await loadSnapshot(this.options.database.db);
      this.current = snapshot;
      this.reloads++;
      this.fresh = true;
      this.lastFreshAt = this.clock();
      this.lastError = undefined;
    })().finally(() => {
      this.reloading = undefined;
      void this.drain();
    });
    return this.reloading;
  }

  private enqueue(payload: string): void {
    this.queue.push(payload);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining || this.reloading || !this.current) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.reloading) {
        const payload = this.queue.shift()!;
        try {
          const applied = await applyChange(this.options.database.db, this.current, payload);
          if (!applied) {
            await this.reload();
            return;
          }
          this.changesApplied++;
          for (const listener of this.listeners) listener(payload);
        } catch (error) {
          // The database went away mid-change: keep the payload and retry once it is back.
          this.queue.unshift(payload);
          this.markStale(error);
          return;
        }
      }
    } finally {
      this.draining = false;
      if (this.queue.length > 0 && !this.reloading && this.fresh) queueMicrotask(() => void this.drain());
    }
  }

  private markStale(error: unknown): void {
    if (this.fresh) this.options.logger?.warn({ err: error }, "registry database unreachable; judging on the last snapshot");
    this.fresh = false;
    this.lastError = error instanceof Error ? error.message : String(error);
  }

  private async checkHealth(): Promise<void> {
    const ok = await this.options.database.ping(900);
    if (!ok) {
      this.markStale(new Error("database unreachable"));
      return;
    }
    if (!this.fresh) {
      // Notifications sent while we were cut off are gone: reload everything, then resume the feed.
      this.options.logger?.info("registry database reachable again; reloading the snapshot");
      try {
        await this.reload();
      } catch (error) {
        this.markStale(error);
      }
      return;
    }
    this.lastFreshAt = this.clock();
    if (this.queue.length) void this.drain();
  }
}

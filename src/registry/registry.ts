import type { Logger } from "pino";
import type { Database } from "../db/client.ts";
import { REGISTRY_CHANNEL } from "../db/transaction.ts";
import { applyChange, loadSnapshot, type LoaderHooks } from "./loader.ts";
import { sweepExpiredConsents } from "./consents-loader.ts";
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
  /** Times the change feed subscription was re-established after a lost connection. */
  resubscriptions: number;
}

/** Each registry notifies itself here once per health check: a beat that does not come back means the feed is down. */
export const HEARTBEAT_CHANNEL = "registry_heartbeat";
/** Beats that may go missing before the feed counts as down (one interval each). */
const MISSED_BEATS_ALLOWED = 2;

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
  /** Nothing in the feed or the settings table crashes the loader: what it cannot read is logged. */
  private readonly loaderHooks: LoaderHooks = {
    malformedChange: (payload, error) =>
      this.options.logger?.warn({ payload: payload.slice(0, 200), error }, "malformed registry change; reloading the snapshot"),
    invalidSetting: (key, error) => this.options.logger?.warn({ key, error }, "invalid stored setting; using its default"),
    now: () => this.clock(),
  };
  /** Consents that expired up to here have left the snapshot (sweepExpiredConsents). */
  private consentsSweptTo = 0;
  private subscriptions = 0;
  private unlistenHeartbeat: (() => Promise<void>) | undefined;
  private readonly beatNonce = Math.random().toString(36).slice(2, 10);
  private beatsSent = 0;
  private beatSeen = 0;
  private stopped = false;
  private readonly clock: () => number;
  private readonly listeners = new Set<(payload: string) => void>();

  constructor(private readonly options: RegistryOptions) {
    this.clock = options.clock ?? Date.now;
  }

  get snapshot(): RegistrySnapshot {
    return this.current;
  }

  async start(): Promise<void> {
    this.unlisten = await this.options.database.listen(
      REGISTRY_CHANNEL,
      (payload) => this.enqueue(payload),
      () => this.subscribed(),
    );
    this.unlistenHeartbeat = await this.options.database.listen(HEARTBEAT_CHANNEL, (payload) => this.beat(payload));
    await this.reload();
    this.healthTimer = setInterval(() => void this.checkHealth(), this.options.healthIntervalMs ?? 1000);
    this.healthTimer.unref?.();
    if (this.options.fullReloadIntervalMs) {
      this.fullTimer = setInterval(() => void this.reload().catch(() => {}), this.options.fullReloadIntervalMs);
      this.fullTimer.unref?.();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.healthTimer);
    clearInterval(this.fullTimer);
    await this.unlisten?.().catch(() => {});
    await this.unlistenHeartbeat?.().catch(() => {});
  }

  /**
   * The feed subscription is (re)established. The first time is start-up; after that, the
   * connection was lost and every notification sent meanwhile is gone: reload the whole snapshot.
   */
  private subscribed(): void {
    if (++this.subscriptions === 1 || this.stopped) return;
    this.beatSeen = this.beatsSent; // the feed is demonstrably back; beats lost in the gap do not count
    this.options.logger?.info("registry change feed re-subscribed; reloading the snapshot");
    this.reload().catch((error) => this.markStale(error));
  }

  private beat(payload: string): void {
    const [nonce, seq] = payload.split(":");
    if (nonce === this.beatNonce) this.beatSeen = Math.max(this.beatSeen, Number(seq));
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
      resubscriptions: Math.max(0, this.subscriptions - 1),
    };
  }

  /** Full reload; concurrent callers share one. */
  reload(): Promise<void> {
    this.reloading ??= (async () => {
      const loadedAt = this.clock();
      const { database } = this.options;
      const snapshot = await loadSnapshot(database.db, this.loaderHooks, { bulkRead: database.bulkRead?.bind(database) });
      this.current = snapshot;
      this.consentsSweptTo = loadedAt;
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
          const applied = await applyChange(this.options.database.db, this.current, payload, this.loaderHooks);
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
    // The database answers, but is our LISTEN connection still delivering? Our own beats tell.
    const feedDown = this.beatsSent - this.beatSeen > MISSED_BEATS_ALLOWED;
    this.options.database.notify(HEARTBEAT_CHANNEL, `${this.beatNonce}:${++this.beatsSent}`).catch(() => {});
    if (feedDown) {
      this.markStale(new Error("change feed not delivering"));
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
    await this.sweepConsents();
  }

  /** Consents whose period ended since the last sweep stop counting (every health check: within a second). */
  private async sweepConsents(): Promise<void> {
    const to = this.clock();
    if (!this.current || this.reloading || to <= this.consentsSweptTo) return;
    try {
      await sweepExpiredConsents(this.options.database.db, this.current, this.consentsSweptTo, to);
      this.consentsSweptTo = to;
    } catch (error) {
      this.markStale(error);
    }
  }
}

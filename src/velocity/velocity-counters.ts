import type { VerificationVelocity } from "../policy/types.ts";
import type { VelocityDelta, VelocityStore, VelocityTotals } from "./store.ts";
import { bucketsAt, type Buckets } from "./windows.ts";
import { DAY, HOUR, IN_FLIGHT, IN_PENDING, IN_SHARED, RecipientWindows, TEN, WINDOWS } from "./recipient-windows.ts";

export interface VelocityCountersOptions {
  /** Where the proxies share their counts; none = this proxy alone (exact for one proxy). */
  store?: VelocityStore;
  /** How often local counts are sent and the other proxies' fetched (default 100 ms). */
  flushMs?: number;
  /** Recipients kept in memory, the least recently counted dropped first (default 1,000,000: 106 bytes each, 101 MB, resident as they are written). */
  maxRecipients?: number;
  onError?: (error: unknown) => void;
  clock?: () => number;
}

/**
 * Verification messages per recipient, carrier-wide, for the `velocity` rule. The hot path never
 * waits for the network: a read and a count touch only this proxy's memory. Every `flushMs`, the
 * recipients read or counted since the last flush are exchanged with the shared store in one
 * round-trip: this proxy's new counts added, every proxy's totals read back. The error that buys:
 * another proxy's messages are seen here up to one flush interval (plus the round-trip) late, and a
 * recipient this proxy has never seen starts at its own count until its first exchange.
 */
export class VelocityCounters {
  private readonly recipients: RecipientWindows;
  private readonly touched = new Set<string>();
  private readonly buckets: Buckets = { ten: 0, hour: 0, day: 0 };
  private timer: ReturnType<typeof setInterval> | undefined;
  private flushing: Promise<void> | undefined;
  /** Flushes that failed (the store away); their counts were kept for the next one. */
  failedFlushes = 0;

  constructor(private readonly options: VelocityCountersOptions = {}) {
    this.recipients = new RecipientWindows(options.maxRecipients ?? 1_000_000);
    if (options.store) {
      this.timer = setInterval(() => void this.flush(), options.flushMs ?? 100);
      this.timer.unref?.();
    }
  }

  get shared(): "memory" | "redis" | "postgres" {
    return this.options.store?.kind ?? "memory";
  }

  /**
   * The recipient's row position, or -1. `create`: the row is made if need be and moved to the young
   * end (counted again, so a number under attack is never the one dropped).
   */
  private state(recipientHash: string, create: boolean, at: number): number {
    const position = create ? this.recipients.touch(recipientHash, at) : this.recipients.positionOf(recipientHash);
    if (position >= 0 && this.options.store) this.touched.add(recipientHash);
    return position;
  }

  /** What the rule reads (the policy's RecipientCounters.verificationVelocity). */
  read(recipientHash: string, at: number): VerificationVelocity {
    const b = bucketsAt(at, this.buckets);
    // A recipient not seen yet is fetched at the next flush, so that another proxy's counts arrive.
    const position = this.state(recipientHash, this.options.store !== undefined, at);
    if (position < 0) return EMPTY;
    const rows = this.recipients;
    const hour = b.hour;
    const enterprises = rows.enterpriseHour(position) === hour;
    return {
      tenMinutes: rows.count(position, TEN, b.ten),
      hour: rows.count(position, HOUR, hour),
      day: rows.count(position, DAY, b.day),
      enterprisesThisHour: enterprises ? rows.enterpriseCount(position) : 0,
      // Looked up again when asked: a position is good only until the recipient is written again.
      hasEnterprise: (id) => {
        const now = rows.positionOf(recipientHash);
        return now >= 0 && rows.enterpriseHour(now) === hour && rows.hasEnterprise(now, id);
      },
    };
  }

  /** A verification message to this recipient was accepted (by this proxy). */
  record(recipientHash: string, enterpriseId: string | undefined, at: number): void {
    const b = bucketsAt(at, this.buckets);
    const position = this.state(recipientHash, true, at);
    const rows = this.recipients;
    rows.rollTo(position, b);
    for (const window of WINDOWS) rows.countPending(position, window);
    if (enterpriseId !== undefined && !rows.hasEnterprise(position, enterpriseId)) rows.addEnterprise(position, enterpriseId, IN_PENDING);
  }

  /** Sends what was counted since the last flush and reads every proxy's totals back (one at a time). */
  flush(): Promise<void> {
    if (!this.options.store || this.touched.size === 0) return this.flushing ?? Promise.resolve();
    if (this.flushing) return this.flushing;
    this.flushing = this.exchange().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async exchange(): Promise<void> {
    const store = this.options.store!;
    const at = (this.options.clock ?? Date.now)();
    const b = bucketsAt(at, { ten: 0, hour: 0, day: 0 });
    const rows = this.recipients;
    const hashes = [...this.touched];
    this.touched.clear();
    const deltas: VelocityDelta[] = [];
    for (const recipientHash of hashes) {
      const position = rows.positionOf(recipientHash);
      if (position < 0) continue;
      rows.rollTo(position, b);
      const ten = rows.sendPending(position, TEN);
      const hour = rows.sendPending(position, HOUR);
      const day = rows.sendPending(position, DAY);
      // In flight now: what was pending (nothing else is: one exchange at a time).
      rows.changeFlags(position, (flags) => (flags & IN_SHARED) | (flags & IN_PENDING ? IN_FLIGHT : 0));
      deltas.push({ recipientHash, tenBucket: b.ten, ten, hourBucket: b.hour, hour, dayBucket: b.day, day, enterprises: rows.enterprisesWith(position, IN_FLIGHT) });
    }
    let totals: VelocityTotals[];
    try {
      totals = await store.exchange(deltas, at);
    } catch (error) {
      this.failedFlushes++;
      for (const delta of deltas) this.restore(delta);
      this.options.onError?.(error);
      return;
    }
    deltas.forEach((delta, i) => this.apply(delta, totals[i]!));
  }

  /** The exchange failed: what was in flight is pending again (and sent with the next flush). */
  private restore(delta: VelocityDelta): void {
    const rows = this.recipients;
    const position = rows.positionOf(delta.recipientHash); // found again: it may have moved meanwhile
    if (position < 0) return;
    rows.unsend(position, TEN, delta.tenBucket);
    rows.unsend(position, HOUR, delta.hourBucket);
    rows.unsend(position, DAY, delta.dayBucket);
    if (rows.enterpriseHour(position) === delta.hourBucket) rows.changeFlags(position, (flags) => (flags & IN_FLIGHT ? (flags & ~IN_FLIGHT) | IN_PENDING : flags));
    this.touched.add(delta.recipientHash);
  }

  private apply(delta: VelocityDelta, total: VelocityTotals): void {
    const rows = this.recipients;
    const position = rows.positionOf(delta.recipientHash);
    if (position < 0) return;
    rows.settle(position, TEN, delta.tenBucket, total.ten);
    rows.settle(position, HOUR, delta.hourBucket, total.hour);
    rows.settle(position, DAY, delta.dayBucket, total.day);
    if (rows.enterpriseHour(position) === delta.hourBucket) {
      // The store's set replaces what was shared and in flight; what is pending stays.
      rows.changeFlags(position, (flags) => flags & IN_PENDING);
      for (const id of total.enterprises) rows.addEnterprise(position, id, IN_SHARED);
    }
  }

  /** Stops the timer after a last flush, and closes the store. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch(() => {});
    await this.options.store?.close();
  }
}

const EMPTY: VerificationVelocity = Object.freeze({ tenMinutes: 0, hour: 0, day: 0, enterprisesThisHour: 0, hasEnterprise: () => false });

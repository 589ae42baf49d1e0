/**
 * The reference the typed-array counters (src/velocity/velocity-counters.ts) are checked against:
 * the object-per-recipient implementation they replaced, as it was, kept here only for
 * test/src/velocity/recipient-windows.test.ts.
 */
import type { VerificationVelocity } from "../../../src/policy/types.ts";
import type { VelocityDelta, VelocityStore, VelocityTotals } from "../../../src/velocity/store.ts";
import { bucketsAt, type Buckets } from "../../../src/velocity/windows.ts";

/**
 * One window's count for one recipient as this proxy knows it: `shared` is the total every proxy
 * had reached at the last exchange, `inflight` what this proxy is sending right now, `pending` what
 * it counted since. The count it judges by is their sum: its own messages count at once, the other
 * proxies' within one flush interval.
 */
class WindowCount {
  bucket = -1;
  shared = 0;
  inflight = 0;
  pending = 0;

  at(bucket: number): number {
    if (bucket !== this.bucket) return 0;
    return this.shared + this.inflight + this.pending;
  }

  roll(bucket: number): void {
    if (bucket === this.bucket) return;
    this.bucket = bucket;
    this.shared = this.inflight = this.pending = 0;
  }
}

/** One recipient's windows; the enterprise lists are allocated only once a code was counted (most recipients get one code). */
class RecipientState {
  readonly ten = new WindowCount();
  readonly hour = new WindowCount();
  readonly day = new WindowCount();
  enterpriseBucket = -1;
  sharedEnterprises: ReadonlySet<string> | undefined;
  inflightEnterprises: string[] | undefined;
  pendingEnterprises: string[] | undefined;

  rollEnterprises(bucket: number): void {
    if (bucket === this.enterpriseBucket) return;
    this.enterpriseBucket = bucket;
    this.sharedEnterprises = this.inflightEnterprises = this.pendingEnterprises = undefined;
  }

  hasEnterprise(enterpriseId: string): boolean {
    return (this.sharedEnterprises?.has(enterpriseId) ?? false) || (this.inflightEnterprises?.includes(enterpriseId) ?? false) || (this.pendingEnterprises?.includes(enterpriseId) ?? false);
  }

  enterpriseCount(): number {
    const shared = this.sharedEnterprises;
    let count = shared?.size ?? 0;
    for (const id of this.inflightEnterprises ?? []) if (!shared?.has(id)) count++;
    for (const id of this.pendingEnterprises ?? []) if (!shared?.has(id) && !this.inflightEnterprises?.includes(id)) count++;
    return count;
  }
}

export interface VelocityCountersOptions {
  /** Where the proxies share their counts; none = this proxy alone (exact for one proxy). */
  store?: VelocityStore;
  /** How often local counts are sent and the other proxies' fetched (default 100 ms). */
  flushMs?: number;
  /** Recipients kept in memory, oldest dropped first (default 250,000: about 350 bytes each, ~90 MB). */
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
export class ReferenceVelocityCounters {
  private readonly recipients = new Map<string, RecipientState>();
  private readonly touched = new Set<string>();
  private readonly buckets: Buckets = { ten: 0, hour: 0, day: 0 };
  private readonly maxRecipients: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private flushing: Promise<void> | undefined;
  /** Flushes that failed (the store away); their counts were kept for the next one. */
  failedFlushes = 0;

  constructor(private readonly options: VelocityCountersOptions = {}) {
    this.maxRecipients = options.maxRecipients ?? 250_000;
    if (options.store) {
      this.timer = setInterval(() => void this.flush(), options.flushMs ?? 100);
      this.timer.unref?.();
    }
  }

  get shared(): "memory" | "redis" | "postgres" {
    return this.options.store?.kind ?? "memory";
  }

  private state(recipientHash: string, create: boolean): RecipientState | undefined {
    let state = this.recipients.get(recipientHash);
    if (state && create) {
      // Counted again: it moves to the young end, so a number under attack is never the one dropped.
      this.recipients.delete(recipientHash);
      this.recipients.set(recipientHash, state);
    } else if (!state && create) {
      if (this.recipients.size >= this.maxRecipients) {
        const oldest = this.recipients.keys().next().value;
        if (oldest !== undefined) this.recipients.delete(oldest);
      }
      this.recipients.set(recipientHash, (state = new RecipientState()));
    }
    if (state && this.options.store) this.touched.add(recipientHash);
    return state;
  }

  /** What the rule reads (the policy's RecipientCounters.verificationVelocity). */
  read(recipientHash: string, at: number): VerificationVelocity {
    const b = bucketsAt(at, this.buckets);
    // A recipient not seen yet is fetched at the next flush, so that another proxy's counts arrive.
    const state = this.state(recipientHash, this.options.store !== undefined);
    if (!state) return EMPTY;
    const enterprises = state.enterpriseBucket === b.hour ? state : undefined;
    return {
      tenMinutes: state.ten.at(b.ten),
      hour: state.hour.at(b.hour),
      day: state.day.at(b.day),
      enterprisesThisHour: enterprises ? enterprises.enterpriseCount() : 0,
      hasEnterprise: (id) => enterprises?.hasEnterprise(id) ?? false,
    };
  }

  /** A verification message to this recipient was accepted (by this proxy). */
  record(recipientHash: string, enterpriseId: string | undefined, at: number): void {
    const b = bucketsAt(at, this.buckets);
    const state = this.state(recipientHash, true)!;
    state.ten.roll(b.ten);
    state.hour.roll(b.hour);
    state.day.roll(b.day);
    state.ten.pending++;
    state.hour.pending++;
    state.day.pending++;
    state.rollEnterprises(b.hour);
    if (enterpriseId !== undefined && !state.hasEnterprise(enterpriseId)) (state.pendingEnterprises ??= []).push(enterpriseId);
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
    const hashes = [...this.touched];
    this.touched.clear();
    const sent: { state: RecipientState; delta: VelocityDelta }[] = [];
    for (const recipientHash of hashes) {
      const state = this.recipients.get(recipientHash);
      if (!state) continue;
      state.ten.roll(b.ten);
      state.hour.roll(b.hour);
      state.day.roll(b.day);
      state.rollEnterprises(b.hour);
      for (const window of [state.ten, state.hour, state.day]) {
        window.inflight = window.pending;
        window.pending = 0;
      }
      state.inflightEnterprises = state.pendingEnterprises;
      state.pendingEnterprises = undefined;
      const delta: VelocityDelta = { recipientHash, tenBucket: b.ten, ten: state.ten.inflight, hourBucket: b.hour, hour: state.hour.inflight, dayBucket: b.day, day: state.day.inflight, enterprises: state.inflightEnterprises ?? [] };
      sent.push({ state, delta });
    }
    let totals: VelocityTotals[];
    try {
      totals = await store.exchange(sent.map((s) => s.delta), at);
    } catch (error) {
      this.failedFlushes++;
      for (const { state, delta } of sent) this.restore(state, delta);
      this.options.onError?.(error);
      return;
    }
    sent.forEach(({ state, delta }, i) => this.apply(state, delta, totals[i]!));
  }

  /** The exchange failed: what was in flight is pending again (and sent with the next flush). */
  private restore(state: RecipientState, delta: VelocityDelta): void {
    const windows: [WindowCount, number][] = [[state.ten, delta.tenBucket], [state.hour, delta.hourBucket], [state.day, delta.dayBucket]];
    for (const [window, bucket] of windows) {
      if (window.bucket !== bucket) continue;
      window.pending += window.inflight;
      window.inflight = 0;
    }
    if (state.enterpriseBucket === delta.hourBucket && state.inflightEnterprises) {
      const pending = (state.pendingEnterprises ??= []);
      for (const id of state.inflightEnterprises) if (!pending.includes(id)) pending.push(id);
      state.inflightEnterprises = undefined;
    }
    this.touched.add(delta.recipientHash);
  }

  private apply(state: RecipientState, delta: VelocityDelta, total: VelocityTotals): void {
    const windows: [WindowCount, number, number][] = [[state.ten, delta.tenBucket, total.ten], [state.hour, delta.hourBucket, total.hour], [state.day, delta.dayBucket, total.day]];
    for (const [window, bucket, value] of windows) {
      if (window.bucket !== bucket) continue; // the window moved on while the exchange ran
      window.shared = value;
      window.inflight = 0;
    }
    if (state.enterpriseBucket === delta.hourBucket) {
      state.sharedEnterprises = total.enterprises.length ? new Set(total.enterprises) : undefined;
      state.inflightEnterprises = undefined;
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

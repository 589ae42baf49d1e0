import { BoundedMap } from "./bounded-map.ts";

export interface RefusalCoalescerOptions {
  /** Coalescing window (default one minute). */
  windowMs?: number;
  /** At most this many refusals journaled per window by this coalescer, whatever their key (default 600). */
  maxPerWindow?: number;
  /** Coalescing keys remembered at most (default 100,000; the oldest go first). */
  maxTracked?: number;
}

/**
 * Decides which refusals reach the journal when a peer can repeat them at will (refused binds,
 * throttled submissions, expired concatenation parts):
 *
 * - a refusal given a coalescing key is journaled the first time that key is seen in a window;
 *   repeats within the window are only counted by the caller;
 * - a refusal without a key (one something else already bounds) is always a candidate;
 * - and at most `maxPerWindow` are journaled per window in all, so a peer with many keys (many
 *   addresses, accounts or destinations) cannot flood the journal either.
 *
 * No clock: the caller passes `at`.
 */
export class RefusalCoalescer {
  private readonly seen: BoundedMap<string, true>;
  private readonly windowMs: number;
  private readonly maxPerWindow: number;
  private budgetWindowStart = Number.NEGATIVE_INFINITY;
  private journaledInWindow = 0;

  constructor(options: RefusalCoalescerOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxPerWindow = options.maxPerWindow ?? 600;
    this.seen = new BoundedMap(options.maxTracked ?? 100_000, this.windowMs);
  }

  /** True when the refusal should be journaled (and is then counted against the window's budget). */
  admit(key: string | undefined, at: number): boolean {
    if (at - this.budgetWindowStart >= this.windowMs) {
      this.budgetWindowStart = at;
      this.journaledInWindow = 0;
      this.seen.sweep(at);
    }
    const repeated = key !== undefined && this.seen.get(key, at) !== undefined;
    if (repeated || this.journaledInWindow >= this.maxPerWindow) return false;
    if (key !== undefined) this.seen.set(key, true, at);
    this.journaledInWindow++;
    return true;
  }
}

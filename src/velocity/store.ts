/**
 * Where proxies share their verification counts: what one flush sends (each recipient's counts
 * since the last flush, possibly zero, for the windows it is in) and what it gets back (the totals
 * of every proxy for those windows).
 */
export interface VelocityDelta {
  recipientHash: string;
  tenBucket: number;
  ten: number;
  hourBucket: number;
  hour: number;
  dayBucket: number;
  day: number;
  /** Enterprises to add to the recipient's set for `hourBucket`. */
  enterprises: readonly string[];
}

export interface VelocityTotals {
  ten: number;
  hour: number;
  day: number;
  enterprises: readonly string[];
}

export interface VelocityStore {
  readonly kind: "redis" | "postgres";
  /** Adds the deltas and returns each one's totals, in order; one round-trip where the store allows it. */
  exchange(deltas: readonly VelocityDelta[], at: number): Promise<VelocityTotals[]>;
  close(): Promise<void>;
}

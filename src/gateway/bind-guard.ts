/**
 * Repeated failed binds lock a key out for a while, so passwords cannot be guessed over SMPP. The
 * proxy keeps two: one keyed by remote address, one by bind account (see bind-auth.ts). Failures
 * count within a window that starts at the first failure; reaching `maxFailures` locks the key for
 * `lockoutMs`. Bounded: the table never holds more than `maxTracked` keys (the oldest go first).
 */
export interface BindGuardOptions {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
  maxTracked?: number;
}

interface Entry {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

export class BindGuard {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: BindGuardOptions) {}

  isLocked(key: string, now: number): boolean {
    const entry = this.entries.get(key);
    return !!entry && entry.lockedUntil > now;
  }

  recordFailure(key: string, now: number): void {
    let entry = this.entries.get(key);
    if (!entry || now - entry.windowStart > this.options.windowMs) {
      entry = { failures: 0, windowStart: now, lockedUntil: entry?.lockedUntil ?? 0 };
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    entry.failures++;
    if (entry.failures >= this.options.maxFailures) entry.lockedUntil = now + this.options.lockoutMs;
    if (this.entries.size > (this.options.maxTracked ?? 100_000)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** Forgets this key's failures (not a lockout in force: a locked key is refused before it can succeed). */
  reset(key: string, now: number): void {
    if (!this.isLocked(key, now)) this.entries.delete(key);
  }
}

/**
 * Repeated failed binds from one address lock that address out for a while, so passwords cannot be
 * guessed over SMPP. Bounded: the table never holds more than `maxTracked` addresses.
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

  isLocked(address: string, now: number): boolean {
    const entry = this.entries.get(address);
    return !!entry && entry.lockedUntil > now;
  }

  recordFailure(address: string, now: number): void {
    let entry = this.entries.get(address);
    if (!entry || now - entry.windowStart > this.options.windowMs) {
      entry = { failures: 0, windowStart: now, lockedUntil: entry?.lockedUntil ?? 0 };
      this.entries.delete(address);
      this.entries.set(address, entry);
    }
    entry.failures++;
    if (entry.failures >= this.options.maxFailures) entry.lockedUntil = now + this.options.lockoutMs;
    if (this.entries.size > (this.options.maxTracked ?? 100_000)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  recordSuccess(address: string): void {
    this.entries.delete(address);
  }
}

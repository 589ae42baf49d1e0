/** Per-account submission rate limit: a token bucket refilled continuously, burst of one second. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private ratePerSecond: number,
    now: number,
  ) {
    this.tokens = ratePerSecond;
    this.last = now;
  }

  setRate(ratePerSecond: number): void {
    this.ratePerSecond = ratePerSecond;
    this.tokens = Math.min(this.tokens, ratePerSecond);
  }

  take(now: number, count = 1): boolean {
    this.refill(now);
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }

  /** Takes as many whole tokens as there are, up to `count`; returns how many it took. */
  takeUpTo(now: number, count: number): number {
    this.refill(now);
    const granted = Math.max(0, Math.min(count, Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }

  private refill(now: number): void {
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.ratePerSecond, this.tokens + (elapsed * this.ratePerSecond) / 1000);
      this.last = now;
    }
  }
}

import { afterEach, describe, expect, it } from "vitest";
import { RedisVelocityStore } from "../../../src/velocity/redis-store.ts";
import type { VelocityDelta, VelocityStore, VelocityTotals } from "../../../src/velocity/store.ts";
import { VelocityCounters } from "../../../src/velocity/velocity-counters.ts";

const REDIS = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const HASH = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const ENT_A = "01900000-0000-7000-8000-00000000000a";
const ENT_B = "01900000-0000-7000-8000-00000000000b";
const at = Date.UTC(2026, 11, 1, 4, 5); // 12:05 China time
const open: VelocityCounters[] = [];
afterEach(async () => {
  for (const counters of open.splice(0)) await counters.stop();
});

/** The real Redis store, which can be made to fail (Redis "away") for a while. */
class FlakyRedis implements VelocityStore {
  readonly kind = "redis" as const;
  down = false;
  constructor(readonly inner: RedisVelocityStore) {}
  exchange(deltas: readonly VelocityDelta[], now: number): Promise<VelocityTotals[]> {
    return this.down ? Promise.reject(new Error("connection refused")) : this.inner.exchange(deltas);
  }
  close() {
    return this.inner.close();
  }
}

const prefix = () => `gk-unit-${Math.random().toString(36).slice(2)}:`;

describe("velocity counters (memory)", () => {
  it("counts per window, resets each window at its edge, and knows the enterprises of the hour", () => {
    const counters = new VelocityCounters();
    counters.record(HASH, ENT_A, at);
    counters.record(HASH, ENT_A, at + 60_000);
    counters.record(HASH, ENT_B, at + 120_000);
    const now = counters.read(HASH, at + 180_000);
    expect([now.tenMinutes, now.hour, now.day, now.enterprisesThisHour]).toEqual([3, 3, 3, 2]);
    expect(now.hasEnterprise(ENT_A) && now.hasEnterprise(ENT_B)).toBe(true);
    const nextTen = counters.read(HASH, at + 5 * 60_000 + 1); // 12:10: a new 10-minute window
    expect([nextTen.tenMinutes, nextTen.hour, nextTen.day]).toEqual([0, 3, 3]);
    const nextDay = counters.read(HASH, Date.UTC(2026, 11, 1, 16, 0)); // 00:00 China time
    expect([nextDay.tenMinutes, nextDay.hour, nextDay.day, nextDay.enterprisesThisHour]).toEqual([0, 0, 0, 0]);
    expect(counters.read("ffff", at).tenMinutes).toBe(0);
  });

  it("drops the least recently counted recipient first, never one that keeps being counted", () => {
    const counters = new VelocityCounters({ maxRecipients: 2 });
    counters.record(HASH, ENT_A, at);
    counters.record("b".repeat(64), ENT_A, at);
    counters.record(HASH, ENT_A, at); // HASH is the most recent now
    counters.record("c".repeat(64), ENT_A, at); // drops b, not HASH
    expect(counters.read(HASH, at).tenMinutes).toBe(2);
    expect(counters.read("b".repeat(64), at).tenMinutes).toBe(0);
  });
});

describe("velocity counters (shared through Redis)", () => {
  it("two counters on one store add up, and a counter that never counted a number learns it at its next flush", async () => {
    const p = prefix();
    const a = new VelocityCounters({ store: new RedisVelocityStore(REDIS, p), flushMs: 60_000, clock: () => at });
    const b = new VelocityCounters({ store: new RedisVelocityStore(REDIS, p), flushMs: 60_000, clock: () => at });
    open.push(a, b);
    a.record(HASH, ENT_A, at);
    a.record(HASH, ENT_A, at);
    b.record(HASH, ENT_B, at);
    expect(b.read(HASH, at).tenMinutes).toBe(1); // its own count at once
    await a.flush();
    await b.flush();
    expect(b.read(HASH, at)).toMatchObject({ tenMinutes: 3, hour: 3, day: 3, enterprisesThisHour: 2 });
    a.read(HASH, at); // judging another code to HASH: refreshed at the next flush, b's code included
    await a.flush();
    expect(a.read(HASH, at)).toMatchObject({ tenMinutes: 3, enterprisesThisHour: 2 });
    const c = new VelocityCounters({ store: new RedisVelocityStore(REDIS, p), flushMs: 60_000, clock: () => at });
    open.push(c);
    expect(c.read(HASH, at).tenMinutes).toBe(0); // never seen: its own count until the exchange
    await c.flush();
    expect(c.read(HASH, at).tenMinutes).toBe(3);
  });
});

describe("velocity counters (error)", () => {
  it("keeps counting while the store is away, enforces its own share meanwhile, and sends everything once it is back", async () => {
    const p = prefix();
    const flaky = new FlakyRedis(new RedisVelocityStore(REDIS, p));
    const errors: unknown[] = [];
    const a = new VelocityCounters({ store: flaky, flushMs: 60_000, clock: () => at, onError: (e) => errors.push(e) });
    open.push(a);
    flaky.down = true;
    a.record(HASH, ENT_A, at);
    await a.flush();
    a.record(HASH, ENT_B, at);
    await a.flush();
    expect(errors).toHaveLength(2);
    expect(a.failedFlushes).toBe(2);
    expect(a.read(HASH, at)).toMatchObject({ tenMinutes: 2, enterprisesThisHour: 2 });
    flaky.down = false;
    await a.flush();
    const other = new VelocityCounters({ store: new RedisVelocityStore(REDIS, p), flushMs: 60_000, clock: () => at });
    open.push(other);
    other.read(HASH, at);
    await other.flush();
    expect(other.read(HASH, at)).toMatchObject({ tenMinutes: 2, hour: 2, day: 2, enterprisesThisHour: 2 });
    expect(a.read(HASH, at).tenMinutes).toBe(2); // not counted twice after the retry
  });
});

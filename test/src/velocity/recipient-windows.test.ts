import { describe, expect, it } from "vitest";
import type { VelocityDelta, VelocityStore, VelocityTotals } from "../../../src/velocity/store.ts";
import { VelocityCounters } from "../../../src/velocity/velocity-counters.ts";
import { RecipientWindows } from "../../../src/velocity/recipient-windows.ts";
import { ReferenceVelocityCounters } from "./reference-velocity-counters.ts";

/** A store in memory, shared by the counters given it; `down` makes every exchange fail. */
class MemoryStore implements VelocityStore {
  readonly kind = "redis" as const;
  down = false;
  private readonly counts = new Map<string, number>();
  private readonly enterprises = new Map<string, Set<string>>();
  async exchange(deltas: readonly VelocityDelta[]): Promise<VelocityTotals[]> {
    await Promise.resolve();
    if (this.down) throw new Error("store away");
    return deltas.map((d) => {
      const add = (window: string, bucket: number, n: number) => {
        const key = `${d.recipientHash}|${window}|${bucket}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + n);
        return this.counts.get(key)!;
      };
      const setKey = `${d.recipientHash}|${d.hourBucket}`;
      const set = this.enterprises.get(setKey) ?? new Set<string>();
      this.enterprises.set(setKey, set);
      for (const id of d.enterprises) set.add(id);
      return { ten: add("ten", d.tenBucket, d.ten), hour: add("hour", d.hourBucket, d.hour), day: add("day", d.dayBucket, d.day), enterprises: [...set].sort() };
    });
  }
  async close() {}
}

/** mulberry32: the same sequence for a seed, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number) => n.toString(16).padStart(8, "0").repeat(8);
const RECIPIENTS = [...Array.from({ length: 24 }, (_, i) => hex(i * 2654435761)), "not-hex-1", "not-hex-2"];
const ENTERPRISES = Array.from({ length: 7 }, (_, i) => `01900000-0000-7000-8000-00000000000${i}`);

type Counters = Pick<VelocityCounters, "read" | "record" | "flush">;

function observe(counters: Counters, hash: string, at: number) {
  const seen = counters.read(hash, at);
  return { ten: seen.tenMinutes, hour: seen.hour, day: seen.day, enterprises: seen.enterprisesThisHour, has: ENTERPRISES.filter((id) => seen.hasEnterprise(id)) };
}

describe("velocity counters in typed arrays (recipient-windows.ts)", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`count as the object-per-recipient version did, over random traffic, windows, exchanges and store failures (seed ${seed})`, async () => {
      const next = random(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
      const typedStore = new MemoryStore();
      const referenceStore = new MemoryStore();
      const options = (store: MemoryStore) => ({ store, flushMs: 3_600_000 });
      const pairs: [Counters, Counters][] = [
        [new VelocityCounters(options(typedStore)), new ReferenceVelocityCounters(options(referenceStore))],
        [new VelocityCounters(options(typedStore)), new ReferenceVelocityCounters(options(referenceStore))],
        [new VelocityCounters(), new ReferenceVelocityCounters()],
      ];
      let at = Date.UTC(2026, 11, 1, 15, 50); // 23:50 China time: the day turns during the run
      for (let step = 0; step < 3000; step++) {
        at += Math.floor(next() * (next() < 0.05 ? 900_000 : 20_000));
        const [typed, reference] = pick(pairs);
        const roll = next();
        if (roll < 0.5) {
          const hash = pick(RECIPIENTS);
          // Up to seven enterprises to one number in an hour: the inline place and the list beside it.
          const enterprise = next() < 0.1 ? undefined : pick(ENTERPRISES);
          typed.record(hash, enterprise, at);
          reference.record(hash, enterprise, at);
        } else if (roll < 0.9) {
          const hash = pick(RECIPIENTS);
          expect(observe(typed, hash, at), `step ${step}`).toEqual(observe(reference, hash, at));
        } else {
          typedStore.down = referenceStore.down = next() < 0.3;
          const flushes = [typed.flush(), reference.flush()];
          if (next() < 0.5) {
            // Counted while the exchange is in flight: pending, not in flight.
            const hash = pick(RECIPIENTS);
            const enterprise = pick(ENTERPRISES);
            typed.record(hash, enterprise, at);
            reference.record(hash, enterprise, at);
          }
          await Promise.all(flushes);
        }
      }
      for (const [typed, reference] of pairs) for (const hash of RECIPIENTS) expect(observe(typed, hash, at)).toEqual(observe(reference, hash, at));
    });
  }

  it("keeps a recipient's counts and enterprises when it moves to the ring's young end, and drops the least recently counted at the cap", () => {
    const at = Date.UTC(2026, 11, 1, 4, 5);
    const counters = new VelocityCounters({ maxRecipients: 3 });
    const [a, b, c, d] = RECIPIENTS;
    for (const id of ENTERPRISES.slice(0, 3)) counters.record(a!, id, at);
    counters.record(b!, ENTERPRISES[0], at);
    counters.record(c!, ENTERPRISES[0], at);
    counters.record(a!, ENTERPRISES[3], at); // a moves to the young end: b is now the oldest
    counters.record(d!, ENTERPRISES[0], at);
    expect(observe(counters, a!, at)).toEqual({ ten: 4, hour: 4, day: 4, enterprises: 4, has: ENTERPRISES.slice(0, 4) });
    expect(observe(counters, b!, at).ten).toBe(0);
    expect(observe(counters, c!, at).ten).toBe(1);
  });

  it("holds a million recipients without an object each", () => {
    const table = new RecipientWindows(1_000_000);
    const at = Date.UTC(2026, 11, 1, 4, 5);
    for (let i = 0; i < 1_000_000; i++) table.countPending(table.touch(hex(i * 2654435761 + 1), at), 0);
    expect(table.size).toBe(1_000_000);
    let found = 0;
    for (let i = 0; i < 1_000_000; i += 997) if (table.positionOf(hex(i * 2654435761 + 1)) >= 0) found++;
    expect(found).toBe(Math.ceil(1_000_000 / 997));
  });
});

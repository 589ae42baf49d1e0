import { describe, expect, it } from "vitest";
import { LastSenders } from "../../../src/gateway/last-senders.ts";

/**
 * The reference: the same contract written plainly. A log of writes in order, at most `capacity`
 * long; a rewrite retires the key's older entry; the oldest entry leaves when the log is full.
 */
class Reference {
  private readonly log: { key: string; enterpriseId: string; at: number; live: boolean }[] = [];
  private readonly latest = new Map<string, { enterpriseId: string; at: number; live: boolean }>();
  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}
  get size() {
    return this.latest.size;
  }
  set(hash: string, port: string, enterpriseId: string, at: number) {
    const key = `${hash}|${port}`;
    if (this.log.length === this.capacity) {
      const oldest = this.log.shift()!;
      if (oldest.live) this.latest.delete(oldest.key);
    }
    const previous = this.latest.get(key);
    if (previous) previous.live = false;
    const entry = { key, enterpriseId, at, live: true };
    this.log.push(entry);
    this.latest.set(key, entry);
  }
  get(hash: string, port: string, now: number) {
    const entry = this.latest.get(`${hash}|${port}`);
    if (!entry || entry.at + this.ttlMs <= now) return undefined;
    return { enterpriseId: entry.enterpriseId, at: entry.at };
  }
}

/** A seeded generator, so a failure names its seed and replays. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const hex = (next: () => number) => Array.from({ length: 64 }, () => "0123456789abcdef"[Math.floor(next() * 16)]).join("");

describe("LastSenders: the proxy's compact memory of who last wrote to a recipient from a port", () => {
  it.each([
    [1, 1],
    [7, 2],
    [64, 3],
    [1000, 4],
  ])("behaves as the plain reference over random writes and reads (capacity %i, seed %i)", (capacity, seed) => {
    const next = random(seed);
    const ttlMs = 10_000;
    // Few keys, so rewrites, retirements, evictions and index wrap-arounds all happen; a few texts
    // that are not hex take the other key path.
    const hashes = [...Array.from({ length: 40 }, () => hex(next)), "not-a-hex-hash", "short", "0123456789abcdeg"];
    const ports = ["port-a", "port-b", "port-c", "port-d", "port-e"];
    const enterprises = ["ent-1", "ent-2", "ent-3"];
    const pick = <T>(values: T[]) => values[Math.floor(next() * values.length)]!;
    const compact = new LastSenders(capacity, ttlMs);
    const reference = new Reference(capacity, ttlMs);
    let now = 1_000_000;
    for (let step = 0; step < 20_000; step++) {
      now += Math.floor(next() * 50);
      const hash = pick(hashes);
      const port = pick(ports);
      if (next() < 0.6) {
        const enterprise = pick(enterprises);
        compact.set(hash, port, enterprise, now);
        reference.set(hash, port, enterprise, now);
      }
      const probeHash = pick(hashes);
      const probePort = next() < 0.05 ? "port-never-written" : pick(ports);
      expect(compact.get(probeHash, probePort, now), `seed ${seed}, step ${step}`).toEqual(reference.get(probeHash, probePort, now));
      expect(compact.size).toBe(reference.size);
    }
    for (const hash of hashes) for (const port of ports) expect(compact.get(hash, port, now)).toEqual(reference.get(hash, port, now));
  });

  it("keeps a million recipients in a few tens of megabytes, each one found", () => {
    const senders = new LastSenders(1_000_000);
    const hashOf = (i: number) => new Bun.CryptoHasher("sha256").update(`recipient ${i}`).digest("hex");
    for (let i = 0; i < 1_000_000; i++) senders.set(hashOf(i), `port-${i % 100}`, `ent-${i % 7}`, 1_000 + i);
    expect(senders.size).toBe(1_000_000);
    expect(senders.bytes).toBeLessThan(40 * 1024 * 1024);
    for (let i = 0; i < 1_000_000; i += 997) expect(senders.get(hashOf(i), `port-${i % 100}`, 2_000_000)).toEqual({ enterpriseId: `ent-${i % 7}`, at: 1_000 + i });
    // Another port, another key: the same recipient from a port nobody wrote from has no sender.
    expect(senders.get(hashOf(5), "port-100", 2_000_000)).toBeUndefined();
    expect(senders.get(hashOf(5), "port-6", 2_000_000)).toBeUndefined();
  });

  it("answers nothing for an entry past its time to live, and the newest write for a rewritten key", () => {
    const senders = new LastSenders(10, 1000);
    const hash = "a".repeat(64);
    senders.set(hash, "p", "first", 0);
    senders.set(hash, "p", "second", 500);
    expect(senders.get(hash, "p", 1000)).toEqual({ enterpriseId: "second", at: 500 });
    expect(senders.get(hash, "p", 1500)).toBeUndefined();
    expect(senders.size).toBe(1);
  });
});

/**
 * Velocity counters: the hot-path cost of a read and a count, the cost of one exchange (1,000
 * recipients) with Redis and with PostgreSQL, and the sharing lag between two proxies' counters
 * (how long until one sees the other's code). Run: `bun test/bench/velocity-bench.ts`
 * (REDIS_URL default redis://127.0.0.1:6379; TEST_DATABASE_URL for PostgreSQL, else PGlite).
 */
import { createHash } from "node:crypto";
import { openDatabase } from "../../src/db/client.ts";
import { PostgresVelocityStore } from "../../src/velocity/postgres-store.ts";
import { RedisVelocityStore } from "../../src/velocity/redis-store.ts";
import type { VelocityStore } from "../../src/velocity/store.ts";
import { VelocityCounters } from "../../src/velocity/velocity-counters.ts";

const hash = (i: number) => createHash("sha256").update(`1380013${String(i).padStart(4, "0")}`).digest("hex");
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

function hotPath(): void {
  const counters = new VelocityCounters();
  const hashes = Array.from({ length: 100_000 }, (_, i) => hash(i));
  const now = Date.now();
  const started = performance.now();
  const n = 1_000_000;
  for (let i = 0; i < n; i++) {
    const h = hashes[i % hashes.length]!;
    counters.read(h, now).tenMinutes;
    counters.record(h, "01900000-0000-7000-8000-000000000001", now);
  }
  const ns = ((performance.now() - started) * 1e6) / n;
  // The same machine's speed at the same moment, for scale (a shared machine's load varies a lot).
  const map = new Map<string, number>();
  const mapStarted = performance.now();
  for (let i = 0; i < n; i++) map.set(hashes[i % hashes.length]!, i);
  const mapNs = ((performance.now() - mapStarted) * 1e6) / n;
  console.log(`hot path (memory, 100,000 recipients): read + count ${ns.toFixed(0)} ns per code (one Map.set on the same keys: ${mapNs.toFixed(0)} ns)`);
}

async function exchange(name: string, store: VelocityStore): Promise<void> {
  const timings: number[] = [];
  const deltas = Array.from({ length: 1000 }, (_, i) => ({ recipientHash: hash(i), tenBucket: 1, ten: 1, hourBucket: 1, hour: 1, dayBucket: 1, day: 1, enterprises: ["01900000-0000-7000-8000-000000000001"] }));
  for (let round = 0; round < 20; round++) {
    const started = performance.now();
    await store.exchange(deltas, Date.now());
    timings.push(performance.now() - started);
  }
  console.log(`${name}: one exchange of 1,000 recipients p50 ${percentile(timings, 0.5).toFixed(1)} ms, p95 ${percentile(timings, 0.95).toFixed(1)} ms`);
}

async function lag(name: string, makeStore: () => VelocityStore, flushMs: number): Promise<void> {
  const a = new VelocityCounters({ store: makeStore(), flushMs });
  const b = new VelocityCounters({ store: makeStore(), flushMs });
  const lags: number[] = [];
  for (let i = 0; i < 30; i++) {
    const h = hash(50_000 + i + Math.floor(Math.random() * 1e6));
    b.read(h, Date.now()); // b watches the number, as it would while judging codes to it
    await new Promise((r) => setTimeout(r, flushMs * 2));
    const started = performance.now();
    a.record(h, "01900000-0000-7000-8000-000000000002", Date.now());
    while (b.read(h, Date.now()).tenMinutes < 1) await new Promise((r) => setTimeout(r, 2));
    lags.push(performance.now() - started);
  }
  await a.stop();
  await b.stop();
  console.log(`${name}: another proxy sees a code after p50 ${percentile(lags, 0.5).toFixed(0)} ms, max ${Math.max(...lags).toFixed(0)} ms (flush every ${flushMs} ms)`);
}

hotPath();
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `gk-bench-${Date.now()}:`;
const redis = new RedisVelocityStore(redisUrl, prefix);
await exchange("Redis", redis);
await redis.close();
await lag("Redis", () => new RedisVelocityStore(redisUrl, prefix), 100);
const database = await openDatabase({ url: process.env.TEST_DATABASE_URL });
await database.migrate();
const backend = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite";
await exchange(backend, new PostgresVelocityStore(database.db));
await lag(backend, () => new PostgresVelocityStore(database.db), 250);
await database.close();
process.exit(0);

/**
 * The national keyed sets (opt-outs, consents, do-not-disturb: ten million keys each) built on
 * worker threads while the snapshot's own thread loads the signatures. Each thread joins the bulk
 * load's database snapshot on a connection of its own (snapshot-reader.ts), reads its sets' page
 * ranges over COPY, builds each set whole, and hands its arrays over by transfer: no copy, and no
 * key crosses the threads one by one.
 *
 * Why threads: on one thread the parsing of twenty million rows, and the collections that the
 * signatures' million objects make expensive (each range's buffers are collected after it), came
 * one after the other. A worker's heap holds only its buffers, so its collections are cheap.
 * A set is built by one thread, so no two threads write one table.
 */
import { availableParallelism } from "node:os";
import type { SharedSnapshot } from "../db/snapshot-reader.ts";
import { Key64Set, type Key64SetParts } from "./key-set.ts";
import type { RangeTask } from "./keyed-sets.ts";

/** One thread's work: the sets it builds, each with its size estimate and its page ranges. */
export interface KeyedSetJob {
  shared: SharedSnapshot;
  asOf: string;
  sets: { name: string; expected: number; ranges: { from: number; to: number | undefined }[] }[];
}

export type KeyedSetReply = { built: { name: string; parts: Key64SetParts }[] } | { error: string };

/** How many threads a load with these sets uses: one per set, no more than the machine's cores. */
export function keyedSetThreadCount(sets: number): number {
  return Math.max(1, Math.min(sets, availableParallelism()));
}

/**
 * The sets spread over `threads` jobs, the largest estimate first onto the least loaded (a set is
 * never split). Jobs left without a set are dropped.
 */
export function spreadSets(tasks: readonly RangeTask[], estimates: ReadonlyMap<string, number>, threads: number): KeyedSetJob["sets"][] {
  const byName = new Map<string, KeyedSetJob["sets"][number]>();
  for (const task of tasks) {
    let set = byName.get(task.source.name);
    if (!set) byName.set(task.source.name, (set = { name: task.source.name, expected: estimates.get(task.source.name) ?? 0, ranges: [] }));
    set.ranges.push({ from: task.from, to: task.to });
  }
  const jobs = Array.from({ length: threads }, () => ({ load: 0, sets: [] as KeyedSetJob["sets"] }));
  for (const set of [...byName.values()].sort((a, b) => b.expected - a.expected)) {
    const lightest = jobs.reduce((least, job) => (job.load < least.load ? job : least));
    lightest.sets.push(set);
    lightest.load += Math.max(1, set.expected);
  }
  return jobs.filter((job) => job.sets.length > 0).map((job) => job.sets);
}

/** Runs one job on a new worker thread; settles with its sets once the thread has built them all. */
function runJob(job: KeyedSetJob): { done: Promise<Map<string, Key64Set>>; stop(): void } {
  const worker = new Worker(new URL("./keyed-set-thread.worker.ts", import.meta.url).href);
  const done = new Promise<Map<string, Key64Set>>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<KeyedSetReply>) => {
      const reply = event.data;
      // Its one answer is in: the thread's heap goes now, not when the slowest thread is done.
      worker.terminate();
      if ("error" in reply) reject(new Error(`keyed-set thread: ${reply.error}`));
      else resolve(new Map(reply.built.map(({ name, parts }) => [name, Key64Set.fromParts(parts)])));
    };
    worker.onerror = (event) => reject(new Error(`keyed-set thread failed: ${event.message}`));
    worker.addEventListener("close", () => reject(new Error("keyed-set thread stopped before it answered")));
  });
  worker.postMessage(job);
  return { done, stop: () => worker.terminate() };
}

/**
 * Builds the sets on threads (jobs from spreadSets) and returns them by name. Every thread is
 * stopped when this settles, so none outlives the snapshot it reads; on the first failure the
 * others are stopped too and that failure is thrown. `signal` stops them all at once (the rest of
 * the load failed: its threads need not finish).
 */
export async function buildOnThreads(shared: SharedSnapshot, asOf: string, jobs: KeyedSetJob["sets"][], signal?: AbortSignal): Promise<Map<string, Key64Set>> {
  const running = jobs.map((sets) => runJob({ shared, asOf, sets }));
  const stopped = new Promise<never>((_, reject) => {
    const stop = () => reject(new Error("keyed-set threads stopped: the load failed elsewhere"));
    if (signal?.aborted) stop();
    else signal?.addEventListener("abort", stop, { once: true });
  });
  try {
    const built = new Map<string, Key64Set>();
    for (const sets of await Promise.race([Promise.all(running.map((job) => job.done)), stopped])) for (const [name, set] of sets) built.set(name, set);
    return built;
  } finally {
    for (const job of running) job.stop();
  }
}

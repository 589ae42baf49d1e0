/**
 * How long the journal keeps the event loop while it writes one batch: the batch of `messages`
 * accepted messages (a route and a last sender each) and a refusal per ten, as 200 ms at
 * 5,000 msg/s would give, flushed while a setImmediate loop records the longest gap between its
 * turns. With PGlite the database runs on the gateway's own thread, so this gap is time every
 * socket waits: it is what the proxy's p99 at a paced rate is made of. First round is warm-up.
 */
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Journal } from "../../src/journal/journal.ts";
import { createBenchDatabase } from "./databases.ts";
import { benchId, KIND } from "./registry-seed.ts";

export async function runJournalStallBench(options: { messages: number; rounds: number; log: (line: string) => void }) {
  const bench = await createBenchDatabase("stall");
  const database = await bench.open(10);
  await database.migrate();
  const journal = new Journal({ database, spoolDir: mkdtempSync(join(tmpdir(), "bench-stall-")), instanceId: "stall" });
  const stalls: number[] = [];
  const flushes: number[] = [];
  for (let round = 0; round <= options.rounds; round++) {
    const at = Date.now();
    for (let i = 0; i < options.messages; i++) {
      const id = `${round}-${i}-${at}`;
      journal.recordRoute({ smscMessageId: id, canonicalId: id, accountId: benchId(KIND.account, 1), spId: benchId(KIND.sp, 1), createdAt: at });
      journal.recordLastSender({ recipientHash: `h-${id}`, portId: benchId(KIND.port, 1), enterpriseId: benchId(KIND.enterprise, 1), at });
      if (i % 10 === 0) journal.recordRejection({ at: new Date(at), reason: "scope_exceeded", monitor: false, command: "submit_sm", spId: benchId(KIND.sp, 1), text: "bench" });
    }
    let longest = 0;
    let last = performance.now();
    let running = true;
    const turn = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (running) setImmediate(turn);
    };
    setImmediate(turn);
    const started = performance.now();
    await journal.flush();
    const took = performance.now() - started;
    running = false;
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (round > 0) {
      stalls.push(longest);
      flushes.push(took);
    }
  }
  await database.close();
  await bench.drop();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const result = {
    journal_stall_messages_per_batch: options.messages,
    journal_stall_longest_ms: Math.round(median(stalls) * 10) / 10,
    journal_stall_runs_ms: stalls.map((v) => Math.round(v * 10) / 10),
    journal_stall_flush_ms: Math.round(median(flushes) * 10) / 10,
  };
  options.log(`journal stall: a batch of ${options.messages} accepted messages flushed in ${result.journal_stall_flush_ms} ms (median), longest event-loop stall ${result.journal_stall_longest_ms} ms (median of ${stalls.length}; load ${loadavg()[0]!.toFixed(1)})`);
  return result;
}

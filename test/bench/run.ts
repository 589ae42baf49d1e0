/**
 * `npm run bench` — the gateway's benchmarks in one run on one machine:
 *   1. SMPP: the same load generator straight to the SMSC simulator and through the proxy;
 *   2. registry: snapshot load time, RSS, decide() cost and change latency at two sizes;
 *   3. journal: refusals per second written to the database with none lost;
 *   4. CMPP: the same mix through the gateway's CMPP listener (throughput, CPU per message).
 * Flags: --quick (under a minute: one repetition of 3 s of each SMPP and CMPP measure after 1 s of
 * warm-up, the registry's decide() rounds of 25,000 instead of 200,000, 30,000 journal refusals), --full (national-scale registry: 100k ports, 1M signatures,
 * 10M opt-outs; takes minutes, needs BENCH_DATABASE_URL), --registry / --smpp / --journal / --cmpp (only
 * those parts). BENCH_DATABASE_URL=postgres://… uses PostgreSQL (a fresh bench_* database per
 * part, dropped afterwards); otherwise PGlite.
 * Writes test/bench/results/<timestamp>.json and prints a one-line JSON summary last.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { pinCpus } from "./child.ts";
import { runJournalBench } from "./journal-bench.ts";
import { runJournalStallBench } from "./journal-stall.ts";
import { runRegistryBench } from "./registry-bench.ts";
import { SCALES } from "./registry-seed.ts";
import { runSmppBench } from "./smpp-bench.ts";
import { runCmppBench } from "./cmpp-bench.ts";

const argv = process.argv.slice(2);
const args = new Set(argv);
// --workers N: the proxy as N worker processes sharing its port (PROXY_WORKERS); PostgreSQL only.
const workersAt = argv.indexOf("--workers");
const workers = workersAt >= 0 ? Number(argv[workersAt + 1]) : 1;
if (!Number.isInteger(workers) || workers < 1 || (workers > 1 && !process.env.BENCH_DATABASE_URL)) {
  console.error("--workers N needs a whole number ≥ 1, and above 1 needs BENCH_DATABASE_URL (the workers share one PostgreSQL)");
  process.exit(2);
}
pinCpus();
const quick = args.has("--quick");
const full = args.has("--full");
const only = ["--smpp", "--registry", "--journal", "--cmpp"].filter((flag) => args.has(flag));
const wants = (part: string) => only.length === 0 || only.includes(`--${part}`);
const benchStarted = performance.now();
const log = (line: string) => console.error(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(1).padStart(5)} s] ${line}`);
const usePostgres = Boolean(process.env.BENCH_DATABASE_URL);

if (full && !usePostgres) {
  console.error("--full needs PostgreSQL: set BENCH_DATABASE_URL=postgres://user@host:5432/db (bench databases are created next to it)");
  process.exit(2);
}

const result: Record<string, unknown> = {
  started_at: new Date().toISOString(),
  mode: quick ? "quick" : full ? "full" : "default",
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model, bun: Bun.version, platform: process.platform, load_average_at_start: (await import("node:os")).loadavg(), gateway_cpus: process.env.BENCH_GATEWAY_CPUS, others_cpus: process.env.BENCH_OTHERS_CPUS },
  database: usePostgres ? "postgres" : "pglite",
};

/** The paced run's offered rate (msg/s): 5,000 as issue 17 sets it; BENCH_PACED_RATE shows how the tail moves with the rate. */
const pacedRate = Number(process.env.BENCH_PACED_RATE ?? 5000);
if (!(pacedRate > 0)) throw new Error(`BENCH_PACED_RATE must be a positive number of messages per second, not ${process.env.BENCH_PACED_RATE}`);

if (wants("smpp")) {
  result.smpp = await runSmppBench(
    quick
      ? { reps: 1, seconds: 3, warmupSeconds: 1, pacedRate, pacedSeconds: 3, binds: 4, window: 100, workers, log }
      : { reps: 3, seconds: 10, warmupSeconds: 3, pacedRate, pacedSeconds: 8, binds: 4, window: 100, workers, log },
  );
}
if (wants("cmpp")) {
  result.cmpp = await runCmppBench(quick ? { reps: 1, seconds: 3, warmupSeconds: 1, connections: 4, window: 16, log } : { reps: 3, seconds: 10, warmupSeconds: 3, connections: 4, window: 16, log });
}
if (wants("journal")) {
  result.journal = await runJournalBench({ refusals: quick ? 30_000 : 200_000, reps: quick ? 1 : 3, log });
  result.journal_stall = await runJournalStallBench({ messages: 1000, rounds: quick ? 3 : 7, log });
}
if (wants("registry")) {
  // Small and a larger size; --full makes the larger one national scale. PGlite stays small-ish.
  const sizes = quick ? [SCALES.small!] : full ? [SCALES.small!, SCALES.full!] : usePostgres ? [SCALES.small!, SCALES.medium!] : [SCALES.small!];
  const registry = [];
  const keep = usePostgres && process.env.BENCH_REGISTRY_KEEP === "1";
  for (const scale of sizes) registry.push(await runRegistryBench(scale, log, { keep, decideRounds: quick ? 3 : undefined, decidePerRound: quick ? 25_000 : undefined }));
  result.registry = registry;
}

const smpp = result.smpp as Record<string, number> | undefined;
const journal = result.journal as Record<string, number> | undefined;
const cmpp = result.cmpp as Record<string, number> | undefined;
const registry = result.registry as Record<string, number>[] | undefined;
const small = registry?.[0];
const large = registry && registry.length > 1 ? registry[registry.length - 1] : undefined;
const summary = {
  direct_msgs_per_s: smpp?.direct_msgs_per_s,
  proxy_msgs_per_s: smpp?.proxy_msgs_per_s,
  ratio: smpp?.ratio,
  proxy_cpu_us_per_msg: smpp?.proxy_cpu_us_per_msg,
  simulator_cpu_us_per_msg: smpp?.simulator_cpu_us_per_msg,
  cpu_ratio: smpp?.cpu_ratio,
  receipts_per_s: smpp?.receipts_per_s,
  receipts_lost: smpp?.receipts_lost,
  added_p50_ms: smpp?.added_p50_ms,
  added_p99_ms: smpp?.added_p99_ms,
  proxy_rss_mb: smpp?.proxy_rss_mb,
  proxy_workers: smpp?.proxy_workers,
  gateway_sockets: smpp?.gateway_sockets,
  change_via_http_ms: smpp?.change_via_http_ms_median,
  journal_refusals_per_s: journal?.journal_refusals_per_s,
  cmpp_msgs_per_s: cmpp?.cmpp_msgs_per_s,
  cmpp_cpu_us_per_msg: cmpp?.cmpp_cpu_us_per_msg,
  cmpp_reports_per_s: cmpp?.reports_per_s,
  cmpp_reports_lost: cmpp?.reports_lost,
  journal_under_load_refusals_per_s: smpp?.journal_under_load_refusals_per_s,
  journal_under_load_refusals_answered_per_s: smpp?.journal_under_load_refusals_answered_per_s,
  journal_under_load_catch_up_s: smpp?.journal_under_load_catch_up_s,
  journal_stall_longest_ms: (result.journal_stall as Record<string, number> | undefined)?.journal_stall_longest_ms,
  registry_small_decide_us: small?.decide_us,
  registry_large_scale: large?.scale,
  registry_large_load_s: large?.load_s,
  registry_large_peak_rss_mb: large?.peak_rss_mb,
  registry_large_decide_us: large?.decide_us,
  registry_large_change_ms: large?.change_ms_median,
  mode: result.mode,
  database: result.database,
  bun: Bun.version,
  load_average: (await import("node:os")).loadavg().map((v) => Math.round(v * 100) / 100),
  seconds: Math.round((performance.now() - benchStarted) / 100) / 10,
};
result.summary = summary;
const dir = join(import.meta.dir, "results");
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${result.mode}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
log(`written ${file}`);
console.log(JSON.stringify(summary));
process.exit(0);

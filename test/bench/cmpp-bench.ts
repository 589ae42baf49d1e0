/**
 * The CMPP run of the bench, next to the SMPP one: the same seeded registry, message mix and
 * receipt share, the same gateway process in front of the same simulator process, but the SP side
 * speaks CMPP 3.0 (4 links, window 16 each, the specification's). Measures throughput, the gateway's
 * CPU per message, status reports relayed and lost.
 */
import { join } from "node:path";
import { bindAccounts } from "../../src/db/schema/index.ts";
import { createSecretBox, parseSecretsKey } from "../../src/lib/secrets.ts";
import { newId } from "../../src/lib/ids.ts";
import { LineChild, profileFlags } from "./child.ts";
import { CmppLoad } from "./cmpp-load.ts";
import { createSeededBenchDatabase } from "./databases.ts";
import { benchSpId, messageMix } from "./mix.ts";
import { SCALES, seedRegistry } from "./registry-seed.ts";

export interface CmppBenchOptions {
  reps: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  window: number;
  log: (line: string) => void;
}

const SECRETS_KEY = "5b".repeat(32);
const CODE = "900001";
const SECRET = "bench-cmpp-secret";
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function runCmppBench(options: CmppBenchOptions) {
  const { log } = options;
  const scale = SCALES.small!;
  const bench = await createSeededBenchDatabase("cmpp", `registry:${scale.name}`, (database) => seedRegistry(database, scale));
  const seeding = await bench.openForSetup();
  // SP 1's CMPP account (the SMPP bench uses its SMPP account sp1): same SP, ports and limits.
  await seeding.db.insert(bindAccounts).values({
    id: newId(), spId: benchSpId(), systemId: CODE, passwordHash: "unused", protocol: "cmpp",
    secretSealed: createSecretBox(parseSecretsKey(SECRETS_KEY)).seal(SECRET), maxBinds: 16, maxSubmitsPerSecond: 1_000_000,
  });
  await seeding.close();
  log(`cmpp: ${bench.kind} database seeded (${scale.name} registry)`);

  const simulator = LineChild.spawn(join(import.meta.dir, "simulator-process.ts"));
  const { port: simulatorPort } = await simulator.next<{ port: number }>();
  const proxy = LineChild.spawn(join(import.meta.dir, "proxy-process.ts"), [
    JSON.stringify({ url: bench.url, dataDir: bench.dataDir, simulatorPort, adminToken: "bench-admin-token-0123456789abcdef", upstreamBinds: 4, upstreamWindow: 100, cmpp: { gatewayCode: 1, secretsKey: SECRETS_KEY } }),
  ], profileFlags());
  const { cmppPort } = await proxy.next<{ cmppPort: number }>();
  const receiptShare = Number(process.env.BENCH_RECEIPT_SHARE ?? 0.8);
  const load = await CmppLoad.connect({ port: cmppPort, code: CODE, secret: SECRET, connections: options.connections, window: options.window, mix: messageMix(scale), receiptShare });
  const proxyStats = () => proxy.ask<{ cpuUs: number; rss: number }>("stats");

  log("cmpp: warm-up");
  await load.saturate(options.warmupSeconds);
  const runs = { perSecond: [] as number[], cpuUs: [] as number[], receiptsPerS: [] as number[] };
  const results: Record<string, number> = {};
  for (let rep = 0; rep < options.reps; rep++) {
    const p0 = await proxyStats();
    const receipts0 = load.receipts.received;
    const run = await load.saturate(options.seconds);
    const p1 = await proxyStats();
    runs.perSecond.push(run.perSecond);
    runs.cpuUs.push((p1.cpuUs - p0.cpuUs) / run.answered);
    runs.receiptsPerS.push((load.receipts.received - receipts0) / run.seconds);
    for (const [result, count] of Object.entries(run.results)) results[result] = (results[result] ?? 0) + count;
    log(`cmpp: rep ${rep + 1}: ${Math.round(run.perSecond)}/s, ${round(runs.cpuUs.at(-1)!)} µs CPU/msg in the gateway, ${Math.round(runs.receiptsPerS.at(-1)!)} status reports/s`);
  }
  const lost = await load.drainReceipts(30_000);
  log(`cmpp: status reports: ${load.receipts.received} of ${load.receipts.requested} (lost ${lost})`);
  const final = await proxyStats();
  load.close();
  await proxy.stop();
  await simulator.stop();
  await bench.drop();
  return {
    database: bench.kind,
    connections: options.connections,
    window: options.window,
    seconds_per_rep: options.seconds,
    reps: options.reps,
    cmpp_msgs_per_s: Math.round(median(runs.perSecond)),
    cmpp_runs: runs.perSecond.map(Math.round),
    cmpp_cpu_us_per_msg: round(median(runs.cpuUs)),
    cmpp_cpu_us_runs: runs.cpuUs.map((v) => round(v)),
    receipt_share: receiptShare,
    reports_per_s: Math.round(median(runs.receiptsPerS)),
    reports_requested: load.receipts.requested,
    reports_received: load.receipts.received,
    reports_lost: lost,
    results,
    gateway_rss_mb: round(final.rss / 1048576, 1),
  };
}

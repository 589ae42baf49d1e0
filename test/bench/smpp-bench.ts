/**
 * Direct versus through the proxy, in one run, with one load generator: the simulator and the
 * gateway each run in their own process; this process only generates load and measures.
 */
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { resultRows } from "../../src/db/rows.ts";
import { commandStatusFor } from "../../src/policy/reasons.ts";
import { benchSockets, gatewaySockets, LineChild, profileFlags } from "./child.ts";
import { createBenchDatabase, createSeededBenchDatabase } from "./databases.ts";
import { LoadGenerator, percentile } from "./load.ts";
import { messageMix } from "./mix.ts";
import { benchId, BENCH_PASSWORD, KIND, portNumber, SCALES, seedRegistry, signatureText } from "./registry-seed.ts";
import { encodeSubmitSm } from "../../smpp/wire/encode.ts";
import { addInto, bucketsObject, formatHistograms, histogram } from "./histogram.ts";
import { measureJournalUnderLoad } from "./journal-under-load.ts";
import { seededMarker, undoChangeTrials } from "./registry-bench.ts";
import { cpus, loadavg } from "node:os";
import { machineCpuTicks, mainThreadRunWaitUs, threadCpuPerMessage } from "./thread-cpu.ts";

export interface SmppBenchOptions {
  reps: number;
  seconds: number;
  warmupSeconds: number;
  pacedRate: number;
  pacedSeconds: number;
  binds: number;
  window: number;
  /** Proxy worker processes sharing the SMPP port (PROXY_WORKERS; PostgreSQL only). Default 1. */
  workers?: number;
  log: (line: string) => void;
}

interface ProxyStats {
  cpuUs: number;
  /** The main thread's time runnable but waiting for a core (thread-cpu.ts). */
  runWaitUs: number;
  threads: Record<string, number>;
  /** Event-loop delay since the previous stats call (the largest over the workers). */
  loop: { p99Ms: number; maxMs: number };
  rss: number;
  journal: { batches: number; rejections: number; spooledBatches: number; inMemory: number };
}
interface SimulatorStatsLine {
  cpuUs: number;
  runWaitUs: number;
  threads: Record<string, number>;
  rss: number;
  stats: { accepted: number; receiptsSent: number; receiptsAcked: number; receiptsRetried: number };
}

/** into[name] += from[name], for every thread name. */
function addThreads(into: Record<string, number>, from: Record<string, number>): void {
  for (const [name, us] of Object.entries(from)) into[name] = (into[name] ?? 0) + us;
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";

function ucs2(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    bytes[i * 2] = text.charCodeAt(i) >> 8;
    bytes[i * 2 + 1] = text.charCodeAt(i) & 0xff;
  }
  return bytes;
}

export async function runSmppBench(options: SmppBenchOptions) {
  const peerSockets = benchSockets();
  const { log } = options;
  // BENCH_SMPP_SCALE=full: the gateway in front of the national world (PostgreSQL, kept by the registry bench).
  const scale = SCALES[process.env.BENCH_SMPP_SCALE ?? "small"]!;
  const mix = messageMix(scale);
  // The simulator starts while the database is seeded (it needs none): less waiting, nothing less measured.
  const simulator = LineChild.spawn(join(import.meta.dir, "simulator-process.ts"));
  const simulatorUp = simulator.next<{ port: number }>();
  const bench = scale.name === "small" ? await createSeededBenchDatabase("smpp", `registry:${scale.name}`, (database) => seedRegistry(database, scale)) : await keptWorld(scale.name);
  log(`smpp: ${bench.kind} database seeded (${scale.name} registry)`);
  const { port: simulatorPort } = await simulatorUp;
  const upstreamBinds = options.binds;
  const proxy = await startProxies(options.workers ?? 1, (workers) =>
    LineChild.spawn(join(import.meta.dir, "proxy-process.ts"), [
      JSON.stringify({ url: bench.url, dataDir: bench.dataDir, simulatorPort, adminToken: ADMIN_TOKEN, upstreamBinds, upstreamWindow: options.window, workers }),
    ], profileFlags()),
  );
  const { smppPort, httpUrl } = proxy;
  log(`smpp: simulator :${simulatorPort} (pid ${simulator.pid}), gateway :${smppPort} ${httpUrl} (pids ${proxy.pids.join(", ")}, ${proxy.count} worker(s))`);

  if (process.env.BENCH_HEAP) log(`smpp: gateway heap at start: ${JSON.stringify(await proxy.heap())}`);

  // Real traffic asks for a receipt on nearly every message; BENCH_RECEIPT_SHARE=0 measures without.
  const receiptShare = Number(process.env.BENCH_RECEIPT_SHARE ?? 0.8);
  const connect = (port: number, systemId: string, password: string) =>
    LoadGenerator.connect({ port, systemId, password, binds: options.binds, window: options.window, mix, receiptShare });
  const direct = await connect(simulatorPort, "direct", "x");
  // With several workers, more binds so the kernel's spread over them evens out.
  const viaProxy = await LoadGenerator.connect({ port: smppPort, systemId: "sp1", password: BENCH_PASSWORD, binds: options.binds * proxy.count, window: options.window, mix, receiptShare });

  const proxyStats = () => proxy.stats();
  const simulatorStats = () => simulator.ask<SimulatorStatsLine>("stats");

  log("smpp: warm-up");
  await direct.saturate(options.warmupSeconds);
  await viaProxy.saturate(options.warmupSeconds);

  const runs = { direct: [] as number[], proxy: [] as number[], proxyCpuUs: [] as number[], proxySimulatorCpuUs: [] as number[], directSimulatorCpuUs: [] as number[], proxyReceiptsPerS: [] as number[] };
  const statuses: Record<string, number> = {};
  let proxyAnswered = 0;
  // CPU per message by thread kind over all closed-loop proxy runs: the gateway's JavaScript
  // thread ("main"), JavaScriptCore's compiler ("JITWorker") and collector ("HeapHelper"), …
  const threadsBefore = { proxy: {} as Record<string, number>, simulator: {} as Record<string, number> };
  const threadsAfter = { proxy: {} as Record<string, number>, simulator: {} as Record<string, number> };
  let simulatorAccepted = 0;
  for (let rep = 0; rep < options.reps; rep++) {
    let sim0 = await simulatorStats();
    const d = await direct.saturate(options.seconds);
    let sim1 = await simulatorStats();
    runs.direct.push(d.perSecond);
    runs.directSimulatorCpuUs.push((sim1.cpuUs - sim0.cpuUs) / d.answered);

    const p0 = await proxyStats();
    sim0 = await simulatorStats();
    const receipts0 = viaProxy.receipts.received;
    const p = await viaProxy.saturate(options.seconds);
    const p1 = await proxyStats();
    sim1 = await simulatorStats();
    runs.proxyReceiptsPerS.push((viaProxy.receipts.received - receipts0) / p.seconds);
    runs.proxy.push(p.perSecond);
    runs.proxyCpuUs.push((p1.cpuUs - p0.cpuUs) / p.answered);
    runs.proxySimulatorCpuUs.push((sim1.cpuUs - sim0.cpuUs) / Math.max(1, sim1.stats.accepted - sim0.stats.accepted));
    proxyAnswered += p.answered;
    simulatorAccepted += sim1.stats.accepted - sim0.stats.accepted;
    addThreads(threadsBefore.proxy, p0.threads);
    addThreads(threadsAfter.proxy, p1.threads);
    addThreads(threadsBefore.simulator, sim0.threads);
    addThreads(threadsAfter.simulator, sim1.threads);
    log(`smpp: rep ${rep + 1}: CPU µs/msg by thread, proxy ${JSON.stringify(threadCpuPerMessage(p0.threads, p1.threads, p.answered))}, simulator ${JSON.stringify(threadCpuPerMessage(sim0.threads, sim1.threads, sim1.stats.accepted - sim0.stats.accepted))}`);
    for (const [status, count] of Object.entries(p.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
    log(`smpp: rep ${rep + 1}: direct ${Math.round(d.perSecond)}/s, proxy ${Math.round(p.perSecond)}/s (${round(runs.proxyCpuUs.at(-1)!)} µs CPU/msg in the proxy, ${round(runs.proxySimulatorCpuUs.at(-1)!)} in the simulator), ${Math.round(runs.proxyReceiptsPerS.at(-1)!)} receipts/s relayed (load ${loadavg()[0]!.toFixed(1)})`);
  }

  if (process.env.BENCH_HEAP) log(`smpp: gateway heap after the closed-loop runs: ${JSON.stringify(await proxy.heap())}`);
  if (process.env.BENCH_HEAP_SNAPSHOT) await proxy.snapshot(process.env.BENCH_HEAP_SNAPSHOT);

  // Latency at a fixed offered rate: proxy path minus direct path.
  const paced = { directP50: [] as number[], directP99: [] as number[], proxyP50: [] as number[], proxyP99: [] as number[], proxyCpuUs: [] as number[], late: 0, runWaitMs: { gateway: 0, simulator: 0, generator: 0 }, cores: [] as { machine: number; gateway: number; simulator: number; generator: number }[], directHistogram: [] as number[], proxyHistogram: [] as number[] };
  // What each process and the machine had used so far, read before and after each proxied rep.
  const readings = async () => [await proxyStats(), await simulatorStats(), mainThreadRunWaitUs(), machineCpuTicks(), process.cpuUsage()] as const;
  for (let rep = 0; rep < options.reps; rep++) {
    const d = await direct.paced(options.pacedRate, options.pacedSeconds);
    const [p0, s0, g0, m0, c0] = await readings();
    const pacedAt = performance.now();
    const p = await viaProxy.paced(options.pacedRate, options.pacedSeconds);
    const [p1, s1, g1, m1, c1] = await readings();
    // Cores in use over the rep: the whole machine, and of it each process of the bench (the rest is PostgreSQL and the kernel).
    const wallUs = (performance.now() - pacedAt) * 1000;
    const cores = (us: number) => us / wallUs;
    paced.cores.push({
      machine: ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * cpus().length,
      gateway: cores(p1.cpuUs - p0.cpuUs),
      simulator: cores(s1.cpuUs - s0.cpuUs),
      generator: cores(c1.user + c1.system - c0.user - c0.system),
    });
    paced.runWaitMs.gateway += (p1.runWaitUs - p0.runWaitUs) / 1000;
    paced.runWaitMs.simulator += (s1.runWaitUs - s0.runWaitUs) / 1000;
    paced.runWaitMs.generator += (g1 - g0) / 1000;
    paced.directP50.push(percentile(d.latenciesMs, 50));
    paced.directP99.push(percentile(d.latenciesMs, 99));
    paced.proxyP50.push(percentile(p.latenciesMs, 50));
    paced.proxyP99.push(percentile(p.latenciesMs, 99));
    paced.proxyCpuUs.push((p1.cpuUs - p0.cpuUs) / p.answered);
    paced.late += d.late + p.late;
    addInto(paced.directHistogram, histogram(d.latenciesMs));
    addInto(paced.proxyHistogram, histogram(p.latenciesMs));
    log(`smpp: paced ${options.pacedRate}/s rep ${rep + 1}: the gateway's CPU µs/msg by thread ${JSON.stringify(threadCpuPerMessage(p0.threads, p1.threads, p.answered))}`);
    log(`smpp: paced ${options.pacedRate}/s rep ${rep + 1}: direct p50 ${round(paced.directP50.at(-1)!, 3)} p99 ${round(paced.directP99.at(-1)!, 3)} ms; proxy p50 ${round(paced.proxyP50.at(-1)!, 3)} p99 ${round(paced.proxyP99.at(-1)!, 3)} ms; the gateway's event loop late by p99 ${round(p1.loop.p99Ms, 2)} max ${round(p1.loop.maxMs, 1)} ms, journal backlog ${p0.journal.inMemory} → ${p1.journal.inMemory} (load ${loadavg()[0]!.toFixed(1)})`);
  }
  // Time each process's main thread was ready to run but had no core, over the proxied reps.
  log(`smpp: paced via the proxy, main threads waiting for a core: gateway ${round(paced.runWaitMs.gateway, 1)} ms, simulator ${round(paced.runWaitMs.simulator, 1)} ms, load generator ${round(paced.runWaitMs.generator, 1)} ms over ${options.reps * options.pacedSeconds} s`);
  for (const [rep, c] of paced.cores.entries()) {
    // Per message at this rate: a PDU per wakeup costs more than the closed loop's many per read.
    const perMessage = (share: number) => `${round((share * 1e6) / options.pacedRate, 0)} µs/msg`;
    log(
      `smpp: paced via the proxy rep ${rep + 1}: cores busy ${round(c.machine, 2)} of ${cpus().length}: gateway ${round(c.gateway, 2)} (${perMessage(c.gateway)}), ` +
        `simulator ${round(c.simulator, 2)} (${perMessage(c.simulator)}), load generator ${round(c.generator, 2)}, the rest (PostgreSQL, the kernel) ${round(c.machine - c.gateway - c.simulator - c.generator, 2)}`,
    );
  }
  log(`smpp: latency at a paced ${options.pacedRate}/s, all reps (response time per message, ms):`);
  for (const line of formatHistograms(paced.directHistogram, paced.proxyHistogram)) log(`  ${line}`);

  // The journal while the proxy is busy: refusals through the proxy next to accepted traffic.
  const journalUnderLoad = await measureJournalUnderLoad({
    port: smppPort,
    password: BENCH_PASSWORD,
    mix,
    seconds: options.seconds,
    busy: viaProxy,
    journalStats: async () => (await proxyStats()).journal,
    log,
  });

  // A registry change through the HTTP API, to the first SMPP submission the proxy refuses for it.
  const signatureId = benchId(KIND.signature, 1 * 5 + 4);
  const probeFrame = () =>
    encodeSubmitSm(0, { serviceType: "VER", sourceAddr: portNumber(1), destinationAddr: "13812345678", dataCoding: 8, shortMessage: ucs2(`【${signatureText(1, 4)}】您的验证码是482913。`) });
  const suspended = commandStatusFor("signature_suspended");
  const post = (path: string) =>
    fetch(`${httpUrl}/api/v1${path}`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ reason: "bench: change latency" }) });
  const changeMs: number[] = [];
  for (let trial = 0; trial < 3; trial++) {
    const started = performance.now();
    const response = post(`/signatures/${signatureId}/suspend`);
    const honouredAt = await viaProxy.probeUntil(probeFrame, (status) => status === suspended, 30_000);
    const answer = await response;
    if (!answer.ok) throw new Error(`suspend failed: ${answer.status} ${await answer.text()}`);
    changeMs.push(honouredAt - started);
    const back = await post(`/signatures/${signatureId}/approve`);
    if (!back.ok) throw new Error(`approve failed: ${back.status}`);
    await viaProxy.probeUntil(probeFrame, (status) => status === 0, 30_000);
  }
  log(`smpp: registry change via HTTP honoured after ${changeMs.map((v) => round(v, 1)).join(", ")} ms`);

  // Every receipt asked for by an accepted message must come back (the simulator sends them at once).
  const receiptsLost = await viaProxy.drainReceipts(30_000);
  const directReceiptsLost = await direct.drainReceipts(5_000);
  const simulatorFinal = await simulatorStats();
  log(`smpp: receipts through the proxy: ${viaProxy.receipts.received} of ${viaProxy.receipts.requested} (lost ${receiptsLost}, unmatched ${viaProxy.receipts.unmatched}); direct: lost ${directReceiptsLost}`);

  const final = await proxyStats();
  // The refusing generator's refusals were journaled too (it is closed by now).
  const refusedAnswers = viaProxy.refused + journalUnderLoad.journal_under_load_refusing_generator_refusals;
  await direct.close();
  await viaProxy.close();
  const beforeStop = await proxy.flush();
  await proxy.stop();
  await simulator.stop();

  // Every refusal the proxy answered during the measured runs is in the database (the warm-up's too).
  // Rules in monitor mode journal a would-be refusal for a message they let through (the consent
  // group, for every marketing message of the mix): those rows are counted apart.
  const counting = await bench.open();
  const [row] = resultRows<{ n: number; monitored: number }>(
    await counting.db.execute(sql`select count(*) filter (where not monitor)::int as n, count(*) filter (where monitor)::int as monitored from rejections`),
  );
  await counting.close();
  await bench.drop();

  const ratio = median(runs.proxy) / median(runs.direct);
  const simulatorCpuUs = median(runs.proxySimulatorCpuUs);
  return {
    database: bench.kind,
    binds: options.binds,
    proxy_workers: proxy.count,
    gateway_sockets: gatewaySockets(),
    peer_sockets: peerSockets,
    window: options.window,
    seconds_per_rep: options.seconds,
    reps: options.reps,
    direct_msgs_per_s: Math.round(median(runs.direct)),
    proxy_msgs_per_s: Math.round(median(runs.proxy)),
    ratio: round(ratio, 3),
    direct_runs: runs.direct.map(Math.round),
    proxy_runs: runs.proxy.map(Math.round),
    proxy_cpu_us_per_msg: round(median(runs.proxyCpuUs)),
    proxy_cpu_us_runs: runs.proxyCpuUs.map((v) => round(v)),
    proxy_cpu_us_per_msg_paced: round(median(paced.proxyCpuUs)),
    simulator_cpu_us_per_msg_direct: round(median(runs.directSimulatorCpuUs)),
    simulator_cpu_us_per_msg_proxy: round(simulatorCpuUs),
    simulator_cpu_us_per_msg: round(simulatorCpuUs),
    proxy_cpu_us_by_thread: threadCpuPerMessage(threadsBefore.proxy, threadsAfter.proxy, proxyAnswered),
    simulator_cpu_us_by_thread: threadCpuPerMessage(threadsBefore.simulator, threadsAfter.simulator, simulatorAccepted),
    // A proxy handles every message (and receipt) twice on the wire, the simulator once: ~2 is the floor.
    cpu_ratio: round(median(runs.proxyCpuUs) / simulatorCpuUs),
    receipt_share: receiptShare,
    receipts_per_s: Math.round(median(runs.proxyReceiptsPerS)),
    receipts_requested: viaProxy.receipts.requested,
    receipts_received: viaProxy.receipts.received,
    receipts_lost: receiptsLost,
    receipts_unmatched: viaProxy.receipts.unmatched,
    direct_receipts_lost: directReceiptsLost,
    simulator_receipts: { sent: simulatorFinal.stats.receiptsSent, acked: simulatorFinal.stats.receiptsAcked, retried: simulatorFinal.stats.receiptsRetried },
    proxy_statuses: statuses,
    paced_rate: options.pacedRate,
    direct_p50_ms: round(median(paced.directP50), 3),
    direct_p99_ms: round(median(paced.directP99), 3),
    proxy_p50_ms: round(median(paced.proxyP50), 3),
    proxy_p99_ms: round(median(paced.proxyP99), 3),
    added_p50_ms: round(median(paced.proxyP50) - median(paced.directP50), 3),
    added_p99_ms: round(median(paced.proxyP99) - median(paced.directP99), 3),
    paced_window_full_events: paced.late,
    paced_histogram_direct_ms: bucketsObject(paced.directHistogram),
    paced_histogram_proxy_ms: bucketsObject(paced.proxyHistogram),
    ...journalUnderLoad,
    proxy_rss_mb: round(final.rss / 1048576, 1),
    change_via_http_ms: changeMs.map((v) => round(v, 1)),
    change_via_http_ms_median: round(median(changeMs), 1),
    journal_rows: row?.n ?? 0,
    journal_monitor_rows: row?.monitored ?? 0,
    journal_refusals_answered: refusedAnswers,
    journal_nothing_lost: (row?.n ?? 0) === refusedAnswers,
    journal_spooled_batches: beforeStop.journal.spooledBatches,
  };
}

/**
 * The world `BENCH_REGISTRY_KEEP=1 … --registry --<scale>` seeded and kept (PostgreSQL), with the
 * tables the gateway writes emptied, so the closing count of refusals is this run's alone.
 */
async function keptWorld(scaleName: string) {
  if (!process.env.BENCH_DATABASE_URL) throw new Error("BENCH_SMPP_SCALE needs BENCH_DATABASE_URL and a world kept by BENCH_REGISTRY_KEEP=1 … --registry");
  const bench = await createBenchDatabase(`reg_${scaleName}`, { keep: true });
  const database = await bench.openForSetup();
  const markers = resultRows<{ scale: string }>(await database.db.execute(sql`select scale from bench_seeded`));
  if (!markers.some((row) => row.scale === seededMarker(SCALES[scaleName]!))) throw new Error(`bench_reg_${scaleName}_kept holds no seeded world: run the registry bench with BENCH_REGISTRY_KEEP=1 first`);
  await database.db.execute(sql`truncate rejections, rejection_counts, traffic_daily, message_routes, ambiguous_receipts, last_senders, pending_deliveries, journal_batches`);
  await undoChangeTrials(database);
  await database.close();
  return bench;
}

/**
 * One gateway process, or `count` worker processes sharing one SMPP port (PROXY_WORKERS, as
 * `npm start` runs them; worker 0 serves HTTP): their CPU, RSS and journal figures are summed.
 */
async function startProxies(count: number, spawn: (workers: { count: number; index: number; smppPort: number } | undefined) => LineChild) {
  const { freePort } = await import("../helpers/private-postgres.ts");
  const port = count > 1 ? await freePort() : 0;
  const children = Array.from({ length: count }, (_, index) => spawn(count > 1 ? { count, index, smppPort: port } : undefined));
  const ready = await Promise.all(children.map((child) => child.next<{ smppPort: number; httpUrl: string }>()));
  const sum = <T>(all: T[], pick: (one: T) => number) => all.reduce((total, one) => total + pick(one), 0);
  return {
    count,
    pids: children.map((child) => child.pid),
    smppPort: ready[0]!.smppPort,
    httpUrl: ready[0]!.httpUrl,
    async stats(): Promise<ProxyStats> {
      const all = await Promise.all(children.map((child) => child.ask<ProxyStats>("stats")));
      const journal = (key: keyof ProxyStats["journal"]) => sum(all, (one) => one.journal[key]);
      return {
        cpuUs: sum(all, (one) => one.cpuUs),
        runWaitUs: sum(all, (one) => one.runWaitUs),
        threads: all.reduce((into, one) => (addThreads(into, one.threads), into), {} as Record<string, number>),
        loop: { p99Ms: Math.max(...all.map((one) => one.loop.p99Ms)), maxMs: Math.max(...all.map((one) => one.loop.maxMs)) },
        rss: sum(all, (one) => one.rss),
        journal: { batches: journal("batches"), rejections: journal("rejections"), spooledBatches: journal("spooledBatches"), inMemory: journal("inMemory") },
      };
    },
    heap: () => children[0]!.ask<unknown>("heap"),
    snapshot: (file: string) => children[0]!.ask<unknown>(`snapshot ${file}`, 600_000),
    async flush(): Promise<{ journal: ProxyStats["journal"] }> {
      const all = await Promise.all(children.map((child) => child.ask<{ journal: ProxyStats["journal"] }>("flush")));
      return { journal: { ...all[0]!.journal, spooledBatches: sum(all, (one) => one.journal.spooledBatches) } };
    },
    async stop(): Promise<void> {
      await Promise.all(children.map((child) => child.stop()));
    },
  };
}

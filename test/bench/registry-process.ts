/**
 * The registry benchmark's own process (so its RSS is the registry's): loads the snapshot the way
 * a proxy does (Registry.start: full load, then LISTEN), measures decide() on a fixed mix, then
 * suspends a signature through the signatures service on another connection and times how long
 * until a decision honours it via the real NOTIFY feed. Prints one JSON line.
 *
 * argv[2]: JSON { url?: string, dataDir?: string, scale: Scale, decideRounds?: number, decidePerRound?: number }
 */
import { openDatabase } from "../../src/db/client.ts";
import { suspendSignature } from "../../src/signatures/signatures.service.ts";
import { createPiiProtector } from "../../src/lib/pii.ts";
import { decide, type Submission } from "../../src/policy/index.ts";
import { Registry } from "../../src/registry/registry.ts";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { procStat, ThreadCpuTracker } from "./thread-cpu.ts";
import { messageMix, mixSchedule, optedOutMsisdn, randomMsisdn, benchSpId, benchAccountId } from "./mix.ts";
import { benchId, BENCH_PII_KEY, KIND, portNumber, signatureText, type Scale } from "./registry-seed.ts";

const input = JSON.parse(process.argv[2]!) as { url?: string; dataDir?: string; scale: Scale; decideRounds?: number; decidePerRound?: number };
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const database = await openDatabase(input.url ? { url: input.url, poolSize: 4 } : { dataDir: input.dataDir });
Bun.gc(true);
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
// process.memoryUsage() walks the heap's statistics (milliseconds each with a big heap): read the kernel's count instead.
const pageSize = 4096;
const rssNow = () => {
  try {
    return Number(readFileSync("/proc/self/statm", "utf8").split(" ")[1]) * pageSize;
  } catch {
    return process.memoryUsage().rss;
  }
};
const threads = new ThreadCpuTracker();
const loadStarted = performance.now();
// BENCH_RSS_TRACE=1: the RSS and threads' CPU every half second of the load, on stderr.
const trace = process.env.BENCH_RSS_TRACE === "1";
let traced = performance.now();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, rssNow());
  threads.sample();
  if (!trace || performance.now() - traced < 500) return;
  traced = performance.now();
  console.error(`[load ${((traced - loadStarted) / 1000).toFixed(1)} s] rss ${mb(rssNow())} MB, peak ${mb(peakRss)} MB, cpu ${JSON.stringify(threads.secondsByName())}`);
}, 50);

const registry = new Registry({ database, healthIntervalMs: 1000 });
const cpuBefore = process.cpuUsage();
const databaseCpuBefore = input.url ? postgresCpuSeconds() : undefined;
await registry.start();
const loadSeconds = (performance.now() - loadStarted) / 1000;
const cpuUsed = process.cpuUsage(cpuBefore);
clearInterval(sampler);
const loadCpuByThread = threads.secondsByName();
// On a shared machine the wall time says little; CPU does. The database's share: the CPU time the
// PostgreSQL server on this host used meanwhile (postgresCpuSeconds).
const databaseCpuAfter = input.url ? postgresCpuSeconds() : undefined;
const databaseCpuSeconds = databaseCpuAfter === undefined || databaseCpuBefore === undefined ? undefined : databaseCpuAfter - databaseCpuBefore;
peakRss = Math.max(peakRss, process.memoryUsage().rss);
Bun.gc(true);
const rssAfter = process.memoryUsage().rss;
const heap = process.memoryUsage();
// BENCH_HEAP=1: what the loaded snapshot's heap is made of (JavaScriptCore's object counts by type), on stderr.
if (process.env.BENCH_HEAP) {
  const { heapStats } = await import("bun:jsc");
  const stats = heapStats();
  const top = Object.entries(stats.objectTypeCounts).sort((a, b) => b[1] - a[1]).slice(0, 20);
  console.error(`registry heap after load: ${JSON.stringify({ heapSize: stats.heapSize, extraMemorySize: stats.extraMemorySize, objectCount: stats.objectCount, top })}`);
}
const snapshot = registry.snapshot;
const stats = snapshot.stats();

// ---- decide() on a fixed mix ----
const pii = createPiiProtector(BENCH_PII_KEY);
const mix = messageMix(input.scale);
const schedule = mixSchedule(mix, 1000);
const at = Date.parse("2026-06-15T04:00:00Z"); // noon in Shanghai
const counters = {
  marketingSentToday: () => 0,
  verificationVelocity: () => ({ tenMinutes: 0, hour: 0, day: 0, enterprisesThisHour: 0, hasEnterprise: () => false }),
};
const recipientsPool = 4096;
const submissions: Submission[] = Array.from(schedule, (index, i) => {
  const entry = mix[index]!;
  const msisdn = entry.recipient === "opted_out" ? optedOutMsisdn(i) : randomMsisdn(i % recipientsPool);
  return {
    command: "submit_sm",
    spId: benchSpId(),
    accountId: benchAccountId(),
    sourceAddr: entry.sourceAddr,
    recipients: [{ hash: pii.hash(msisdn) }],
    text: entry.text,
    declaredCategory: entry.serviceType === "VER" ? "verification" : entry.serviceType === "NTF" ? "notification" : "marketing",
    at,
  } satisfies Submission;
});
// Correctness first: every entry gets the verdict the mix says.
const wrong: string[] = [];
schedule.forEach((index, i) => {
  const verdict = decide(submissions[i]!, snapshot, counters);
  const got = verdict.outcome === "accept" ? "accept" : verdict.reason;
  if (got !== mix[index]!.expect && !wrong.includes(mix[index]!.name)) wrong.push(`${mix[index]!.name}: ${got}`);
});
const rounds = input.decideRounds ?? 7;
const perRound = input.decidePerRound ?? 200_000;
const decideUs: number[] = [];
let sink = 0;
// Warm-up, not measured: short rounds (--quick) would otherwise time the JIT's first tiers.
for (let i = 0; i < 100_000; i++) if (decide(submissions[i % 1000]!, snapshot, counters).outcome === "accept") sink++;
for (let r = 0; r < rounds; r++) {
  const started = performance.now();
  for (let i = 0; i < perRound; i++) if (decide(submissions[i % 1000]!, snapshot, counters).outcome === "accept") sink++;
  decideUs.push(((performance.now() - started) * 1000) / perRound);
}
// The consent rule's cost with the whole consent set loaded: the same mix with the group off (as
// before the rule existed) and in its shipped mode, alternating rounds.
const settingsAsLoaded = snapshot.settings;
const consentUs = { off: [] as number[], on: [] as number[] };
for (let r = 0; r < 2 * rounds; r++) {
  const off = r % 2 === 0;
  snapshot.settings = off ? { ...settingsAsLoaded, ruleModes: { ...settingsAsLoaded.ruleModes, consent: "off" } } : settingsAsLoaded;
  const started = performance.now();
  for (let i = 0; i < perRound; i++) if (decide(submissions[i % 1000]!, snapshot, counters).outcome === "accept") sink++;
  (off ? consentUs.off : consentUs.on).push(((performance.now() - started) * 1000) / perRound);
}
// The content groups' cost with the scale's phrases, templates and link domains loaded: off (as
// before they existed) against their shipped mode, alternating rounds.
const CONTENT_GROUPS = ["links", "callbacks", "content", "templates", "port_purpose"];
const contentOff = { ...settingsAsLoaded, ruleModes: { ...settingsAsLoaded.ruleModes, ...Object.fromEntries(CONTENT_GROUPS.map((group) => [group, "off" as const])) } };
const contentUs = { off: [] as number[], on: [] as number[] };
for (let r = 0; r < 2 * rounds; r++) {
  const off = r % 2 === 0;
  snapshot.settings = off ? contentOff : settingsAsLoaded;
  const started = performance.now();
  for (let i = 0; i < perRound; i++) if (decide(submissions[i % 1000]!, snapshot, counters).outcome === "accept") sink++;
  (off ? contentUs.off : contentUs.on).push(((performance.now() - started) * 1000) / perRound);
}
snapshot.settings = settingsAsLoaded;
// Raw lookups of the big structures, on keys that exist at every scale.
const lookups = 5 * perRound; // 1,000,000; fewer in --quick
const texts = Array.from({ length: 1000 }, (_, i) => signatureText(i % input.scale.enterprises, i % 5));
const hashes = Array.from({ length: 1000 }, (_, i) => pii.hash(randomMsisdn(i)));
const enterpriseIds = Array.from({ length: 1000 }, (_, i) => benchId(KIND.enterprise, i % input.scale.enterprises));
let lookupStarted = performance.now();
for (let i = 0; i < lookups; i++) if (snapshot.signatureByText(texts[i % 1000]!)) sink++;
const signatureLookupNs = ((performance.now() - lookupStarted) * 1e6) / lookups;
lookupStarted = performance.now();
for (let i = 0; i < lookups; i++) if (snapshot.isOptedOut(hashes[i % 1000]!, enterpriseIds[(i * 7) % 1000]!)) sink++;
const optOutLookupNs = ((performance.now() - lookupStarted) * 1e6) / lookups;
lookupStarted = performance.now();
for (let i = 0; i < lookups; i++) if (snapshot.hasConsent(hashes[i % 1000]!, enterpriseIds[(i * 7) % 1000]!)) sink++;
const consentLookupNs = ((performance.now() - lookupStarted) * 1e6) / lookups;
lookupStarted = performance.now();
for (let i = 0; i < lookups; i++) if (snapshot.matchPort(portNumber(i % input.scale.ports))) sink++;
const portMatchNs = ((performance.now() - lookupStarted) * 1e6) / lookups;

// ---- a registry change, through the service and the NOTIFY feed, to the first decision that honours it ----
const writer = input.url ? await openDatabase({ url: input.url, poolSize: 2 }) : database;
const changeMs: number[] = [];
for (let trial = 0; trial < 3; trial++) {
  const enterprise = 1 + trial; // 企业1签4 … verification-only signatures of enterprises 1, 2, 3
  const id = benchId(KIND.signature, enterprise * 5 + 4);
  const probe: Submission = {
    ...submissions[0]!,
    spId: benchId(KIND.sp, enterprise % input.scale.serviceProviders),
    sourceAddr: portNumber(enterprise % input.scale.ports),
    text: `【${signatureText(enterprise, 4)}】您的验证码是482913。`,
    declaredCategory: "verification",
  };
  const before = decide(probe, snapshot, counters);
  if (before.outcome !== "accept") throw new Error(`probe for ${id} refused before the change: ${before.reason}`);
  const started = performance.now();
  const change = suspendSignature({ db: writer.db, actor: { type: "operator", id: "bench" }, now: new Date(), pii }, id, "bench: change latency");
  let honouredAt = 0;
  while (honouredAt === 0) {
    const verdict = decide(probe, registry.snapshot, counters);
    if (verdict.outcome === "reject" && verdict.reason === "signature_suspended") honouredAt = performance.now();
    else await new Promise((resolve) => setImmediate(resolve));
    if (performance.now() - started > 30_000) throw new Error("change not honoured within 30 s");
  }
  await change;
  changeMs.push(honouredAt - started);
}
if (writer !== database) await writer.close();
await registry.stop();
await database.close();

console.log(
  JSON.stringify({
    scale: input.scale.name,
    counts: stats,
    load_s: Math.round(loadSeconds * 100) / 100,
    load_cpu_s: Math.round(((cpuUsed.user + cpuUsed.system) / 1e6) * 100) / 100,
    load_cpu_s_by_thread: loadCpuByThread,
    load_database_cpu_s: databaseCpuSeconds === undefined ? null : Math.round(databaseCpuSeconds * 100) / 100,
    load_machine: { cpus: (await import("node:os")).cpus().length, load_average: (await import("node:os")).loadavg().map((v) => Math.round(v * 10) / 10) },
    rss_before_mb: mb(rssBefore),
    rss_after_load_mb: mb(rssAfter),
    peak_rss_mb: mb(peakRss),
    heap_used_mb: mb(heap.heapUsed),
    opt_out_set_mb: mb(snapshot.optOuts.bytes),
    consent_set_mb: mb(snapshot.keyedSet("consents")?.bytes ?? 0),
    load_path: database.bulkRead ? "copy (bulkRead)" : "paged",
    opt_out_set_bytes_per_entry: Math.round((snapshot.optOuts.bytes / Math.max(1, snapshot.optOuts.size)) * 10) / 10,
    decide_us: Math.round(median(decideUs) * 1000) / 1000,
    decide_us_rounds: decideUs.map((v) => Math.round(v * 1000) / 1000),
    decide_consent_off_us: Math.round(median(consentUs.off) * 1000) / 1000,
    decide_consent_on_us: Math.round(median(consentUs.on) * 1000) / 1000,
    consent_lookup_ns: Math.round(consentLookupNs),
    decide_content_off_us: Math.round(median(contentUs.off) * 1000) / 1000,
    decide_content_on_us: Math.round(median(contentUs.on) * 1000) / 1000,
    signature_lookup_ns: Math.round(signatureLookupNs),
    opt_out_lookup_ns: Math.round(optOutLookupNs),
    port_match_ns: Math.round(portMatchNs),
    change_ms: changeMs.map((v) => Math.round(v * 10) / 10),
    change_ms_median: Math.round(median(changeMs) * 10) / 10,
    mix_mismatches: wrong,
    sink: sink > 0,
  }),
);
process.exit(0);
void join;

/**
 * CPU seconds the PostgreSQL server on this host has used so far: every live postgres process's
 * utime + stime, plus the postmaster's cutime + cstime (the backends it has reaped: the load's
 * worker threads close their connections before it ends). Undefined when /proc shows no server
 * (another host). The whole server's: run the bench on a quiet one.
 */
function postgresCpuSeconds(): number | undefined {
  let ticks = 0;
  let found = false;
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(`/proc/${entry}/stat`); // undefined: gone meanwhile
    if (stat?.name === "postgres") stats.set(Number(entry), stat.fields);
  }
  for (const fields of stats.values()) {
    found = true;
    ticks += Number(fields[11]) + Number(fields[12]);
    // The postmaster: its parent is not a postgres process.
    if (!stats.has(Number(fields[1]))) ticks += Number(fields[13]) + Number(fields[14]);
  }
  return found ? ticks / 100 : undefined;
}

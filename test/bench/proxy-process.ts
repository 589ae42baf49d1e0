/**
 * The whole product (startGateway: API, registry, journal, upstream pool, SMPP proxy) in its own
 * process, in front of the simulator process, so its CPU time and RSS are its own. Prints
 * {"smppPort":…,"httpUrl":…} once up; answers "stats" on stdin with one JSON line; "stop" drains
 * the gateway (the journal is flushed) and exits.
 *
 * argv[2]: JSON { url?: string, dataDir: string, simulatorPort: number, adminToken: string, upstreamBinds: number, upstreamWindow: number,
 *   workers?: { count: number, index: number, smppPort: number } (one of PROXY_WORKERS processes sharing smppPort),
 *   cmpp?: { gatewayCode: number, secretsKey: string } } — with cmpp, the CMPP listener is on too and {"cmppPort":…} is printed.
 */
import pino from "pino";
import { parseConfig } from "../../src/config.ts";
import { startGateway } from "../../src/main.ts";
import { BENCH_PII_KEY } from "./registry-seed.ts";
import { mainThreadRunWaitUs, threadCpuUs } from "./thread-cpu.ts";
import { monitorEventLoopDelay } from "node:perf_hooks";

const input = JSON.parse(process.argv[2]!) as {
  url?: string;
  dataDir: string;
  simulatorPort: number;
  adminToken: string;
  upstreamBinds: number;
  upstreamWindow: number;
  workers?: { count: number; index: number; smppPort: number };
  cmpp?: { gatewayCode: number; secretsKey: string };
};
const config = parseConfig({
  ...(input.url && { DATABASE_URL: input.url }),
  HTTP_PORT: "0",
  SMPP_PORT: String(input.workers?.smppPort ?? 0),
  ...(input.workers && { PROXY_WORKERS: String(input.workers.count), PROXY_WORKER_INDEX: String(input.workers.index) }),
  SMPP_HOST: "127.0.0.1",
  UPSTREAM_SMSC_URL: `smpp://gatekeeper:secret@127.0.0.1:${input.simulatorPort}`,
  UPSTREAM_BINDS: String(input.upstreamBinds),
  UPSTREAM_WINDOW: String(input.upstreamWindow),
  LOG_LEVEL: "silent",
  // Its own environment's (BENCH_GATEWAY_ENV, or the bench's own SOCKET_API).
  ...(process.env.SOCKET_API && { SOCKET_API: process.env.SOCKET_API }),
  PII_KEY: BENCH_PII_KEY,
  ADMIN_TOKEN: input.adminToken,
  INSTANCE_ID: `bench-${process.pid}`,
  DATA_DIR: input.workers ? `${input.dataDir}/w${input.workers.index}` : input.dataDir,
  ...(input.cmpp && { CMPP_PORT: "0", CMPP_HOST: "127.0.0.1", CMPP_GATEWAY_CODE: String(input.cmpp.gatewayCode), SECRETS_KEY: input.cmpp.secretsKey }),
});
const gateway = await startGateway({ config, logger: pino({ level: "silent" }) });
await gateway.upstream.waitForBinds(input.upstreamBinds, 10_000);
console.log(JSON.stringify({ smppPort: gateway.smppPort, httpUrl: gateway.httpUrl, cmppPort: gateway.cmppPort }));

// How late the gateway's event loop ran timers since the last "stats" (reset at each): the part of
// a latency tail that is this process's own work rather than the machine's.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

let buffered = "";
for await (const chunk of Bun.stdin.stream()) {
  buffered += new TextDecoder().decode(chunk);
  let newline: number;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const command = buffered.slice(0, newline).trim();
    buffered = buffered.slice(newline + 1);
    if (command === "stats") {
      const cpu = process.cpuUsage();
      const loop = { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 };
      loopDelay.reset();
      console.log(JSON.stringify({ cpuUs: cpu.user + cpu.system, runWaitUs: mainThreadRunWaitUs(), threads: threadCpuUs(), loop, rss: process.memoryUsage().rss, journal: gateway.journal.stats(), upstream: gateway.upstream.state(), registry: gateway.registry.health() }));
    } else if (command === "heap") {
      // What the collector has to walk: object counts by type (JavaScriptCore's own figures).
      const { heapStats } = await import("bun:jsc");
      const before = heapStats().objectCount;
      Bun.gc(true);
      const stats = heapStats();
      const top = Object.entries(stats.objectTypeCounts).sort((a, b) => b[1] - a[1]).slice(0, 25);
      console.log(JSON.stringify({ objectsBeforeFullCollection: before, heapSize: stats.heapSize, heapCapacity: stats.heapCapacity, objectCount: stats.objectCount, top }));
    } else if (command.startsWith("snapshot ")) {
      const { generateHeapSnapshot } = await import("bun");
      Bun.gc(true);
      await Bun.write(command.slice("snapshot ".length), JSON.stringify(generateHeapSnapshot()));
      console.log(JSON.stringify({ written: true }));
    } else if (command === "flush") {
      await gateway.journal.flush();
      console.log(JSON.stringify({ flushed: true, journal: gateway.journal.stats() }));
    } else if (command === "stop") {
      await gateway.stop(5000);
      console.log(JSON.stringify({ stopped: true }));
      process.exit(0);
    }
  }
}
await gateway.stop(5000);
process.exit(0);

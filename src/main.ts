/**
 * Composition root: parses configuration, opens the database, runs migrations, and starts the
 * admin API, the registry snapshot, the journal, the upstream pool, the SMPP proxy and (when no
 * real SMSC is configured) the SMSC simulator, and the CMPP listener when CMPP_PORT is set. The
 * only module that wires src/, smpp/ and cmpp/ together.
 */
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import { createSmppServerTlsOptions } from "../smpp/session/tls-files.ts";
import { startProxy, type Proxy } from "../smpp/proxy/proxy.ts";
import { startSimulator, type RunningSimulator, type SimulatorOptions } from "../smpp/simulator/index.ts";
import { createUpstreamPool, type ReceivedHandler, type UpstreamPool } from "../smpp/upstream/pool.ts";
import { encodeOutboundPart } from "../smpp/proxy/outbound.ts";
import { cmppStoreOnlySink, startCmppGateway, type CmppGateway } from "../cmpp/gateway/listener.ts";
import { cmppGatewaySettings } from "../cmpp/gateway/settings.ts";
import type { DeliverySink } from "./gateway/outbound.ts";
import { openSecretBox } from "./accounts/account-secrets.ts";
import type { SecretBox } from "./lib/secrets.ts";
import type { Context } from "hono";
import { createApp } from "./api/app.ts";
import { simulatorRoutes } from "./api/simulator/simulator.routes.ts";
import { consoleSessionKey } from "./console/auth.ts";
import { mountConsole } from "./console/console.routes.tsx";
import { createReviewsBackend } from "./console/reviews-adapter.ts";
import { recordOptOut } from "./opt-outs/opt-outs.service.ts";
import { HoneypotHitSink } from "./honeypots/honeypot-hits.ts";
import { recordPreferenceByMo } from "./preferences/preferences.service.ts";
import { createVelocityCounters } from "./velocity/velocity-sharing.ts";
import { consentRequestWrites } from "./consents/consent-request-writes.ts";
import { pruneConsents } from "./consents/consents.retention.ts";
import { ensureBootstrapToken } from "./tokens/tokens.service.ts";
import { ConfigError, parseConfig, type Config } from "./config.ts";
import type { AppDependencies, ServiceContext } from "./context.ts";
import { openDatabase, type Database } from "./db/client.ts";
import { createDeliveryStore, type DeliveryStore } from "./deliveries/deliveries.service.ts";
import { Journal } from "./journal/journal.ts";
import { enforceRetention } from "./journal/retention.ts";
import { dropExpiredPartitions, ensurePartitions } from "./journal/partitions.ts";
import { reopenOverdue } from "./reviews/reviews.service.ts";
import { runDueSchedules } from "./reviews/schedules.service.ts";
import { systemClock, type Clock } from "./lib/clock.ts";
import { setDefaultSocketApi } from "./lib/byte-stream.ts";
import { createPiiProtector } from "./lib/pii.ts";
import { createMetrics, type Metrics } from "./observability/metrics.ts";
import { Registry } from "./registry/registry.ts";
import { resolvePiiKey } from "./settings/settings.service.ts";
import { heldDeliveriesFeed } from "./deliveries/held-feed.ts";
import { isSupervisor, runWorkers, workerRole } from "./workers.ts";

export interface GatewayOptions {
  config: Config;
  /** An already-open, migrated database (tests); otherwise opened from the configuration. */
  database?: Database;
  logger?: Logger;
  /** Overrides for the built-in SMSC simulator (tests script it). */
  simulator?: Partial<SimulatorOptions>;
  /** Print the listening addresses and the bootstrap token (npm start). */
  announce?: boolean;
  /** Wall time in epoch ms for everything the gateway records and judges (default Date.now; tests pass a fake). */
  clock?: Clock;
}

export interface Gateway {
  httpUrl: string;
  smppPort: number;
  smppTlsPort: number | undefined;
  simulator: RunningSimulator | undefined;
  upstream: UpstreamPool;
  proxy: Proxy;
  /** The CMPP listener (when CMPP_PORT is set). */
  cmpp: CmppGateway | undefined;
  cmppPort: number | undefined;
  registry: Registry;
  journal: Journal;
  database: Database;
  deps: AppDependencies;
  bootstrapToken: string | undefined;
  metrics: ReturnType<typeof createMetrics>;
  /** Graceful: stop accepting, answer in-flight submissions, unbind, flush the journal. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Who this process is (worker, instance id), its logger, its migrated database, the PII key and the clock. */
async function openFoundation(options: GatewayOptions) {
  const config = options.config;
  const worker = workerRole(config);
  // With PROXY_WORKERS, worker 0 alone serves the API and runs the simulator and maintenance.
  const primary = !worker || worker.index === 0;
  const instanceId = `${config.INSTANCE_ID ?? `${hostname()}-${config.SMPP_PORT || "proxy"}`}${worker ? `-w${worker.index}` : ""}`;
  const logger = options.logger ?? pino({ level: config.LOG_LEVEL, base: { instance: instanceId } });
  const database = options.database ?? (await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR }));
  if (!options.database) await database.migrate();
  const piiKey = await resolvePiiKey(database.db, config.PII_KEY);
  const pii = createPiiProtector(piiKey);
  const clock = options.clock ?? systemClock;
  const now = () => new Date(clock());
  return { config, worker, primary, instanceId, logger, database, piiKey, pii, clock, now, systemContext: systemContexts(database, pii, now) };
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, worker, primary, instanceId, logger, database, piiKey, pii, clock, now, systemContext } = await openFoundation(options);
  setDefaultSocketApi(config.SOCKET_API);
  const metrics = createMetrics();

  // The journal's monthly partitions exist before the first verdict is written.
  await ensurePartitions(database.db, now());

  const secrets = await openSecretBox(config, database.db, logger);
  const registry = new Registry({ database, logger, healthIntervalMs: 1000, fullReloadIntervalMs: 15 * 60_000 });
  await registry.start();
  const journal = new Journal({ database, spoolDir: join(config.DATA_DIR, worker ? `spool-w${worker.index}` : "spool"), instanceId, logger, flushIntervalMs: 200 });
  journal.start();

  const simulator = config.UPSTREAM_SMSC_URL || !primary
    ? undefined
    : await startSimulator({ host: "127.0.0.1", port: config.SIMULATOR_PORT, receiptDelayMs: config.SIMULATOR_RECEIPT_DELAY_MS, clock, ...options.simulator });
  let proxy: Proxy | undefined;
  const upstream = startUpstream(config, simulator, metrics, logger, (pdu, frame) => (proxy ? proxy.fromUpstream(pdu, frame) : 0x64));
  const deliveries = createDeliveryStore(database.db);
  const sinks: DeliverySink[] = [];
  const held = heldDeliveriesFeed(database, instanceId, () => proxy, logger);
  const velocity = createVelocityCounters(config, database.db, logger, clock);
  const honeypotHits = new HoneypotHitSink({ context: () => systemContext("honeypots"), logger });
  const consentRequests = consentRequestWrites({ request: () => systemContext(`smpp@${instanceId}`), reply: () => systemContext(`smpp-mo@${instanceId}`) }, logger);
  proxy = await startProxy({
    sinks,
    ...proxySettings(config),
    onHeldWithoutReceiver: held.announce,
    registry: () => registry.snapshot,
    journal,
    pii,
    upstream,
    deliveries,
    recordOptOut: async (record) => {
      await recordOptOut(systemContext(`smpp-mo@${instanceId}`), { ...record, source: "mo" });
    },
    recordPreference: (record) => recordPreferenceByMo(systemContext(`smpp-mo@${instanceId}`), record),
    velocity,
    honeypotHit: (hit) => honeypotHits.push(hit),
    recordConsentReply: (record) => consentRequests.reply(record),
    consentRequestSent: (sent) => consentRequests.sent(sent),
    metrics,
    logger,
    clock,
  });

  const cmpp = await startCmpp(config, primary, sinks, { registry, secrets, proxy, journal, upstream, deliveries, clock, metrics, logger });
  await held.start();
  const passwordHashing = { memoryCost: config.PASSWORD_HASH_MEMORY_KIB, timeCost: config.PASSWORD_HASH_PASSES };
  const deps: AppDependencies = { database, pii, secrets, passwordHashing, clock: now, readiness: readinessCheck(registry, upstream, journal) };
  const bootstrapToken = primary ? await ensureBootstrapToken(systemContext("bootstrap"), config.ADMIN_TOKEN) : undefined;
  const maintenance = primary
    ? startMaintenance({ database, deliveries, context: () => systemContext("maintenance"), now, logger, retentionDays: config.JOURNAL_RETENTION_DAYS })
    : { stop() {} };
  const { http, httpUrl } = primary ? serveHttp(config, deps, { logger, simulator, metrics, registry, upstream, journal, piiKey }) : { http: undefined, httpUrl: "" };
  if (options.announce && primary) announce(config, { httpUrl, proxy, cmpp, simulator, upstream, bootstrapToken });

  return {
    httpUrl, smppPort: proxy.port, smppTlsPort: proxy.tlsPort, simulator, upstream, proxy, cmpp, cmppPort: cmpp?.port, registry, journal, database, deps, bootstrapToken, metrics,
    async stop(timeoutMs = 10_000) {
      maintenance.stop();
      await cmpp?.stop(Math.min(timeoutMs, 5000));
      await held.stop();
      await proxy!.stop(timeoutMs);
      await velocity.stop();
      await honeypotHits.stop();
      await upstream.stop(2000);
      await journal.stop();
      await registry.stop();
      http?.stop(true);
      await simulator?.stop();
      if (!options.database) await database.close();
    },
  };
}

/** The admin API, the console and /metrics on HTTP_HOST:HTTP_PORT (worker 0 only, with PROXY_WORKERS). */
function serveHttp(
  config: Config,
  deps: AppDependencies,
  parts: { logger: Logger; simulator: RunningSimulator | undefined; metrics: Metrics; registry: Registry; upstream: UpstreamPool; journal: Journal; piiKey: string },
) {
  const { logger, simulator, metrics, registry, upstream, journal, piiKey } = parts;
  const app = createApp(deps, {
    logger,
    extraRoutes: simulator ? [simulatorRoutes(simulator)] : [],
    mount: (root) => {
      root.get("/metrics", metricsRoute(metrics, registry, upstream, journal));
      mountConsole(root, { sessionKey: consoleSessionKey(piiKey), reviews: createReviewsBackend(), logger });
    },
  });
  const http = Bun.serve({ hostname: config.HTTP_HOST, port: config.HTTP_PORT, fetch: (req, server) => app.fetch(req, server) });
  return { http, httpUrl: `http://${config.HTTP_HOST}:${http.port}` };
}

/** The one way the composition builds a service context: a system actor, the injected clock. */
function systemContexts(database: Database, pii: AppDependencies["pii"], now: () => Date): (actorId: string) => ServiceContext {
  return (actorId) => ({ db: database.db, actor: { type: "system", id: actorId }, now: now(), pii });
}

function startUpstream(config: Config, simulator: RunningSimulator | undefined, metrics: Metrics, logger: Logger, onReceived: ReceivedHandler): UpstreamPool {
  const upstream = createUpstreamPool({
    url: config.UPSTREAM_SMSC_URL ?? `smpp://gatekeeper:secret@127.0.0.1:${simulator?.port ?? config.SIMULATOR_PORT}`,
    binds: config.UPSTREAM_BINDS,
    windowSize: config.UPSTREAM_WINDOW,
    requestTimeoutMs: config.UPSTREAM_REQUEST_TIMEOUT_MS,
    onReceived,
  });
  upstream.on("bindUp", () => metrics.upstreamBinds.set(upstream.state().bindsUp));
  upstream.on("bindDown", (index, reason) => {
    metrics.upstreamBinds.set(upstream.state().bindsUp);
    logger.warn({ bind: index, reason }, "upstream bind down");
  });
  return upstream;
}

/**
 * The CMPP listener when CMPP_PORT is set: the SMPP proxy's gatekeeper and relay, the same upstream
 * pool; its delivery sink joins `sinks`. With PROXY_WORKERS > 1 only worker 0 (`primary`) listens
 * (one gateway code per process); the other workers get a sink that stores CMPP deliveries for it.
 */
async function startCmpp(
  config: Config,
  primary: boolean,
  sinks: DeliverySink[],
  parts: { registry: Registry; secrets: SecretBox | undefined; proxy: Proxy; journal: Journal; upstream: UpstreamPool; deliveries: DeliveryStore; clock: Clock; metrics: Metrics; logger: Logger },
): Promise<CmppGateway | undefined> {
  if (config.CMPP_PORT === undefined || !parts.secrets) return undefined;
  if (!primary) {
    sinks.push(cmppStoreOnlySink({ registry: () => parts.registry.snapshot, store: parts.deliveries, clock: parts.clock, metrics: parts.metrics, logger: parts.logger }));
    return undefined;
  }
  const gateway = await startCmppGateway({
    ...cmppGatewaySettings(config),
    registry: () => parts.registry.snapshot,
    secrets: parts.secrets,
    gatekeeper: parts.proxy.gatekeeper,
    journal: parts.journal,
    send: (part) => parts.upstream.submit(encodeOutboundPart(part)),
    remember: parts.proxy.remember,
    store: parts.deliveries,
    clock: parts.clock,
    metrics: parts.metrics,
    logger: parts.logger,
  });
  sinks.push(gateway.deliveries);
  return gateway;
}

/** The proxy's listener, limits and timeouts, from the configuration. */
function proxySettings(config: Config) {
  return {
    host: config.SMPP_HOST,
    port: config.SMPP_PORT,
    tls: config.SMPP_TLS_PORT !== undefined ? createSmppServerTlsOptions(config.SMPP_TLS_PORT, config.SMPP_TLS_CERT, config.SMPP_TLS_KEY) : undefined,
    // Each worker is one more proxy sharing the accounts' limits.
    instances: config.PROXY_INSTANCES * config.PROXY_WORKERS,
    reusePort: config.PROXY_WORKERS > 1,
    fullText: config.JOURNAL_FULL_TEXT,
    concatenationTimeoutMs: config.SMPP_CONCAT_TIMEOUT_MS,
    bindTimeoutMs: config.SMPP_BIND_TIMEOUT_MS,
    partialFrameTimeoutMs: config.SMPP_PARTIAL_PDU_TIMEOUT_MS,
    inactivityTimeoutMs: config.SMPP_INACTIVITY_TIMEOUT_MS,
    deliverWindow: config.SMPP_DELIVER_WINDOW,
    maxConnections: config.SMPP_MAX_CONNECTIONS,
    maxConnectionsPerAddress: config.SMPP_MAX_CONNECTIONS_PER_ADDRESS,
    lockout: {
      maxFailures: config.SMPP_BIND_LOCKOUT_FAILURES,
      maxAccountFailures: config.SMPP_BIND_ACCOUNT_LOCKOUT_FAILURES,
      windowMs: config.SMPP_BIND_LOCKOUT_WINDOW_MS,
      lockoutMs: config.SMPP_BIND_LOCKOUT_MS,
    },
  };
}

function readinessCheck(registry: Registry, upstream: UpstreamPool, journal: Journal): AppDependencies["readiness"] {
  return async () => {
    const health = registry.health();
    const upstreamState = upstream.state();
    const backlog = journal.backlog();
    return {
      registry: { ok: health.fresh, detail: health.fresh ? `snapshot ${Math.round(health.ageMs)} ms old` : `judging on the last snapshot (${health.lastError ?? "database unreachable"})` },
      upstream: { ok: upstreamState.bindsUp > 0, detail: `${upstreamState.bindsUp}/${upstreamState.bindsTotal} binds up` },
      journal: { ok: backlog.spooledBatches === 0, detail: `${backlog.inMemory} in memory, ${backlog.spooledBatches} batches spooled` },
    };
  };
}

/** GET /metrics: the gauges are refreshed at scrape time. */
function metricsRoute(metrics: Metrics, registry: Registry, upstream: UpstreamPool, journal: Journal) {
  return async (c: Context) => {
    const health = registry.health();
    metrics.snapshotAge.set(Number.isFinite(health.ageMs) ? health.ageMs / 1000 : -1);
    metrics.snapshotFresh.set(health.fresh ? 1 : 0);
    const backlog = journal.backlog();
    metrics.journalBacklog.set({ where: "memory" }, backlog.inMemory);
    metrics.journalBacklog.set({ where: "spool_batches" }, backlog.spooledBatches);
    const state = upstream.state();
    metrics.upstreamBinds.set(state.bindsUp);
    metrics.upstreamInFlight.set(state.inFlight);
    return c.text(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
  };
}

/** npm start: the listening addresses and the bootstrap token, once. */
function announce(config: Config, running: { httpUrl: string; proxy: Proxy; cmpp: CmppGateway | undefined; simulator: RunningSimulator | undefined; upstream: UpstreamPool; bootstrapToken: string | undefined }): void {
  const { httpUrl, proxy, cmpp, simulator, upstream, bootstrapToken } = running;
  if (cmpp) console.log(`CMPP listener ${config.CMPP_HOST}:${cmpp.port}  (gateway code ${config.CMPP_GATEWAY_CODE}) ← CMPP SPs connect here`);
  const where = config.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `PGlite in ${config.DATA_DIR}/pglite`;
  console.log(`database      ${where}`);
  console.log(`admin API     ${httpUrl}/api/v1   (OpenAPI: ${httpUrl}/api/openapi.json, metrics: ${httpUrl}/metrics)`);
  console.log(`web console   ${httpUrl}/console   (sign in with a token)`);
  const workers = config.PROXY_WORKERS > 1 ? `  (${config.PROXY_WORKERS} workers share it)` : "";
  console.log(`SMPP proxy    ${config.SMPP_HOST}:${proxy.port}${proxy.tlsPort ? `  (TLS: ${proxy.tlsPort})` : ""}${workers}  ← SPs bind here`);
  console.log(`upstream SMSC ${simulator ? `built-in simulator on 127.0.0.1:${simulator.port}` : upstream.target}`);
  if (bootstrapToken) {
    console.log(`operator token (shown once, keep it): ${bootstrapToken}`);
    if (!config.DATABASE_URL) {
      // Local trial on PGlite only: `npm run demo` reads it from here. Delete the file once you have the token.
      writeFileSync(join(config.DATA_DIR, "bootstrap-token"), `${bootstrapToken}\n`, { mode: 0o600 });
      console.log(`              (also saved in ${join(config.DATA_DIR, "bootstrap-token")} for \`npm run demo\`; delete it after)`);
    }
  } else if (!config.ADMIN_TOKEN) console.log("operator token: issued on an earlier start (set ADMIN_TOKEN to choose one)");
}

/**
 * Background work every instance runs (each step is safe to run on several at once): rectification
 * deadlines reopen findings and scheduled reviews open every minute; journal partitions are created
 * ahead and expired ones dropped every hour.
 */
function startMaintenance(options: {
  database: Database;
  deliveries: DeliveryStore;
  context: () => ServiceContext;
  now: () => Date;
  logger: Logger;
  retentionDays: number;
}) {
  const context = options.context;
  const run = (what: string, work: () => Promise<unknown>) =>
    work().catch((error) => options.logger.warn({ err: error }, `maintenance: ${what} failed; retrying on the next tick`));
  const minutely = setInterval(() => {
    void run("reviews", async () => {
      await reopenOverdue(context());
      await runDueSchedules(context(), options.now());
    });
  }, 60_000);
  const hourly = setInterval(() => {
    void run("journal partitions and retention", async () => {
      await ensurePartitions(options.database.db, options.now());
      await dropExpiredPartitions(options.database.db, options.now(), options.retentionDays);
      // Whatever whole partitions did not cover (rows in the default partition, counters, routes, held deliveries).
      const removed = await enforceRetention(options.database.db, options.deliveries, options.now(), options.retentionDays);
      // Consents: personal fields erased five months after expiry or withdrawal (the chain stays).
      const consentsPruned = await pruneConsents(options.database.db, options.now());
      options.logger.debug({ removed, consentsPruned }, "retention enforced");
    });
  }, 3600_000);
  minutely.unref?.();
  hourly.unref?.();
  return {
    stop() {
      clearInterval(minutely);
      clearInterval(hourly);
    },
  };
}

if (import.meta.main) {
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  if (isSupervisor(config)) {
    await runWorkers(config, import.meta.path);
    process.exit(0);
  }
  const gateway = await startGateway({ config, announce: true });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining (in-flight submissions answered, SPs unbound, journal flushed)…`);
    const deadline = setTimeout(() => process.exit(1), 20_000);
    await gateway.stop(10_000);
    clearTimeout(deadline);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

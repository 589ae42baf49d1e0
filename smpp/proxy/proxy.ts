import type { Logger } from "pino";
import type { DeliveryStore } from "../../src/deliveries/deliveries.service.ts";
import type { Journal } from "../../src/journal/journal.ts";
import { systemClock, type Clock } from "../../src/lib/clock.ts";
import type { PiiProtector } from "../../src/lib/pii.ts";
import type { Metrics } from "../../src/observability/metrics.ts";
import type { RegistrySnapshot } from "../../src/registry/snapshot.ts";
import { createSmppServer, type SmppServer } from "../session/server.ts";
import { canReceive } from "../session/state.ts";
import type { Pdu } from "../wire/pdu.ts";
import { createBindAuthenticator, type SessionContext } from "./bind-auth.ts";
import { BindRefusalJournal } from "./bind-refusals.ts";
import { DeliveryRelay, type DeliveryRelayOptions, type OptOutRecord } from "./deliveries.ts";
import type { DeliveryOwner } from "./delivery-queue.ts";
import { Gatekeeper, type GatekeeperOptions, type HoneypotHit } from "../../src/gateway/gatekeeper.ts";
import type { VelocityCounters } from "../../src/velocity/velocity-counters.ts";
import { SubmissionHandler, type Upstream } from "./submissions.ts";
import type { DeliverySink } from "../../src/gateway/outbound.ts";
import type { SessionIdentity } from "../../src/gateway/judge-input.ts";

export interface ProxyOptions {
  host?: string;
  port: number;
  tls?: { port: number; key: string | Uint8Array; cert: string | Uint8Array };
  registry: () => RegistrySnapshot;
  journal: Journal;
  pii: PiiProtector;
  upstream: Upstream;
  deliveries: DeliveryStore;
  recordOptOut: (record: OptOutRecord) => Promise<void>;
  /** Persists a subscriber preference sent by MO keyword (audited, and notified to every proxy). */
  recordPreference?: DeliveryRelayOptions["recordPreference"];
  /** Carrier-wide verification counters (shared between proxies by the composition root). */
  velocity?: VelocityCounters;
  /** Marketing judged for a honeypot number (see Gatekeeper). */
  honeypotHit?: (hit: HoneypotHit) => void;
  /** Records consent from a 是/Y/同意 reply to a pending consent request (resolves whether it did). */
  recordConsentReply?: (record: OptOutRecord & { evidenceRef: string }) => Promise<boolean>;
  /** Persists a consent request the gate accepted (fire and forget; see Gatekeeper). */
  consentRequestSent?: GatekeeperOptions["consentRequestSent"];
  metrics?: Metrics;
  logger?: Logger;
  /** Wall time in epoch ms (default Date.now): what is judged and recorded. */
  clock?: Clock;
  /** Proxy processes sharing the accounts' bind and rate limits (each enforces its share). */
  instances?: number;
  /** Share the listening port with other processes (SO_REUSEPORT; PROXY_WORKERS). */
  reusePort?: boolean;
  fullText?: boolean;
  lockout?: { maxFailures: number; maxAccountFailures?: number; windowMs: number; lockoutMs: number };
  concatenationTimeoutMs?: number;
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  bindTimeoutMs?: number;
  inactivityTimeoutMs?: number;
  /**
   * deliver_sm (receipts, MO) in flight per SP bind (default 100). With 10, a busy SP's receipts
   * backed up and were stored instead of delivered live (the bench: 255 msg/s with receipts on).
   */
  deliverWindow?: number;
  /** Close a connection whose PDU stays half-sent this long (default 10 s). */
  partialFrameTimeoutMs?: number;
  /** Receipts and MO for SPs on other protocols (CMPP), offered before the SMPP queue; may be filled after start. */
  sinks?: DeliverySink[];
  /** Deliveries stored for want of a receiver here: tell the other proxies (see Proxy.heldElsewhere). */
  onHeldWithoutReceiver?: (owner: DeliveryOwner) => void;
}

export interface Proxy {
  port: number;
  tlsPort: number | undefined;
  server: SmppServer<SessionContext>;
  gatekeeper: Gatekeeper;
  /** Plug into the upstream pool's onReceived: receipts and MO from the SMSC. */
  fromUpstream(pdu: Pdu<"deliver_sm"> | Pdu<"data_sm">, frame: Uint8Array): Promise<number>;
  /**
   * A message another adapter (CMPP) sent upstream: its receipts are routed like SMPP ones, to
   * `spMessageId` (the adapter's own id form) on the account's connections.
   */
  remember(messageId: string, identity: SessionIdentity, at: number, spMessageId?: string): void;
  /** Another proxy stored deliveries of this owner for want of a receiver: one bound here reads them now. */
  heldElsewhere(owner: DeliveryOwner): void;
  /** Stop accepting, answer what is in flight, unbind SPs; bounded by `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * The SMPP side SPs bind to. Wires the listener (framing, state machine), bind authentication,
 * the submit path (policy, concatenation, upstream) and the delivery relay together.
 */
export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const clock = options.clock ?? systemClock;
  const instances = Math.max(1, options.instances ?? 1);
  const gatekeeper = new Gatekeeper({
    registry: options.registry, journal: options.journal, pii: options.pii, metrics: options.metrics, fullText: options.fullText,
    velocity: options.velocity, honeypotHit: options.honeypotHit,
    consentRequestSent: options.consentRequestSent,
  });
  let server: SmppServer<SessionContext> | undefined;
  const relay = new DeliveryRelay({
    server: () => server,
    registry: options.registry,
    gatekeeper,
    store: options.deliveries,
    pii: options.pii,
    recordOptOut: options.recordOptOut,
    recordPreference: options.recordPreference,
    recordConsentReply: options.recordConsentReply,
    metrics: options.metrics,
    logger: options.logger,
    clock,
    sinks: options.sinks,
    onHeldWithoutReceiver: options.onHeldWithoutReceiver,
  });
  const remember = (messageId: string, identity: SessionIdentity, at: number, spMessageId?: string) => {
    const canonicalId = relay.remember(messageId, identity, at, spMessageId);
    options.journal.recordRoute({ smscMessageId: messageId, canonicalId, spMessageId: spMessageId ?? null, accountId: identity.accountId, spId: identity.spId, createdAt: at });
  };
  const submissions = createSubmitPath(options, gatekeeper, remember, instances, clock);
  const authenticate = createAuthenticate(options, () => server, instances, clock);
  const timed = timedBy(options.metrics?.submitSeconds);
  server = await createSmppServer<SessionContext>({
    host: options.host,
    port: options.port,
    reusePort: options.reusePort,
    tls: options.tls,
    systemId: "GATEKEEPER",
    windowSize: options.deliverWindow ?? 100,
    maxConnections: options.maxConnections,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress,
    bindTimeoutMs: options.bindTimeoutMs ?? 30_000,
    inactivityTimeoutMs: options.inactivityTimeoutMs ?? 120_000,
    ...(options.partialFrameTimeoutMs !== undefined && { partialFrameTimeoutMs: options.partialFrameTimeoutMs }),
    handlers: {
      authenticate,
      submitSm: (session, pdu, frame) => timed(performance.now(), submissions.submitSm(session.context!, pdu, frame)),
      dataSm: (session, pdu, frame) => timed(performance.now(), submissions.dataSm(session.context!, pdu, frame)),
      submitMulti: (session, pdu) => timed(performance.now(), submissions.submitMulti(session.context!, pdu)),
    },
  });
  watchSessions(server, relay, options);

  return {
    port: server.port,
    tlsPort: server.tlsPort,
    server,
    gatekeeper,
    fromUpstream: (pdu, frame) => relay.fromUpstream(pdu, frame),
    remember,
    heldElsewhere: (owner) => relay.heldElsewhere(owner),
    async stop(timeoutMs = 5000) {
      await server!.stop(timeoutMs);
      // Receipts and MO still in memory are stored (and the SMSC answered) before the upstream goes.
      await relay.stop();
      submissions.stop();
    },
  };
}

/** The submit path: policy, concatenation, upstream; accepted messages are remembered for receipts. */
function createSubmitPath(options: ProxyOptions, gatekeeper: Gatekeeper, remember: Proxy["remember"], instances: number, clock: Clock): SubmissionHandler {
  return new SubmissionHandler({
    gatekeeper,
    upstream: options.upstream,
    clock,
    metrics: options.metrics,
    concatenation: { timeoutMs: options.concatenationTimeoutMs },
    maxSubmitsPerSecond: (accountId) => Math.max(1, (options.registry().accountsById.get(accountId)?.maxSubmitsPerSecond ?? 1) / instances),
    registry: options.registry,
    // A gateway link carries each SP at most at the rate of that SP's own accounts (README "Trusted gateway binds").
    maxShareSubmitsPerSecond: (spId) => {
      const rate = options.registry().spAccountRate(spId);
      return rate === undefined ? undefined : Math.max(1, rate / instances);
    },
    onAccepted: remember,
  });
}

/** Bind authentication with lockouts; refused binds are journaled for reviewers, coalesced so a peer cannot flood the journal. */
function createAuthenticate(options: ProxyOptions, server: () => SmppServer<SessionContext> | undefined, instances: number, clock: Clock) {
  const bindsOf = (accountId: string) => {
    let count = 0;
    const current = server();
    if (current) for (const session of current.sessions()) if (session.context?.accountId === accountId && session.state !== "closed") count++;
    return count;
  };
  const bindRefusals = new BindRefusalJournal({ journal: options.journal, metrics: options.metrics });
  return createBindAuthenticator({
    registry: options.registry,
    bindsOf,
    instances,
    lockout: options.lockout,
    now: clock,
    onOutcome: (outcome) => options.metrics?.bindAttempts.inc({ outcome }),
    onRefusal: (refusal) => bindRefusals.record(refusal, clock()),
  });
}

/** Time from a submit's arrival to its answer (the SMSC's included for accepted messages); monotonic. */
function timedBy(histogram: { observe(seconds: number): void } | undefined) {
  return <T,>(started: number, answer: T | Promise<T>): T | Promise<T> => {
    if (!histogram) return answer;
    if (answer instanceof Promise) return answer.finally(() => histogram.observe((performance.now() - started) / 1000));
    histogram.observe((performance.now() - started) / 1000);
    return answer;
  };
}

/** Bind gauges, held deliveries flushed to a receiver that binds, and handler errors logged. */
function watchSessions(server: SmppServer<SessionContext>, relay: DeliveryRelay, options: ProxyOptions): void {
  const countBinds = () => {
    if (!options.metrics) return;
    const byMode: Record<string, number> = { transmitter: 0, receiver: 0, transceiver: 0 };
    for (const session of server.sessions()) if (session.mode && session.state.startsWith("bound")) byMode[session.mode] = (byMode[session.mode] ?? 0) + 1;
    for (const [mode, count] of Object.entries(byMode)) options.metrics.binds.set({ mode }, count);
  };
  server.on("bound", (session) => {
    countBinds();
    if (canReceive(session.state)) relay.flushHeld(session);
  });
  server.on("sessionClosed", (session) => {
    countBinds();
    relay.sessionClosed(session);
  });
  server.on("handlerError", (_session, error) => options.logger?.error({ err: error }, "SMPP handler error"));
}

/**
 * The CMPP side SPs connect to: the listener (cmpp/session), CONNECT authentication against CMPP
 * bind accounts (auth.ts), the submit path (submit.ts: the same Gatekeeper, and so the same policy,
 * counters and journal, as SMPP) and the delivery sink for status reports and MO (deliveries.ts).
 * Upstream stays SMPP: parts leave through `send`, and accepted messages' routes are remembered by
 * the SMPP proxy's relay (`remember`), which receives every receipt and MO from the SMSC.
 */
import type { Logger } from "pino";
import type { DeliveryStore } from "../../src/deliveries/deliveries.service.ts";
import type { Gatekeeper } from "../../src/gateway/gatekeeper.ts";
import type { SessionIdentity } from "../../src/gateway/judge-input.ts";
import type { SendUpstream } from "../../src/gateway/outbound.ts";
import type { Journal } from "../../src/journal/journal.ts";
import type { SecretBox } from "../../src/lib/secrets.ts";
import type { Metrics } from "../../src/observability/metrics.ts";
import type { RegistrySnapshot } from "../../src/registry/snapshot.ts";
import { createCmppServer, type CmppServer } from "../session/server.ts";
import { MsgIdGenerator } from "../wire/msg-id.ts";
import { createCmppAuthenticator, type CmppSessionContext } from "./auth.ts";
import { CmppDeliveries } from "./deliveries.ts";
import { CmppSubmitHandler } from "./submit.ts";

export interface CmppGatewayOptions {
  host?: string;
  port: number;
  /** This instance's ISMG code in every Msg_Id (0..4,194,303); never shared between instances. */
  gatewayCode: number;
  registry: () => RegistrySnapshot;
  secrets: Pick<SecretBox, "open">;
  gatekeeper: Gatekeeper;
  journal: Journal;
  send: SendUpstream;
  remember: (smscMessageId: string, identity: SessionIdentity, at: number, spMessageId: string) => void;
  store: DeliveryStore;
  clock: () => number;
  instances?: number;
  lockout?: { maxFailures: number; maxAccountFailures?: number; windowMs: number; lockoutMs: number };
  maxTimestampSkewMs?: number;
  /** Our DELIVERs and the SP's SUBMITs in flight per connection (default 16, the specification's). */
  windowSize?: number;
  /** C: ACTIVE_TEST after this much silence (default 180 s); T: its timeout (default 60 s); N: misses before the link is dropped (3). */
  activeTestIntervalMs?: number;
  activeTestTimeoutMs?: number;
  activeTestMaxMissed?: number;
  /** How long a DELIVER waits for its DELIVER_RESP before it is stored instead (default 5 s). */
  deliverTimeoutMs?: number;
  concatenationTimeoutMs?: number;
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  metrics?: Metrics;
  logger?: Logger;
}

export interface CmppGateway {
  port: number;
  server: CmppServer<CmppSessionContext>;
  deliveries: CmppDeliveries;
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * The CMPP delivery sink alone, for a proxy worker that does not listen for CMPP (PROXY_WORKERS > 1:
 * worker 0 listens): status reports and MO for CMPP SPs that reach this worker's upstream binds are
 * stored, and worker 0 delivers them (deliveries.ts).
 */
export function cmppStoreOnlySink(options: Pick<CmppGatewayOptions, "registry" | "store" | "clock" | "metrics" | "logger">): CmppDeliveries {
  const noIds = () => Promise.reject(new Error("a store-only CMPP sink sends nothing"));
  return new CmppDeliveries({ server: () => undefined, registry: options.registry, store: options.store, nextMsgId: noIds, clock: options.clock, metrics: options.metrics, logger: options.logger, pollMs: 3_600_000 });
}

export async function startCmppGateway(options: CmppGatewayOptions): Promise<CmppGateway> {
  const instances = Math.max(1, options.instances ?? 1);
  const ids = new MsgIdGenerator(options.gatewayCode, options.clock);
  const nextMsgId = () => {
    const id = ids.tryNext();
    return id === undefined ? ids.next() : Promise.resolve(id);
  };
  let server: CmppServer<CmppSessionContext> | undefined;
  const deliveries = new CmppDeliveries({ server: () => server, registry: options.registry, store: options.store, nextMsgId, clock: options.clock, metrics: options.metrics, logger: options.logger });
  const submits = new CmppSubmitHandler({
    gatekeeper: options.gatekeeper,
    send: options.send,
    registry: options.registry,
    nextMsgId,
    clock: options.clock,
    maxSubmitsPerSecond: (accountId) => Math.max(1, (options.registry().accountsById.get(accountId)?.maxSubmitsPerSecond ?? 1) / instances),
    onAccepted: options.remember,
    onRefusedDestination: (refused) => deliveries.refusedDestination(refused),
    metrics: options.metrics,
    concatenationTimeoutMs: options.concatenationTimeoutMs,
  });
  const auth = createCmppAuthenticator({
    registry: options.registry,
    secrets: options.secrets,
    connectionsOf: (accountId) => {
      let count = 0;
      if (server) for (const session of server.sessions()) if (session.context?.accountId === accountId && session.state !== "closed") count++;
      return count;
    },
    instances,
    lockout: options.lockout,
    journal: options.journal,
    now: options.clock,
    onOutcome: (outcome) => options.metrics?.bindAttempts.inc({ outcome: `cmpp_${outcome}` }),
  });
  server = await createCmppServer<CmppSessionContext>({
    host: options.host,
    port: options.port,
    now: options.clock,
    maxTimestampSkewMs: options.maxTimestampSkewMs ?? 5 * 60_000,
    windowSize: options.windowSize ?? 16,
    inboundWindowSize: options.windowSize ?? 16,
    requestTimeoutMs: options.deliverTimeoutMs ?? 5000,
    activeTestIntervalMs: options.activeTestIntervalMs,
    activeTestTimeoutMs: options.activeTestTimeoutMs,
    activeTestMaxMissed: options.activeTestMaxMissed,
    maxConnections: options.maxConnections,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress,
    handlers: {
      authenticate: (request) => auth.authenticate(request),
      authenticated: (request, context, ok) => auth.authenticated(request, context, ok),
      submit: (session, pdu) => submits.submit(session.context!, pdu.body),
    },
  });
  server.on("connected", (session) => deliveries.connected(session));
  server.on("handlerError", (_session, error) => options.logger?.error({ err: error }, "CMPP handler error"));
  return {
    port: server.port,
    server,
    deliveries,
    async stop(timeoutMs = 5000) {
      await server!.stop(timeoutMs);
      submits.stop();
      deliveries.stop();
    },
  };
}

/**
 * The SMPP listener that ESMEs bind to: plain TCP (and optionally TLS on another port), caps on
 * connections in total and per remote address, bind authentication through an async hook, and
 * per-PDU async handlers. Graceful stop: stop accepting, let in-flight requests answer, unbind,
 * and destroy whatever is left when the deadline passes.
 */
import tls from "node:tls";
import { listenNode, listenStreams, type ByteStream, type SocketApi, type StreamListener } from "../../src/lib/byte-stream.ts";
import { monotonicClock, type MonotonicClock } from "../../src/lib/clock.ts";
import { ConnectionAdmission, type ConnectionRefusal } from "../../src/lib/connection-admission.ts";
import { CommandStatus } from "../wire/commands.ts";
import { encodeDeliverSm, type ShortMessageFields } from "../wire/encode.ts";
import type { BindBody, BindMode, Pdu } from "../wire/pdu.ts";
import { SmppConnection, type InboundAnswer, type InboundHandler, type ProtocolProblem } from "./connection.ts";
import { TypedEmitter } from "./events.ts";
import { canReceive } from "./state.ts";

export type SmppSession<Context = unknown> = SmppConnection<Context>;

export interface AuthenticateRequest {
  systemId: string;
  password: string;
  systemType: string;
  mode: BindMode;
  remoteAddress: string;
  bind: BindBody;
}
export type AuthenticateResult<Context> = { ok: true; context: Context } | { ok: false; status: number };

type PduHandler<Context, C extends "submit_sm" | "data_sm" | "submit_multi"> = (
  session: SmppSession<Context>,
  pdu: Pdu<C>,
  /** The PDU as received, for forwarding upstream unchanged (a view: copy it to keep it). */
  frame: Uint8Array,
) => InboundAnswer | Promise<InboundAnswer>;

export interface SmppServerHandlers<Context> {
  authenticate(request: AuthenticateRequest): AuthenticateResult<Context> | Promise<AuthenticateResult<Context>>;
  submitSm?: PduHandler<Context, "submit_sm">;
  dataSm?: PduHandler<Context, "data_sm">;
  submitMulti?: PduHandler<Context, "submit_multi">;
}

export interface SmppServerOptions<Context> {
  host?: string;
  /** 0 picks a free port; read it back from `server.port`. */
  port: number;
  /** SO_REUSEPORT: several processes listen on the same port and the kernel spreads connections over them (PROXY_WORKERS). */
  reusePort?: boolean;
  /** Bun's own sockets or node:net for the plain port (default: the process-wide SOCKET_API); TLS is always node:tls. */
  sockets?: SocketApi;
  /** On stop, how long a peer gets to answer our unbind before its socket is closed anyway (default 1 s). */
  unbindGraceMs?: number;
  tls?: { port: number; key: string | Uint8Array; cert: string | Uint8Array; host?: string };
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  bindTimeoutMs?: number;
  maxPduLength?: number;
  /** system_id we answer in bind_resp. */
  systemId?: string;
  /** deliver_sm window per session. */
  windowSize?: number;
  requestTimeoutMs?: number;
  enquireLinkIntervalMs?: number;
  inactivityTimeoutMs?: number;
  partialFrameTimeoutMs?: number;
  maxInboundPending?: number;
  /** Stop reading from a peer while this many written bytes wait in its socket (default 1 MiB). */
  maxWriteBacklogBytes?: number;
  /** Close a peer whose writes stay backed up this long (default 30 s). */
  writeStallTimeoutMs?: number;
  /** The monotonic clock the sessions' timers measure with (default performance.now; tests pass a fake). */
  now?: MonotonicClock;
  handlers: SmppServerHandlers<Context>;
}

export type SmppServerEvents<Context> = {
  session: (session: SmppSession<Context>) => void;
  bound: (session: SmppSession<Context>) => void;
  sessionClosed: (session: SmppSession<Context>, reason: string) => void;
  connectionRefused: (remoteAddress: string, reason: ConnectionRefusal) => void;
  protocolError: (session: SmppSession<Context>, problem: ProtocolProblem) => void;
  handlerError: (session: SmppSession<Context>, error: unknown) => void;
  listenerError: (error: Error) => void;
};

export class SmppServer<Context = unknown> extends TypedEmitter<SmppServerEvents<Context>> {
  port = 0;
  tlsPort: number | undefined;
  private readonly listeners: StreamListener[] = [];
  private readonly admission: ConnectionAdmission<SmppSession<Context>>;
  private stopping = false;

  constructor(private readonly options: SmppServerOptions<Context>) {
    super();
    this.admission = new ConnectionAdmission(options);
  }

  /** Listens on the plain port (and the TLS port when configured). */
  async start(): Promise<this> {
    const { host, port, reusePort, sockets } = this.options;
    const plain = await listenStreams({ host, port, reusePort, sockets }, (socket) => this.accept(socket));
    this.port = plain.port;
    this.listeners.push(plain);
    const t = this.options.tls;
    if (t) {
      const secure = tls.createServer({ key: toPem(t.key), cert: toPem(t.cert) }, (socket) => this.accept(socket));
      // Handshake failures arrive here; without a listener they would be unhandled.
      secure.on("tlsClientError", () => {});
      const listener = await listenNode(secure, { port: t.port, host: t.host ?? host, reusePort });
      this.tlsPort = listener.port;
      this.listeners.push(listener);
    }
    for (const listener of this.listeners) listener.onError((error: Error) => this.emit("listenerError", error));
    return this;
  }

  get connectionCount(): number {
    return this.admission.live.size;
  }

  sessions(): IterableIterator<SmppSession<Context>> {
    return this.admission.live.values();
  }

  /** Bound receiver/transceiver sessions of `systemId`, for receipts and MO. */
  receiversFor(systemId: string): SmppSession<Context>[] {
    const found: SmppSession<Context>[] = [];
    for (const session of this.admission.live) if (session.systemId === systemId && canReceive(session.state)) found.push(session);
    return found;
  }

  /**
   * Pushes a deliver_sm (a frame you own, or fields) to a bound rx/trx session and resolves with
   * the ESME's deliver_sm_resp command_status. Rejects (SmppRequestError) on timeout, full window,
   * wrong bind state or close: then the ESME did not take it.
   */
  async deliver(session: SmppSession<Context>, message: Uint8Array | ShortMessageFields): Promise<number> {
    const frame = message instanceof Uint8Array ? message : encodeDeliverSm(0, message);
    const response = await session.request(frame);
    return response.commandStatus;
  }

  /** Stop accepting; let in-flight requests answer; unbind; destroy what remains after `timeoutMs`. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    const closed = Promise.all(this.listeners.map((listener) => listener.close()));
    const deadline = monotonicClock() + timeoutMs;
    const sessions = [...this.admission.live];
    await Promise.race([
      Promise.all(sessions.map((session) => this.drainAndUnbind(session, deadline))),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref?.()),
    ]);
    for (const session of this.admission.live) session.destroy("server stopped");
    await closed;
  }

  private async drainAndUnbind(session: SmppSession<Context>, deadline: number): Promise<void> {
    while (session.unanswered > 0 && monotonicClock() < deadline && session.state !== "closed") await sleep(10);
    // A peer that never answers unbind (node-smpp does not, unless told to) would otherwise hold
    // the shutdown for a whole request timeout (10 s): give it a short grace, then close.
    const grace = Math.max(0, Math.min(deadline - monotonicClock(), this.options.unbindGraceMs ?? 1000));
    await Promise.race([session.unbind(), sleep(grace)]);
    if (session.state !== "closed") session.close("unbind not answered");
  }

  private accept(socket: ByteStream): void {
    socket.on("error", () => {}); // until the connection attaches its own handler
    const address = this.admission.admitSocket(socket, this.stopping, (from, reason) => this.emit("connectionRefused", from, reason));
    if (address === undefined) return;
    const o = this.options;
    const session = new SmppConnection<Context>(socket, {
      role: "server",
      bindTimeoutMs: o.bindTimeoutMs ?? 30_000,
      ...(o.maxPduLength !== undefined && { maxPduLength: o.maxPduLength }),
      ...(o.windowSize !== undefined && { windowSize: o.windowSize }),
      ...(o.requestTimeoutMs !== undefined && { requestTimeoutMs: o.requestTimeoutMs }),
      ...(o.enquireLinkIntervalMs !== undefined && { enquireLinkIntervalMs: o.enquireLinkIntervalMs }),
      ...(o.inactivityTimeoutMs !== undefined && { inactivityTimeoutMs: o.inactivityTimeoutMs }),
      ...(o.partialFrameTimeoutMs !== undefined && { partialFrameTimeoutMs: o.partialFrameTimeoutMs }),
      ...(o.maxInboundPending !== undefined && { maxInboundPending: o.maxInboundPending }),
      ...(o.maxWriteBacklogBytes !== undefined && { maxWriteBacklogBytes: o.maxWriteBacklogBytes }),
      ...(o.writeStallTimeoutMs !== undefined && { writeStallTimeoutMs: o.writeStallTimeoutMs }),
      ...(o.now !== undefined && { now: o.now }),
    });
    this.admission.track(session, address, (reason) => this.emit("sessionClosed", session, reason));
    session.handler = this.dispatch;
    session.on("bound", () => this.emit("bound", session));
    session.on("protocolError", (problem) => this.emit("protocolError", session, problem));
    session.on("handlerError", (error) => this.emit("handlerError", session, error));
    this.emit("session", session);
  }

  private readonly dispatch: InboundHandler = (pdu, frame, connection) => {
    const session = connection as SmppSession<Context>;
    const h = this.options.handlers;
    switch (pdu.command) {
      case "bind_transmitter":
      case "bind_receiver":
      case "bind_transceiver":
        return this.authenticate(session, pdu.command, pdu.body);
      case "submit_sm":
        return h.submitSm ? h.submitSm(session, pdu, frame) : NOT_SUPPORTED;
      case "data_sm":
        return h.dataSm ? h.dataSm(session, pdu, frame) : NOT_SUPPORTED;
      case "submit_multi":
        return h.submitMulti ? h.submitMulti(session, pdu, frame) : NOT_SUPPORTED;
      // A gatekeeper cannot vouch for messages it did not see through; refuse these plainly.
      case "query_sm":
        return { status: CommandStatus.ESME_RQUERYFAIL };
      case "cancel_sm":
        return { status: CommandStatus.ESME_RCANCELFAIL };
      case "replace_sm":
        return { status: CommandStatus.ESME_RREPLACEFAIL };
      default:
        return NOT_SUPPORTED;
    }
  };

  private async authenticate(session: SmppSession<Context>, command: string, bind: BindBody): Promise<InboundAnswer> {
    const mode = command.slice("bind_".length) as BindMode;
    const result = await this.options.handlers.authenticate({
      systemId: bind.systemId, password: bind.password, systemType: bind.systemType, mode, remoteAddress: session.remoteAddress, bind,
    });
    if (!result.ok) return { status: result.status };
    session.context = result.context;
    return { status: 0, systemId: this.options.systemId ?? "SMSC" };
  }
}

const NOT_SUPPORTED: InboundAnswer = { status: CommandStatus.ESME_RINVCMDID };

export async function createSmppServer<Context = unknown>(options: SmppServerOptions<Context>): Promise<SmppServer<Context>> {
  return new SmppServer<Context>(options).start();
}

const toPem = (value: string | Uint8Array) => (typeof value === "string" ? value : Buffer.from(value));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

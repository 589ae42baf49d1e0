/**
 * The CMPP listener SPs connect to: TCP on a port, caps on connections, CONNECT authentication
 * (the application names the SP's shared secret; this layer checks AuthenticatorSource and the
 * timestamp and signs AuthenticatorISMG), SUBMIT handed to the application, and DELIVER pushed
 * to a session within its window.
 */
import { listenStreams, type ByteStream, type SocketApi, type StreamListener } from "../../src/lib/byte-stream.ts";
import { ConnectionAdmission, type ConnectionRefusal } from "../../src/lib/connection-admission.ts";
import { ConnectStatus, SubmitResult, type CmppVersion } from "../wire/constants.ts";
import { authenticatorIsmg, authenticatorSource, authenticatorsEqual, checkTimestamp } from "../wire/auth.ts";
import { decodeFrame } from "../wire/decode.ts";
import { encodeDeliver, type DeliverFields } from "../wire/encode.ts";
import type { MsgIdResult, Pdu } from "../wire/pdu.ts";
import { CmppConnection, CmppRequestError, type CmppConnectionOptions, type ConnectAnswer, type ProtocolProblem, type SubmitAnswer } from "./connection.ts";
import { Emitter } from "./events.ts";

export type CmppSession<Context = unknown> = CmppConnection<Context>;

export interface AuthenticateRequest {
  sourceAddr: string;
  /** The Version byte the SP sent. */
  version: number;
  remoteAddress: string;
}
/** `secret` is the SP's shared secret; the layer does the MD5 check with it. */
export type AuthenticateResult<Context> = { ok: true; secret: string; context: Context } | { ok: false; status: number };

export interface CmppServerHandlers<Context> {
  authenticate(request: AuthenticateRequest): AuthenticateResult<Context> | Promise<AuthenticateResult<Context>>;
  submit?(session: CmppSession<Context>, pdu: Pdu<"submit">, frame: Uint8Array): SubmitAnswer | Promise<SubmitAnswer>;
  /**
   * After the layer's own checks of a CONNECT the application accepted (AuthenticatorSource and
   * Timestamp): `ok` false means a wrong authenticator or a stale timestamp (lockouts count it);
   * returning a non-zero Status refuses an accepted CONNECT after all (e.g. a bind cap reached meanwhile).
   */
  authenticated?(request: AuthenticateRequest, context: Context, ok: boolean): number | void;
}

export interface CmppServerOptions<Context> extends Omit<CmppConnectionOptions, "now"> {
  host?: string;
  /** 0 picks a free port; read it back from `server.port`. */
  port: number;
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  /** Bun's own sockets or node:net (default: the process-wide SOCKET_API). */
  sockets?: SocketApi;
  /** CONNECT Timestamp accepted this far from our clock, either way (default 10 minutes). */
  maxTimestampSkewMs?: number;
  now?: () => number;
  handlers: CmppServerHandlers<Context>;
}

export type CmppServerEvents<Context> = {
  session: (session: CmppSession<Context>) => void;
  connected: (session: CmppSession<Context>) => void;
  sessionClosed: (session: CmppSession<Context>, reason: string) => void;
  connectionRefused: (remoteAddress: string, reason: ConnectionRefusal) => void;
  protocolError: (session: CmppSession<Context>, problem: ProtocolProblem) => void;
  handlerError: (session: CmppSession<Context>, error: unknown) => void;
  listenerError: (error: Error) => void;
};

export class CmppServer<Context = unknown> extends Emitter<CmppServerEvents<Context>> {
  port = 0;
  private listener: StreamListener | undefined;
  private readonly admission: ConnectionAdmission<CmppSession<Context>>;
  private stopping = false;
  private readonly now: () => number;

  constructor(private readonly options: CmppServerOptions<Context>) {
    super();
    this.admission = new ConnectionAdmission(options);
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<this> {
    const { host, port, sockets } = this.options;
    const listener = await listenStreams({ host, port, sockets }, (socket) => this.accept(socket));
    this.port = listener.port;
    listener.onError((error: Error) => this.emit("listenerError", error));
    this.listener = listener;
    return this;
  }

  get connectionCount(): number {
    return this.admission.live.size;
  }

  sessions(): IterableIterator<CmppSession<Context>> {
    return this.admission.live.values();
  }

  /** Connected sessions of one SP (its Source_Addr), for MO and status reports. */
  sessionsFor(sourceAddr: string): CmppSession<Context>[] {
    const found: CmppSession<Context>[] = [];
    for (const session of this.admission.live) if (session.sourceAddr === sourceAddr && session.state === "connected") found.push(session);
    return found;
  }

  /**
   * Sends a DELIVER (fields, or a frame you own) and resolves with the SP's DELIVER_RESP.
   * Rejects (CmppRequestError) on a full window, timeout, a session not connected, a close, or
   * an undecodable response: then the SP did not take it.
   */
  async deliver(session: CmppSession<Context>, message: DeliverFields | Uint8Array): Promise<MsgIdResult> {
    const frame = message instanceof Uint8Array ? message : encodeDeliver(0, session.version, message);
    const response = await session.request(frame);
    const decoded = decodeFrame(response, session.version);
    if (!decoded.ok || decoded.pdu.command !== "deliver_resp") {
      throw new CmppRequestError("bad_response", decoded.ok ? "not a DELIVER_RESP" : decoded.error.message);
    }
    return decoded.pdu.body;
  }

  /** Stop accepting; let unanswered SUBMITs answer; TERMINATE every session; destroy what is left at the deadline. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    const closed = this.listener?.close() ?? Promise.resolve();
    const deadline = Date.now() + timeoutMs;
    await Promise.race([
      Promise.all([...this.admission.live].map(async (session) => {
        while (session.unanswered > 0 && Date.now() < deadline && session.state !== "closed") await sleep(10);
        await session.terminate();
      })),
      sleep(timeoutMs),
    ]);
    for (const session of this.admission.live) session.destroy("server stopped");
    await closed;
  }

  private accept(socket: ByteStream): void {
    socket.on("error", () => {}); // until the connection attaches its own handler
    const address = this.admission.admitSocket(socket, this.stopping, (from, reason) => this.emit("connectionRefused", from, reason));
    if (address === undefined) return;
    const o = this.options;
    const { host: _h, port: _p, maxConnections: _m, maxConnectionsPerAddress: _a, maxTimestampSkewMs: _s, handlers: _x, sockets: _k, ...connectionOptions } = o;
    const session: CmppSession<Context> = new CmppConnection<Context>(socket, {
      connect: (pdu) => this.authenticate(session, pdu),
      submit: (pdu, frame) => (o.handlers.submit ? o.handlers.submit(session, pdu, frame) : { result: SubmitResult.BAD_COMMAND }),
    }, { ...connectionOptions, now: this.now });
    this.admission.track(session, address, (reason) => this.emit("sessionClosed", session, reason));
    session.on("connected", () => this.emit("connected", session));
    session.on("protocolError", (problem) => this.emit("protocolError", session, problem));
    session.on("handlerError", (error) => this.emit("handlerError", session, error));
    this.emit("session", session);
  }

  private async authenticate(session: CmppSession<Context>, pdu: Pdu<"connect">): Promise<ConnectAnswer> {
    const body = pdu.body;
    const request = { sourceAddr: body.sourceAddr, version: body.version, remoteAddress: session.remoteAddress };
    const result = await this.options.handlers.authenticate(request);
    if (!result.ok) return { status: result.status };
    const expected = authenticatorSource(body.sourceAddr, result.secret, body.timestamp);
    const fresh = checkTimestamp(body.timestamp, this.now(), this.options.maxTimestampSkewMs ?? 600_000);
    // Both checks always run, and one status covers both: the SP learns only "refused".
    const matches = authenticatorsEqual(expected, body.authenticatorSource);
    const refused = this.options.handlers.authenticated?.(request, result.context, matches && fresh.ok);
    if (!matches || !fresh.ok) return { status: ConnectStatus.AUTH_FAILED };
    if (refused) return { status: refused };
    session.context = result.context;
    const version: CmppVersion = body.version >> 4 === 3 ? 3 : 2;
    return { status: 0, authenticatorIsmg: authenticatorIsmg(0, body.authenticatorSource, result.secret, version) };
  }
}

export async function createCmppServer<Context = unknown>(options: CmppServerOptions<Context>): Promise<CmppServer<Context>> {
  return new CmppServer<Context>(options).start();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref?.());

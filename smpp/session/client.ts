/**
 * The ESME side: connect (plain or TLS), bind, submit (a raw frame or fields) within a window,
 * answer deliver_sm through a handler. Reconnecting is the pool's job, not this one's.
 */
import net from "node:net";
import tls from "node:tls";
import { CommandStatus } from "../wire/commands.ts";
import { encodeDataSm, encodeSubmitSm, type BindFields, type DataSmFields, type ShortMessageFields } from "../wire/encode.ts";
import type { BindMode, Pdu } from "../wire/pdu.ts";
import { connectStream, whenConnected, type ByteStream, type SocketApi } from "../../src/lib/byte-stream.ts";
import { SmppConnection, type InboundAnswer } from "./connection.ts";
import { parseSmppUrl } from "./url.ts";

export interface SubmitResult {
  status: number;
  messageId: string;
}

type ReceiveHandler<C extends "deliver_sm" | "data_sm"> = (pdu: Pdu<C>, frame: Uint8Array) => InboundAnswer | Promise<InboundAnswer>;

export interface SmppClientOptions {
  /** smpp://id:pw@host:port or smpps://…; or give host/port/systemId/password separately. */
  url?: string;
  host?: string;
  port?: number;
  /** true, or node:tls options (ca, rejectUnauthorized, servername). */
  tls?: boolean | tls.ConnectionOptions;
  /** Bun's own sockets or node:net for a plain connection (default: the process-wide SOCKET_API); TLS is always node:tls. */
  sockets?: SocketApi;
  systemId?: string;
  password?: string;
  systemType?: string;
  addressRange?: string;
  mode?: BindMode;
  windowSize?: number;
  requestTimeoutMs?: number;
  /** Keep-alive: enquire_link after this much silence (default 30 s, Kannel's default). */
  enquireLinkIntervalMs?: number;
  inactivityTimeoutMs?: number;
  connectTimeoutMs?: number;
  maxPduLength?: number;
  /** Receipts and MO. The answer's status goes back in deliver_sm_resp (non-zero: the SMSC redelivers). */
  onDeliverSm?: ReceiveHandler<"deliver_sm">;
  onDataSm?: ReceiveHandler<"data_sm">;
}

export class SmppClient {
  constructor(readonly connection: SmppConnection) {}

  get state() {
    return this.connection.state;
  }
  get inFlight(): number {
    return this.connection.inFlight;
  }
  get hasWindowRoom(): boolean {
    return this.connection.hasWindowRoom;
  }

  /** Submits a complete submit_sm / data_sm / submit_multi PDU you own (its sequence number is overwritten). */
  async submitFrame(frame: Uint8Array): Promise<SubmitResult> {
    const response = await this.connection.request(frame);
    const messageId = "messageId" in response.body ? (response.body.messageId as string) : "";
    return { status: response.commandStatus, messageId };
  }

  submitSm(fields: ShortMessageFields): Promise<SubmitResult> {
    return this.submitFrame(encodeSubmitSm(0, fields));
  }

  dataSm(fields: DataSmFields): Promise<SubmitResult> {
    return this.submitFrame(encodeDataSm(0, fields));
  }

  unbind(): Promise<void> {
    return this.connection.unbind();
  }

  close(): void {
    this.connection.close("closed by application");
  }
}

/** Connects and binds; rejects with SmppBindError when refused, or a socket error. */
export async function connectSmpp(options: SmppClientOptions): Promise<SmppClient> {
  const fromUrl = options.url ? parseSmppUrl(options.url) : undefined;
  const host = options.host ?? fromUrl?.host ?? "127.0.0.1";
  const port = options.port ?? fromUrl?.port ?? 2775;
  const useTls = options.tls ?? fromUrl?.tls ?? false;
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const socket = useTls ? await openTls(host, port, useTls, timeoutMs) : await connectStream({ host, port, timeoutMs, sockets: options.sockets });
  const connection = new SmppConnection(socket, {
    role: "client",
    enquireLinkIntervalMs: options.enquireLinkIntervalMs ?? 30_000,
    ...(options.windowSize !== undefined && { windowSize: options.windowSize }),
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.inactivityTimeoutMs !== undefined && { inactivityTimeoutMs: options.inactivityTimeoutMs }),
    ...(options.maxPduLength !== undefined && { maxPduLength: options.maxPduLength }),
  });
  connection.handler = (pdu, frame) => {
    if (pdu.command === "deliver_sm" && options.onDeliverSm) return options.onDeliverSm(pdu, frame);
    if (pdu.command === "data_sm" && options.onDataSm) return options.onDataSm(pdu, frame);
    // Nobody to hand it to: a temporary error makes the SMSC keep it and try again.
    return { status: CommandStatus.ESME_RX_T_APPN };
  };
  const fields: BindFields = {
    systemId: options.systemId ?? fromUrl?.systemId ?? "",
    password: options.password ?? fromUrl?.password ?? "",
    ...((options.systemType ?? fromUrl?.systemType) !== undefined && { systemType: options.systemType ?? fromUrl?.systemType }),
    ...(options.addressRange !== undefined && { addressRange: options.addressRange }),
  };
  try {
    await connection.bind(options.mode ?? fromUrl?.mode ?? "transceiver", fields);
  } catch (error) {
    connection.close("bind failed");
    throw error;
  }
  return new SmppClient(connection);
}

function openTls(host: string, port: number, options: true | tls.ConnectionOptions, timeoutMs: number): Promise<ByteStream> {
  const socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...(typeof options === "object" ? options : {}) });
  return whenConnected(socket, "secureConnect", host, port, timeoutMs);
}

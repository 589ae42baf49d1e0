/**
 * One SMPP connection, either side: the dispatcher of inbound PDUs and responses, holding the
 * framer, the session state machine, pending requests (pending.ts), the output writer with
 * back-pressure (src/lib/frame-writer.ts), the timers (keep-alive.ts) and response encoding (responses.ts).
 *
 * Guarantees: a bad byte never stalls or crashes the session (framing errors answer generic_nack
 * and close; body errors answer the command's error response and go on); socket errors are always
 * handled; every outgoing request settles (response, timeout or close).
 */
import { CommandId, CommandStatus, isResponse, responseIdFor } from "../wire/commands.ts";
import { decodePdu } from "../wire/decode.ts";
import {
  encodeBind, encodeEnquireLink, encodeEnquireLinkResp, encodeErrorResponse, encodeGenericNack, encodeUnbind, encodeUnbindResp,
  setSequence, type BindFields,
} from "../wire/encode.ts";
import { DEFAULT_MAX_PDU_LENGTH, PduFramer, readUint32 } from "../wire/framer.ts";
import type { BindMode, Pdu } from "../wire/pdu.ts";
import { monotonicClock, type MonotonicClock } from "../../src/lib/clock.ts";
import type { ConnectionEvents, ConnectionOptions } from "./connection-types.ts";
import { TypedEmitter } from "./events.ts";
import { KeepAlive } from "./keep-alive.ts";
import { PendingRequests, SmppBindError, SmppRequestError } from "./pending.ts";
import { encodeAnswer, type InboundAnswer } from "./responses.ts";
import { FrameWriter } from "../../src/lib/frame-writer.ts";
import type { ByteStream } from "../../src/lib/byte-stream.ts";
import {
  bindModeOf, boundStateFor, inboundRefusal, isBound, outboundAllowed, type ConnectionRole, type SessionState,
} from "./state.ts";

export { SmppBindError, SmppRequestError, type InboundAnswer };
export type { ConnectionEvents, ConnectionOptions, ProtocolProblem } from "./connection-types.ts";

/** The application's handler for inbound requests (bind, submit, deliver...). Sync answers are cheaper. */
export type InboundHandler = (pdu: Pdu, frame: Uint8Array, connection: SmppConnection) => InboundAnswer | Promise<InboundAnswer>;


export class SmppConnection<Context = unknown> extends TypedEmitter<ConnectionEvents> {
  readonly role: ConnectionRole;
  readonly remoteAddress: string;
  state: SessionState = "open";
  mode: BindMode | undefined;
  systemId = "";
  /** Set by the server after authentication. */
  context: Context | undefined;
  closeReason = "";
  handler: InboundHandler | undefined;

  private readonly socket: ByteStream;
  private readonly framer: PduFramer;
  private readonly pending: PendingRequests;
  private readonly writer: FrameWriter;
  private readonly keepAlive: KeepAlive;
  private readonly options: Required<ConnectionOptions>;
  private readonly now: MonotonicClock;
  private readonly timer: ReturnType<typeof setInterval>;
  private inboundPending = 0;
  private readPaused = false;
  /** Reading is paused while either holds: too many requests await the application, or our writes are backed up. */
  private pausedForInbound = false;
  private failedBinds = 0;

  constructor(socket: ByteStream, options: ConnectionOptions) {
    super();
    this.socket = socket;
    this.role = options.role;
    this.options = {
      maxPduLength: DEFAULT_MAX_PDU_LENGTH, windowSize: 10, requestTimeoutMs: 10_000, enquireLinkIntervalMs: 0,
      inactivityTimeoutMs: 0, bindTimeoutMs: 0, partialFrameTimeoutMs: 10_000, maxInboundPending: 100, maxFailedBinds: 3,
      maxWriteBacklogBytes: 1024 * 1024, writeStallTimeoutMs: 30_000, now: monotonicClock,
      ...options,
    };
    this.now = this.options.now;
    this.remoteAddress = socket.remoteAddress ?? "";
    this.framer = new PduFramer(this.options.maxPduLength);
    this.pending = new PendingRequests(this.options.windowSize, this.options.requestTimeoutMs);
    this.writer = new FrameWriter(socket, this.options.maxWriteBacklogBytes, this.now, () => this.updateReading(), () => this.state !== "closed");
    this.keepAlive = new KeepAlive(this.options, this.now());
    socket.setNoDelay?.(true);
    socket.on("data", (chunk: Uint8Array) => this.onData(chunk));
    socket.on("error", (error: Error) => this.emit("socketError", error));
    socket.on("close", () => this.onClosed());
    socket.on("end", () => this.close("peer closed the connection"));
    socket.on("drain", () => this.writer.checkBacklog());
    this.timer = setInterval(() => this.tick(), this.keepAlive.intervalMs);
    this.timer.unref?.();
  }

  get inFlight(): number {
    return this.pending.size;
  }
  get windowSize(): number {
    return this.pending.windowSize;
  }
  get hasWindowRoom(): boolean {
    return this.pending.hasRoom && isBound(this.state);
  }
  /** Inbound requests handed to the application and not answered yet. */
  get unanswered(): number {
    return this.inboundPending;
  }
  /** Bytes we wrote that the peer has not taken yet (queued plus in the socket). */
  get writeBacklogBytes(): number {
    return this.writer.backlogBytes;
  }

  // ---- outgoing ----

  /**
   * Sends a request PDU and resolves with its response (any command_status; generic_nack too).
   * The frame's sequence_number is overwritten in place: pass a buffer you own.
   */
  request(frame: Uint8Array): Promise<Pdu> {
    const commandId = readUint32(frame, 4);
    if (!outboundAllowed(this.role, this.state, commandId)) {
      return Promise.reject(new SmppRequestError(this.state === "closed" ? "closed" : "not_bound", `cannot send 0x${commandId.toString(16)} in state ${this.state}`));
    }
    if (!this.pending.hasRoom) return Promise.reject(new SmppRequestError("window_full", `window of ${this.pending.windowSize} is full`));
    return this.send(frame, commandId);
  }

  /** Client side: bind and resolve with the bind_resp; rejects (SmppBindError) when refused. */
  async bind(mode: BindMode, fields: BindFields): Promise<Pdu> {
    if (this.role !== "client" || this.state !== "open") throw new SmppRequestError("not_bound", `cannot bind in state ${this.state}`);
    this.state = "binding";
    this.systemId = fields.systemId;
    const frame = encodeBind(mode, 0, fields);
    const response = await this.send(frame, readUint32(frame, 4)).catch((error: unknown) => {
      if (this.state === "binding") this.state = "open";
      throw error;
    });
    if (response.commandStatus !== 0) throw new SmppBindError(response.commandStatus);
    return response;
  }

  enquireLink(): Promise<Pdu> {
    this.keepAlive.enquireSent(this.now());
    return this.send(encodeEnquireLink(0), CommandId.enquire_link);
  }

  /** Clean close: unbind, wait for unbind_resp (or the request timeout), then end the socket. */
  async unbind(): Promise<void> {
    if (!isBound(this.state)) {
      this.close("closed before bind");
      return;
    }
    this.state = "unbinding";
    try {
      await this.send(encodeUnbind(0), CommandId.unbind);
    } catch {
      // Timed out or already closed: end regardless.
    }
    this.close("unbound");
  }

  /** Ends the socket (flushing written PDUs) and forgets pending requests. Idempotent. */
  close(reason: string): void {
    if (this.state === "closed") return;
    this.closeReason ||= reason;
    this.state = "closed";
    this.writer.flush();
    this.socket.end();
    // A peer that never closes its side must not hold the socket: destroy shortly after.
    setTimeout(() => this.socket.destroy(), 1000).unref?.();
    this.onClosed();
  }

  /** Drops the socket at once (tests, fault injection, shutdown deadline). */
  destroy(reason: string): void {
    this.closeReason ||= reason;
    this.writer.flush();
    this.socket.destroy();
    this.onClosed();
  }

  private send(frame: Uint8Array, commandId: number): Promise<Pdu> {
    if (this.state === "closed") return Promise.reject(new SmppRequestError("closed", "connection is closed"));
    const sequence = this.pending.nextSequence();
    setSequence(frame, sequence);
    const promise = this.pending.add(sequence, commandId, this.now());
    this.write(frame);
    return promise;
  }

  private write(frame: Uint8Array): void {
    this.writer.write(frame);
  }

  // ---- incoming ----

  private onData(chunk: Uint8Array): void {
    this.keepAlive.received(this.now());
    this.framer.push(chunk);
    this.drain();
  }

  private drain(): void {
    while (!this.readPaused && this.state !== "closed") {
      const frame = this.framer.next();
      if (frame === undefined) break;
      this.onFrame(frame);
    }
    const error = this.framer.error;
    if (error !== undefined && this.state !== "closed") {
      // The stream is desynchronised: say why and close.
      this.emit("protocolError", { status: CommandStatus.ESME_RINVCMDLEN, message: error.message, commandId: error.commandId, sequenceNumber: error.sequenceNumber });
      this.write(encodeGenericNack(error.sequenceNumber, CommandStatus.ESME_RINVCMDLEN));
      this.close(`framing error: ${error.message}`);
      return;
    }
    this.keepAlive.partial(!this.readPaused && this.framer.hasPartialFrame);
  }

  private onFrame(frame: Uint8Array): void {
    const commandId = readUint32(frame, 4);
    const sequence = readUint32(frame, 12);
    if (isResponse(commandId)) return this.onResponse(frame, commandId, sequence);

    if (commandId === CommandId.enquire_link) return this.write(encodeEnquireLinkResp(sequence));
    if (commandId === CommandId.unbind) {
      if (!isBound(this.state) && this.state !== "unbinding") return this.write(encodeUnbindResp(sequence, CommandStatus.ESME_RINVBNDSTS));
      this.write(encodeUnbindResp(sequence));
      return this.close("peer unbound");
    }
    const refusal = inboundRefusal(this.role, this.state, commandId);
    if (refusal !== 0) return this.refuse(commandId, sequence, refusal, `refused in state ${this.state}`);

    const decoded = decodePdu(frame);
    if (!decoded.ok) return this.refuse(commandId, sequence, decoded.status, decoded.message);
    const pdu = decoded.pdu;
    if (pdu.command === "alert_notification" || pdu.command === "outbind") return this.emit("notification", pdu);

    const bindMode = bindModeOf(commandId);
    if (bindMode !== undefined) this.state = "binding";
    const handler = this.handler;
    if (handler === undefined) return this.answer(pdu, { status: CommandStatus.ESME_RSYSERR });
    this.inboundPending++;
    if (this.inboundPending >= this.options.maxInboundPending) this.pauseReading();
    let result: InboundAnswer | Promise<InboundAnswer>;
    try {
      result = handler(pdu, frame, this);
    } catch (error) {
      result = this.handlerFailed(error);
    }
    if (result instanceof Promise) {
      result.then((answer) => this.answered(pdu, answer), (error: unknown) => this.answered(pdu, this.handlerFailed(error)));
    } else {
      this.answered(pdu, result);
    }
  }

  private handlerFailed(error: unknown): InboundAnswer {
    this.emit("handlerError", error);
    // A bug or an outage on our side is temporary from the peer's point of view: let it retry.
    return { status: CommandStatus.ESME_RSYSERR };
  }

  private answered(pdu: Pdu, answer: InboundAnswer): void {
    this.inboundPending--;
    this.answer(pdu, answer);
    if (this.pausedForInbound && this.inboundPending <= this.options.maxInboundPending >> 1) this.resumeReading();
  }

  private answer(pdu: Pdu, answer: InboundAnswer): void {
    if (pdu.command !== "bind_transmitter" && pdu.command !== "bind_receiver" && pdu.command !== "bind_transceiver") {
      return this.write(encodeAnswer(pdu, answer));
    }
    if (this.state !== "binding") return; // closed while authenticating
    const bindMode = bindModeOf(pdu.commandId)!;
    const status = answer.status >>> 0;
    if (status === 0) {
      this.mode = bindMode;
      this.systemId = pdu.body.systemId;
      this.state = boundStateFor[bindMode];
    } else {
      this.state = "open";
      this.failedBinds++;
    }
    this.write(encodeAnswer(pdu, answer));
    if (status === 0) this.emit("bound", bindMode, this.systemId);
    else if (this.failedBinds >= this.options.maxFailedBinds) this.close("too many refused binds");
  }

  private refuse(commandId: number, sequence: number, status: number, message: string): void {
    this.emit("protocolError", { status, message, commandId, sequenceNumber: sequence });
    this.write(encodeErrorResponse(commandId, sequence, status));
  }

  private onResponse(frame: Uint8Array, commandId: number, sequence: number): void {
    const entry = this.pending.take(sequence);
    if (entry === undefined) {
      this.emit("protocolError", { status: CommandStatus.ESME_RINVCMDID, message: `response 0x${commandId.toString(16)} to unknown sequence ${sequence}`, commandId, sequenceNumber: sequence });
      return this.nackUnsolicited(commandId, sequence);
    }
    const decoded = decodePdu(frame);
    const matches = commandId === CommandId.generic_nack || commandId === responseIdFor(entry.commandId);
    if (!decoded.ok || !matches) {
      const status = decoded.ok ? CommandStatus.ESME_RINVCMDID : decoded.status;
      const message = decoded.ok ? `response 0x${commandId.toString(16)} does not answer 0x${entry.commandId.toString(16)}` : decoded.message;
      if (bindModeOf(entry.commandId) !== undefined && this.state === "binding") this.state = "open";
      this.emit("protocolError", { status, message, commandId, sequenceNumber: sequence });
      if (!matches) this.nackUnsolicited(commandId, sequence);
      return entry.reject(new SmppRequestError("bad_response", message, status));
    }
    const pdu = decoded.pdu;
    // State changes happen here, synchronously, so PDUs that follow in the same chunk (a
    // deliver_sm right after bind_resp) already see the new state.
    const bindMode = bindModeOf(entry.commandId);
    if (bindMode !== undefined && this.state === "binding") {
      if (pdu.commandStatus === 0) {
        this.mode = bindMode;
        this.state = boundStateFor[bindMode];
        this.emit("bound", bindMode, this.systemId);
      } else {
        this.state = "open";
      }
    }
    entry.resolve(pdu);
  }

  /**
   * A response-type command id that answers nothing we sent (an unknown id with the response bit,
   * a submit_sm_resp to an SMSC-side session, a response to a sequence we never used or no longer
   * wait for) gets generic_nack ESME_RINVCMDID in a bound session, as SMPP 3.4 §2.7 asks of any
   * PDU the receiver cannot take, so the peer learns it was not understood. Never a generic_nack
   * for a generic_nack: two peers would otherwise nack each other forever.
   */
  private nackUnsolicited(commandId: number, sequence: number): void {
    if (commandId === CommandId.generic_nack || !isBound(this.state)) return;
    this.write(encodeGenericNack(sequence, CommandStatus.ESME_RINVCMDID));
  }

  // ---- flow control, timers, teardown ----

  private pauseReading(): void {
    this.pausedForInbound = true;
    this.updateReading();
  }

  private resumeReading(): void {
    this.pausedForInbound = false;
    this.updateReading();
  }

  private updateReading(): void {
    const pause = this.pausedForInbound || this.writer.backedUpSince !== undefined;
    if (pause === this.readPaused) return;
    this.readPaused = pause;
    if (pause) {
      this.socket.pause();
      return;
    }
    this.socket.resume();
    this.drain();
  }

  private tick(): void {
    if (this.state === "closed") return;
    const now = this.now();
    this.pending.sweep(now);
    const action = this.keepAlive.due({
      now,
      awaitingBind: this.role === "server" && (this.state === "open" || this.state === "binding"),
      bound: isBound(this.state),
      writeBackedUpSince: this.writer.backedUpSince,
    });
    if (action === undefined) return;
    if (action.kind === "close") return this.close(action.reason);
    if (action.kind === "destroy") return this.destroy(action.reason);
    this.enquireLink().catch((error: unknown) => {
      if (error instanceof SmppRequestError && error.reason === "timeout") this.close("enquire_link unanswered");
    });
  }

  private onClosed(): void {
    if (this.state !== "closed") {
      this.state = "closed";
      this.closeReason ||= "socket closed";
    }
    if (this.timerCleared) return;
    this.timerCleared = true;
    clearInterval(this.timer);
    this.pending.rejectAll("closed", `connection closed: ${this.closeReason}`);
    this.emit("close", this.closeReason);
  }
  private timerCleared = false;
}

/**
 * One CMPP connection, ISMG side: framer + state machine + pending requests + timers.
 *
 * Guarantees: a bad frame never stalls or crashes anything but its own connection (a framing
 * error or an unknown Command_Id closes it; a malformed body gets the command's response with
 * the matching Status/Result and the session goes on); socket errors are always handled; every
 * request we send settles (response, timeout or close); every inbound request is answered or its
 * connection closed.
 */
import type { ByteStream } from "../../src/lib/byte-stream.ts";
import {
  CommandId, ConnectStatus, SubmitResult, commandNames, isResponseId, majorOf, responseIdFor,
  type CmppVersion,
} from "../wire/constants.ts";
import { decodeFrame } from "../wire/decode.ts";
import {
  encodeActiveTest, encodeActiveTestResp, encodeConnectResp, encodeSubmitResp, encodeTerminate, encodeTerminateResp, setSequenceId,
} from "../wire/encode.ts";
import { CmppFramer, readUint32 } from "../wire/framer.ts";
import type { CmppDecodeError, Pdu } from "../wire/pdu.ts";
import { Emitter } from "./events.ts";
import { CmppRequestError, PendingRequests } from "./pending.ts";
import { canDeliver, inboundAction, nextState, type SessionEvent, type SessionState } from "./state.ts";
import { KeepAlive } from "./keepalive.ts";
import { callHandler, type CmppHandlers, type ConnectAnswer, type ConnectionEvents, type ProtocolProblem } from "./types.ts";
import { refusalFrame } from "./refusals.ts";
import { resolveOptions, tickInterval, type CmppConnectionOptions, type ResolvedOptions } from "./options.ts";
import { FrameWriter } from "../../src/lib/frame-writer.ts";
import { monotonicClock } from "../../src/lib/clock.ts";

export { CmppRequestError };
export type { ConnectAnswer, ProtocolProblem };
export type CmppConnectionHandlers = CmppHandlers<CmppConnection>;
export type { SubmitAnswer, ConnectionEvents } from "./types.ts";
export type { CmppConnectionOptions };

const zeroAuth = () => new Uint8Array(16);

export class CmppConnection<Context = unknown> extends Emitter<ConnectionEvents> {
  state: SessionState = "open";
  /** Negotiated at CONNECT; 2 until then. */
  version: CmppVersion = 2;
  versionByte = 0;
  sourceAddr = "";
  context: Context | undefined;
  closeReason = "";
  readonly remoteAddress: string;

  private readonly o: ResolvedOptions;
  private readonly framer: CmppFramer;
  /**
   * One socket write per event-loop turn, with back-pressure: while more than maxOutputBufferBytes
   * of our output waits (queued for this turn's write or in the socket), no more frames are
   * processed and the socket is not read; both resume once it drains.
   */
  private readonly writer: FrameWriter;
  private readonly pending: PendingRequests;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly openedAt: number;
  private readonly keepAlive: KeepAlive;
  private partialSince = 0;
  /** Sequence_Ids of SUBMITs with the application. */
  private readonly inbound = new Set<number>();
  private connecting = false;
  private failedConnects = 0;
  private finished = false;
  private draining: { reason: string; since: number; last?: Uint8Array } | undefined;

  constructor(private readonly socket: ByteStream, private readonly handlers: CmppHandlers<CmppConnection>, options: CmppConnectionOptions = {}) {
    super();
    this.o = resolveOptions(options);
    this.openedAt = this.o.now();
    this.keepAlive = new KeepAlive({ intervalMs: this.o.activeTestIntervalMs, timeoutMs: this.o.activeTestTimeoutMs, maxMissed: this.o.activeTestMaxMissed }, this.openedAt);
    this.remoteAddress = socket.remoteAddress ?? "";
    this.framer = new CmppFramer(this.o.maxFrameLength);
    this.writer = new FrameWriter(socket, this.o.maxOutputBufferBytes, monotonicClock, () => this.backPressureChanged(), () => this.state !== "closed");
    this.pending = new PendingRequests(this.o.windowSize, this.o.requestTimeoutMs);
    socket.setNoDelay?.(true);
    socket.on("data", (chunk: Uint8Array) => this.onData(chunk));
    socket.on("drain", () => this.writer.checkBacklog());
    socket.on("error", (error: Error) => this.emit("socketError", error));
    socket.on("end", () => this.close("peer closed the connection"));
    socket.on("close", () => this.finish("socket closed"));
    this.timer = setInterval(() => this.tick(), tickInterval(this.o));
    this.timer.unref?.();
  }

  get inFlight(): number {
    return this.pending.size;
  }
  /** Inbound SUBMITs handed to the application and not answered yet. */
  get unanswered(): number {
    return this.inbound.size;
  }

  // ---- outgoing ----

  /** Sends a DELIVER frame we own (its Sequence_Id is overwritten) and resolves with the response frame. */
  request(frame: Uint8Array): Promise<Uint8Array> {
    const commandId = readUint32(frame, 4);
    if (commandId !== CommandId.DELIVER) return Promise.reject(new CmppRequestError("not_connected", "the ISMG side sends only DELIVER this way"));
    if (!canDeliver(this.state) || this.draining !== undefined) {
      return Promise.reject(new CmppRequestError(this.state === "closed" ? "closed" : "not_connected", `cannot DELIVER in state ${this.state}`));
    }
    if (!this.pending.hasRoom) return Promise.reject(new CmppRequestError("window_full", `window of ${this.pending.windowSize} is full`));
    return this.send(frame, commandId);
  }

  /** TERMINATE: no new requests, wait for TERMINATE_RESP (or the request timeout), then close. */
  async terminate(): Promise<void> {
    if (this.state === "closed" || this.state === "terminating") return;
    const next = nextState(this.state, "terminate_sent");
    if (next === undefined) return this.close("closed before CONNECT");
    this.state = next;
    try {
      await this.send(encodeTerminate(0), CommandId.TERMINATE);
    } catch {
      // Timed out or closed: close regardless.
    }
    this.close("terminated");
  }

  /** Ends the socket after what was written. Idempotent. */
  close(reason: string): void {
    if (this.state === "closed") return;
    this.writer.flush(); // what was answered goes out before the end
    this.closeReason ||= reason;
    this.state = "closed";
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref?.();
    this.finish(reason);
  }

  destroy(reason: string): void {
    this.closeReason ||= reason;
    this.state = "closed";
    this.socket.destroy();
    this.finish(reason);
  }

  private send(frame: Uint8Array, commandId: number): Promise<Uint8Array> {
    if (this.state === "closed") return Promise.reject(new CmppRequestError("closed", "connection is closed"));
    const sequenceId = this.pending.nextSequence();
    setSequenceId(frame, sequenceId);
    const promise = this.pending.add(sequenceId, responseIdFor(commandId), this.o.now());
    this.write(frame);
    return promise;
  }

  private write(frame: Uint8Array): void {
    this.writer.write(frame);
  }

  private transition(event: SessionEvent): void {
    const next = nextState(this.state, event);
    if (next !== undefined) this.state = next;
  }

  /**
   * Stops reading, lets the SUBMITs already handed to the application answer (for at most
   * closeDrainMs), writes `last` (TERMINATE_RESP), then closes: an SP never loses the Msg_Id of
   * a message the gateway took because of a later bad frame.
   */
  private closeAfterAnswers(reason: string, last?: Uint8Array): void {
    if (this.draining !== undefined || this.state === "closed") return;
    this.draining = { reason, since: this.o.now(), ...(last !== undefined && { last }) };
    this.socket.pause();
    if (this.inbound.size === 0) this.drained();
  }

  private drained(): void {
    const draining = this.draining;
    if (draining === undefined) return;
    if (draining.last !== undefined) this.write(draining.last);
    this.close(draining.reason);
  }

  // ---- incoming ----

  private onData(chunk: Uint8Array): void {
    this.framer.push(chunk);
    this.processFrames();
  }

  private processFrames(): void {
    const now = this.o.now();
    for (let frame = this.nextFrame(); frame !== undefined; frame = this.nextFrame()) {
      this.keepAlive.heard(now); // any whole frame proves the link alive
      this.onFrame(frame);
    }
    const error = this.framer.error;
    if (error !== undefined) {
      this.problem({ commandId: 0, sequenceId: 0, field: "Total_Length", message: error.message });
      return this.closeAfterAnswers(`framing error: ${error.message}`);
    }
    // Whole frames held back for a full output are not a half-sent frame.
    this.partialSince = this.framer.buffered > 0 && !this.outputFull ? this.partialSince || now : 0;
  }

  private nextFrame(): Uint8Array | undefined {
    if (this.state === "closed" || this.draining !== undefined || this.outputFull) return undefined;
    return this.framer.next();
  }

  private get outputFull(): boolean {
    return this.writer.backedUpSince !== undefined;
  }

  /** A peer that sends without reading its answers must not grow our output without bound. */
  private backPressureChanged(): void {
    if (this.outputFull) return void this.socket.pause();
    if (this.state === "closed" || this.draining !== undefined) return;
    this.socket.resume();
    this.processFrames();
  }

  /** Bytes written and not yet handed to the kernel: queued for this turn's write, and in the socket. */
  get outputBuffered(): number {
    return this.writer.backlogBytes;
  }

  private onFrame(frame: Uint8Array): void {
    const commandId = readUint32(frame, 4);
    const sequenceId = readUint32(frame, 8);
    if (isResponseId(commandId)) return this.onResponse(frame, commandId, sequenceId);
    const command = commandNames.get(commandId);
    if (command === undefined) {
      this.problem({ commandId, sequenceId, field: "Command_Id", message: `unsupported Command_Id 0x${commandId.toString(16)}` });
      return this.closeAfterAnswers(`unsupported Command_Id 0x${commandId.toString(16)}`);
    }
    const action = inboundAction(this.state, command);
    if (action.action === "close") {
      this.problem({ commandId, sequenceId, field: "Command_Id", message: action.why });
      return this.close(action.why);
    }
    if (action.action === "refuse") {
      this.problem({ commandId, sequenceId, field: "Command_Id", message: action.why });
      return this.refuse(frame, sequenceId, action.result);
    }
    switch (commandId) {
      case CommandId.ACTIVE_TEST:
        return this.write(encodeActiveTestResp(sequenceId));
      case CommandId.TERMINATE:
        return this.closeAfterAnswers("peer terminated", encodeTerminateResp(sequenceId));
      case CommandId.CONNECT:
        return this.onConnect(frame, sequenceId);
      case CommandId.SUBMIT:
        return this.onSubmit(frame, sequenceId);
    }
  }

  /** Answers a request with an error Status/Result and no other content. */
  private refuse(frame: Uint8Array, sequenceId: number, result: number): void {
    const response = refusalFrame(frame, sequenceId, this.version, result);
    if (response !== undefined) this.write(response);
  }

  private decodeFailed(error: CmppDecodeError, frame: Uint8Array): void {
    this.problem({ commandId: error.commandId, sequenceId: error.sequenceId, field: error.field, message: error.message });
    this.refuse(frame, error.sequenceId, error.result);
  }

  private onConnect(frame: Uint8Array, sequenceId: number): void {
    if (this.connecting) return this.refuse(frame, sequenceId, ConnectStatus.OTHER);
    const decoded = decodeFrame(frame, 2); // CONNECT has one layout in both versions
    if (!decoded.ok) {
      this.problem({ commandId: CommandId.CONNECT, sequenceId, field: decoded.error.field, message: decoded.error.message });
      return this.connectFailed(frame, sequenceId, ConnectStatus.BAD_STRUCTURE);
    }
    if (decoded.pdu.command !== "connect") return;
    const pdu = decoded.pdu;
    const major = majorOf(pdu.body.version);
    if (major > 3) return this.connectFailed(frame, sequenceId, ConnectStatus.VERSION_TOO_HIGH);
    if (major < 2) return this.connectFailed(frame, sequenceId, ConnectStatus.OTHER);
    this.connecting = true;
    callHandler(() => this.handlers.connect(pdu, this as CmppConnection), (answer) => this.connectAnswered(pdu, answer), { status: ConnectStatus.OTHER }, this.reportHandlerError);
  }

  private connectFailed(frame: Uint8Array, sequenceId: number, status: number): void {
    this.refuse(frame, sequenceId, status);
    if (++this.failedConnects >= this.o.maxFailedConnects) this.close("too many refused CONNECTs");
  }

  private connectAnswered(pdu: Pdu<"connect">, answer: ConnectAnswer): void {
    this.connecting = false;
    if (this.state !== "open") return; // closed while authenticating
    const version: CmppVersion = majorOf(pdu.body.version) === 3 ? 3 : 2;
    const ok = answer.status === 0;
    this.write(encodeConnectResp(pdu.sequenceId, version, {
      status: answer.status, authenticatorIsmg: ok ? (answer.authenticatorIsmg ?? zeroAuth()) : zeroAuth(), version: pdu.body.version,
    }));
    if (!ok) {
      if (++this.failedConnects >= this.o.maxFailedConnects) this.close("too many refused CONNECTs");
      return;
    }
    this.transition("connect_accepted");
    this.version = version;
    this.versionByte = pdu.body.version;
    this.sourceAddr = pdu.body.sourceAddr;
    this.emit("connected", this.sourceAddr, version);
  }

  private onSubmit(frame: Uint8Array, sequenceId: number): void {
    const decoded = decodeFrame(frame, this.version);
    if (!decoded.ok) return this.decodeFailed(decoded.error, frame);
    if (decoded.pdu.command !== "submit") return;
    // Two answers with one Sequence_Id could not be told apart: the second gets Result 3.
    const refusal = this.inbound.has(sequenceId) ? SubmitResult.DUPLICATE_SEQUENCE
      : this.inbound.size >= this.o.inboundWindowSize ? SubmitResult.FLOW_CONTROL : 0;
    if (refusal !== 0) {
      this.problem({ commandId: CommandId.SUBMIT, sequenceId, field: "Sequence_Id", message: refusal === SubmitResult.FLOW_CONTROL ? `more than ${this.o.inboundWindowSize} SUBMITs unanswered` : `Sequence_Id ${sequenceId} is already awaiting its answer` });
      return this.write(encodeSubmitResp(sequenceId, this.version, 0n, refusal));
    }
    const pdu = decoded.pdu;
    this.inbound.add(sequenceId);
    callHandler(() => this.handlers.submit(pdu, frame, this as CmppConnection), (answer) => {
      this.inbound.delete(sequenceId);
      this.write(encodeSubmitResp(sequenceId, this.version, answer.msgId ?? 0n, answer.result));
      if (this.draining !== undefined && this.inbound.size === 0) this.drained();
    }, { result: SubmitResult.OTHER_2_0 }, this.reportHandlerError);
  }

  private onResponse(frame: Uint8Array, commandId: number, sequenceId: number): void {
    if (commandId === CommandId.ACTIVE_TEST_RESP) return; // any frame already counted as an answer
    const entry = this.pending.take(sequenceId, commandId);
    if (entry === undefined) {
      return this.problem({ commandId, sequenceId, field: "Sequence_Id", message: `unexpected response 0x${commandId.toString(16)} to Sequence_Id ${sequenceId}` });
    }
    entry.resolve(frame);
  }

  private readonly reportHandlerError = (error: unknown): void => this.emit("handlerError", error);

  private problem(problem: ProtocolProblem): void {
    this.emit("protocolError", problem);
  }

  // ---- timers ----

  private tick(): void {
    const now = this.o.now();
    const o = this.o;
    this.pending.sweep(now);
    if (this.draining !== undefined && now - this.draining.since >= o.closeDrainMs) return this.drained();
    if (this.state === "open" && o.connectTimeoutMs > 0 && now - this.openedAt >= o.connectTimeoutMs) return this.close("no CONNECT in time");
    if (this.partialSince !== 0 && now - this.partialSince >= o.partialFrameTimeoutMs) return this.close("partial frame timeout");
    if (this.state !== "connected") return;
    const decision = this.keepAlive.decide(now);
    if (decision.action === "drop") return this.close(decision.reason);
    if (decision.action === "probe") this.write(encodeActiveTest(this.pending.nextSequence()));
  }

  private finish(reason: string): void {
    if (this.state !== "closed") this.transition("closed");
    this.state = "closed";
    this.closeReason ||= reason;
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    this.pending.rejectAll("closed", `connection closed: ${this.closeReason}`);
    this.emit("close", this.closeReason);
  }
}

/**
 * Drives the fuzz: several raw TCP connections (half bound, half never bound) each send generated
 * PDUs, a window at a time, and account for every one of them.
 *
 * Accounting: the client runs an independent model of the server's framing over the bytes it
 * sent (4-byte length prefix, frames of 16..16384 octets, anything else desynchronises the stream
 * for good). Every framed request must get exactly one answer with its sequence_number (its own
 * response id or generic_nack); a response frame that answers nothing of the server's may get a
 * generic_nack ESME_RINVCMDID (it does in a bound session; the client cannot always know whether
 * the server counts the session as bound, so that answer is allowed, not required). A connection
 * the server closes must have a reason the client can see: a framing error it sent (answered with
 * generic_nack ESME_RINVCMDLEN), an unbind it sent (unbind_resp), or the third refused bind. The
 * answers still outstanding at such a close are counted as "closed"; anything else is a loss.
 */
import net from "node:net";
import { sleep } from "../../helpers/wait.ts";
import { Cmd, concat, FuzzGenerator, pdu, Prng, type FuzzCredentials } from "./fuzz-generator.ts";

const MAX_PDU = 16_384;

export interface FuzzOptions {
  port: number;
  host?: string;
  pdus: number;
  connections: number;
  seed: number;
  credentials: FuzzCredentials;
  /** Requests awaiting an answer per connection before the sender waits. */
  window?: number;
  /** PDUs per connection before it is closed and replaced (spreads bound and unbound states). */
  pdusPerConnection?: number;
  /** How long an answer may take (concatenated parts wait for the rest: set above that timeout). */
  answerTimeoutMs?: number;
}

export interface FuzzStats {
  pdusGenerated: number;
  bytesSent: number;
  framesSeen: number;
  requestsExpectingAnswer: number;
  /** Response frames the client sent (its deliver_sm_resp, and unsolicited ones): none requires an answer. */
  responseFramesSent: number;
  /** generic_nack ESME_RINVCMDID answers to response frames that answered nothing of the server's. */
  responsesNacked: number;
  answered: number;
  answeredByStatus: Record<string, number>;
  answeredGenericNack: number;
  wrongResponseId: number;
  unexpectedAnswers: number;
  /** The first few unexpected answers, for diagnosis. */
  unexpectedSamples: { commandId: string; status: number; sequence: number; framingErrorSent: boolean; failedBinds: number; expectedSequences: number[] }[];
  closedBeforeAnswer: number;
  lostAnswers: number;
  connectionsOpened: number;
  connectionsBoundAtStart: number;
  serverCloses: Record<string, number>;
  unexplainedCloses: number;
  framingErrorsSent: number;
  framingErrorsNacked: number;
  deliverSmAnswered: number;
  kinds: Record<string, number>;
  durationMs: number;
}

export function emptyStats(): FuzzStats {
  return {
    pdusGenerated: 0, bytesSent: 0, framesSeen: 0, requestsExpectingAnswer: 0, responseFramesSent: 0, responsesNacked: 0, answered: 0,
    answeredByStatus: {}, answeredGenericNack: 0, wrongResponseId: 0, unexpectedAnswers: 0, unexpectedSamples: [], closedBeforeAnswer: 0, lostAnswers: 0,
    connectionsOpened: 0, connectionsBoundAtStart: 0, serverCloses: {}, unexplainedCloses: 0, framingErrorsSent: 0,
    framingErrorsNacked: 0, deliverSmAnswered: 0, kinds: {}, durationMs: 0,
  };
}

const bump = (record: Record<string, number>, key: string, by = 1) => void (record[key] = (record[key] ?? 0) + by);
const u32 = (bytes: Uint8Array, offset: number) => ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;

/** The model of the server's framer over our outgoing stream. */
class ModelFramer {
  private buffer: Uint8Array = new Uint8Array(0);
  desynchronised = false;

  push(bytes: Uint8Array): { frames: Uint8Array[]; framingError: boolean } {
    const frames: Uint8Array[] = [];
    if (this.desynchronised) return { frames, framingError: false };
    this.buffer = this.buffer.length ? concat(this.buffer, bytes) : bytes;
    let offset = 0;
    while (this.buffer.length - offset >= 4) {
      const length = u32(this.buffer, offset);
      if (length < 16 || length > MAX_PDU) {
        this.desynchronised = true;
        this.buffer = new Uint8Array(0);
        return { frames, framingError: true };
      }
      if (this.buffer.length - offset < length) break;
      frames.push(this.buffer.subarray(offset, offset + length));
      offset += length;
    }
    this.buffer = this.buffer.subarray(offset);
    return { frames, framingError: false };
  }

  get partialBytes(): number {
    return this.buffer.length;
  }

  /** Bytes needed to complete the partial frame (0 if none, or if its length is not known yet). */
  get missingBytes(): number {
    if (this.buffer.length < 4) return this.buffer.length === 0 ? 0 : 4 - this.buffer.length;
    return u32(this.buffer, 0) - this.buffer.length;
  }
}

interface Expected {
  commandId: number;
}

class FuzzConnection {
  private readonly socket: net.Socket;
  private readonly model = new ModelFramer();
  private readonly expected = new Map<number, Expected[]>();
  /** Sequences of response frames we sent (other than generic_nack), which the server may nack. */
  private readonly maybeNacked = new Map<number, number>();
  private pendingCount = 0;
  private incoming: Uint8Array = new Uint8Array(0);
  private closedByServer = false;
  private closedByUs = false;
  private failedBinds = 0;
  private unbindAcked = false;
  private framingErrorSent = false;
  private framingNacked = false;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  constructor(
    private readonly stats: FuzzStats,
    socket: net.Socket,
  ) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("error", () => {});
    socket.on("data", (chunk: Uint8Array) => this.onData(chunk));
    this.closed = new Promise((resolve) => {
      const closed = () => {
        if (!this.closedByUs && !this.closedByServer) this.onServerClose();
        this.wake();
        resolve();
      };
      // The server ending its side is its close: answer in kind rather than wait for its
      // destroy-after-1-s fallback.
      socket.once("end", () => {
        socket.end();
        closed();
      });
      socket.once("close", closed);
    });
  }

  get isOpen(): boolean {
    return !this.closedByServer && !this.closedByUs;
  }
  get pending(): number {
    return this.pendingCount;
  }
  get stopped(): boolean {
    return this.model.desynchronised || !this.isOpen;
  }

  send(bytes: Uint8Array): void {
    if (!this.isOpen) return;
    this.stats.bytesSent += bytes.length;
    const { frames, framingError } = this.model.push(bytes);
    for (const frame of frames) {
      this.stats.framesSeen++;
      const commandId = u32(frame, 4);
      if ((commandId & 0x80000000) !== 0) {
        this.stats.responseFramesSent++;
        if (commandId !== Cmd.generic_nack) {
          const sequence = u32(frame, 12);
          this.maybeNacked.set(sequence, (this.maybeNacked.get(sequence) ?? 0) + 1);
        }
        continue;
      }
      this.stats.requestsExpectingAnswer++;
      const sequence = u32(frame, 12);
      const list = this.expected.get(sequence);
      if (list) list.push({ commandId });
      else this.expected.set(sequence, [{ commandId }]);
      this.pendingCount++;
    }
    if (framingError) {
      this.framingErrorSent = true;
      this.stats.framingErrorsSent++;
    }
    this.socket.write(bytes);
  }

  /** Resolves when fewer than `window` answers are outstanding, the connection closed, or `timeoutMs` passed. */
  async waitBelow(window: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.isOpen && this.pendingCount >= window) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  /** Ends the connection from our side after the outstanding answers (or the timeout). */
  async finish(timeoutMs: number): Promise<void> {
    if (this.isOpen && !this.model.desynchronised) {
      // Complete a frame left half-sent by a length mutation, so its answer is due too.
      const missing = this.model.missingBytes;
      if (missing > 0) this.send(new Uint8Array(missing));
    }
    if (this.model.desynchronised && this.isOpen) {
      // The server must answer generic_nack and close: wait for it.
      await Promise.race([this.closed, sleep(timeoutMs)]);
    }
    await this.waitBelow(1, timeoutMs);
    if (this.isOpen) {
      this.stats.lostAnswers += this.pendingCount;
      if (this.model.desynchronised) this.stats.unexplainedCloses++; // it never closed after the framing error
      this.closedByUs = true;
      this.socket.destroy();
    }
    await this.closed;
  }

  async bindValid(bind: Uint8Array, timeoutMs: number): Promise<boolean> {
    this.bindResult = undefined;
    this.send(bind);
    await this.waitBelow(1, timeoutMs);
    return this.bindResult === 0;
  }
  private bindResult: number | undefined;

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private onData(chunk: Uint8Array): void {
    this.incoming = this.incoming.length ? concat(this.incoming, chunk) : chunk;
    let offset = 0;
    while (this.incoming.length - offset >= 16) {
      const length = u32(this.incoming, offset);
      if (this.incoming.length - offset < length) break;
      this.onFrame(this.incoming.subarray(offset, offset + length));
      offset += length;
    }
    this.incoming = this.incoming.subarray(offset);
    this.wake();
  }

  private onFrame(frame: Uint8Array): void {
    const commandId = u32(frame, 4);
    const status = u32(frame, 8);
    const sequence = u32(frame, 12);
    if ((commandId & 0x80000000) === 0) {
      // The server's own requests: receipts and MO (deliver_sm), enquire_link. Answer them.
      // Through send(), so the model sees these bytes too: written while a mutated length leaves a
      // frame open, they become part of that frame on the server, and the model must agree.
      if (commandId === Cmd.deliver_sm) {
        this.stats.deliverSmAnswered++;
        this.send(pdu(0x80000005, sequence, Uint8Array.of(0)));
      } else if (commandId === Cmd.enquire_link) this.send(pdu(0x80000015, sequence, new Uint8Array(0)));
      return;
    }
    if (commandId === Cmd.generic_nack && status === 0x02 && this.framingErrorSent) {
      // The answer to the framing error (its sequence number may be unreadable).
      this.framingNacked = true;
      this.stats.framingErrorsNacked++;
      const list = this.expected.get(sequence);
      if (!list) return;
    }
    const nackable = this.maybeNacked.get(sequence);
    if (commandId === Cmd.generic_nack && status === 0x03 && nackable) {
      // The server's answer to a response frame of ours that answered nothing.
      if (nackable === 1) this.maybeNacked.delete(sequence);
      else this.maybeNacked.set(sequence, nackable - 1);
      this.stats.responsesNacked++;
      return;
    }
    const list = this.expected.get(sequence);
    if (!list || list.length === 0) {
      this.stats.unexpectedAnswers++;
      if (this.stats.unexpectedSamples.length < 5) {
        this.stats.unexpectedSamples.push({ commandId: `0x${commandId.toString(16)}`, status, sequence, framingErrorSent: this.framingErrorSent, failedBinds: this.failedBinds, expectedSequences: [...this.expected.keys()].slice(0, 40) });
      }
      return;
    }
    // Match the request this answers: same response id first, else a generic_nack takes the oldest.
    let index = list.findIndex((e) => ((e.commandId | 0x80000000) >>> 0) === commandId);
    if (index < 0 && commandId === Cmd.generic_nack) index = 0;
    if (index < 0) {
      this.stats.wrongResponseId++;
      index = 0;
    }
    const [request] = list.splice(index, 1);
    if (list.length === 0) this.expected.delete(sequence);
    this.pendingCount--;
    this.stats.answered++;
    if (commandId === Cmd.generic_nack) this.stats.answeredGenericNack++;
    bump(this.stats.answeredByStatus, `0x${status.toString(16).padStart(2, "0")}`);
    const requestId = request!.commandId;
    if (requestId === Cmd.bind_transceiver || requestId === Cmd.bind_transmitter || requestId === Cmd.bind_receiver) {
      this.bindResult = status;
      if (status !== 0 && commandId !== Cmd.generic_nack) this.failedBinds++;
    }
    if (requestId === Cmd.unbind && commandId === 0x80000006 && status === 0) this.unbindAcked = true;
  }

  private onServerClose(): void {
    this.closedByServer = true;
    // The server handles a stream in order and closes at the first of these, so the first one the
    // client can see explains the close.
    const reason = this.framingNacked ? "framing_error"
      : this.unbindAcked ? "unbind"
      : this.failedBinds >= 3 ? "too_many_failed_binds"
      : this.framingErrorSent ? "framing_error_without_nack"
      : "unexplained";
    bump(this.stats.serverCloses, reason);
    if (reason === "unexplained" || reason === "framing_error_without_nack") this.stats.unexplainedCloses++;
    this.stats.closedBeforeAnswer += this.pendingCount;
    this.pendingCount = 0;
    this.expected.clear();
  }
}


function connect(port: number, host: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/**
 * Runs `options.pdus` generated PDUs over `options.connections` parallel lanes; each lane opens
 * connections one after another (even lanes bind first, odd lanes never bind on purpose).
 */
export async function runFuzz(options: FuzzOptions, stats: FuzzStats = emptyStats()): Promise<FuzzStats> {
  const started = Date.now();
  const host = options.host ?? "127.0.0.1";
  const window = options.window ?? 32;
  const perConnection = options.pdusPerConnection ?? 1500;
  const answerTimeoutMs = options.answerTimeoutMs ?? 5000;
  const share = Math.ceil(options.pdus / options.connections);

  const lane = async (laneIndex: number) => {
    const r = new Prng((options.seed ^ Math.imul(laneIndex + 1, 0x9e3779b1)) >>> 0);
    const generator = new FuzzGenerator(r, options.credentials);
    let left = Math.min(share, options.pdus - laneIndex * share);
    let sequence = 1;
    let marker = laneIndex * 10_000_000;
    while (left > 0) {
      const connection = new FuzzConnection(stats, await connect(options.port, host));
      stats.connectionsOpened++;
      if (laneIndex % 2 === 0) {
        if (await connection.bindValid(generator.validBind(sequence++), answerTimeoutMs)) stats.connectionsBoundAtStart++;
      }
      let sent = 0;
      while (left > 0 && sent < perConnection && !connection.stopped) {
        if (!(await connection.waitBelow(window, answerTimeoutMs))) break;
        // A burst up to the window, written as one chunk: several PDUs per TCP segment.
        const parts: Uint8Array[] = [];
        const room = Math.max(1, window - connection.pending);
        for (let i = 0; i < room && left > 0 && sent < perConnection; i++) {
          const generated = generator.next(sequence, marker++);
          sequence = sequence >= 0x7fffffff ? 1 : sequence + 1;
          bump(stats.kinds, generated.kind);
          parts.push(generated.bytes);
          stats.pdusGenerated++;
          left--;
          sent++;
          // Framing-breaking PDUs end the burst: the stream after them is never read.
          if (generated.kind === "bad_command_length" || generated.kind === "oversize_pdu" || generated.kind === "random_bytes") break;
        }
        connection.send(parts.length === 1 ? parts[0]! : concat(...parts));
      }
      await connection.finish(answerTimeoutMs);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, i) => lane(i)));
  stats.durationMs = Date.now() - started;
  return stats;
}

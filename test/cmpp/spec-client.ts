/**
 * A CMPP test client written from the specification text, sharing no code with cmpp/: its own
 * byte layouts (offset by offset, with Buffer), its own framing and its own MD5 authenticator.
 * Checked against the byte vectors in vectors.ts before it is trusted against the server.
 *
 * Layouts (CMPP 2.0 / 3.0): header Total_Length 4, Command_Id 4, Sequence_Id 4.
 * CONNECT: Source_Addr 6, AuthenticatorSource 16, Version 1, Timestamp 4.
 * CONNECT_RESP: Status 1 | 4, AuthenticatorISMG 16, Version 1.
 * SUBMIT: Msg_Id 8, Pk_total 1, Pk_number 1, Registered_Delivery 1, Msg_level 1, Service_Id 10,
 *   Fee_UserType 1, Fee_terminal_Id 21 | 32, [Fee_terminal_type 1], TP_pId 1, TP_udhi 1, Msg_Fmt 1,
 *   Msg_src 6, FeeType 2, FeeCode 6, ValId_Time 17, At_Time 17, Src_Id 21, DestUsr_tl 1,
 *   Dest_terminal_Id (21 | 32) × n, [Dest_terminal_type 1], Msg_Length 1, Msg_Content, Reserve 8 | LinkID 20.
 * SUBMIT_RESP / DELIVER_RESP: Msg_Id 8, Result 1 | 4.
 * DELIVER: Msg_Id 8, Dest_Id 21, Service_Id 10, TP_pid 1, TP_udhi 1, Msg_Fmt 1, Src_terminal_Id 21 | 32,
 *   [Src_terminal_type 1], Registered_Delivery 1, Msg_Length 1, Msg_Content, Reserved 8 | LinkID 20.
 * CANCEL: Msg_Id 8. CANCEL_RESP: Success_Id 1 | 4 (0 success, 1 failure).
 */
import { createHash } from "node:crypto";
import net from "node:net";

export const ID = {
  CONNECT: 0x1, CONNECT_RESP: 0x80000001, TERMINATE: 0x2, TERMINATE_RESP: 0x80000002, SUBMIT: 0x4, SUBMIT_RESP: 0x80000004,
  DELIVER: 0x5, DELIVER_RESP: 0x80000005, CANCEL: 0x7, CANCEL_RESP: 0x80000007, ACTIVE_TEST: 0x8, ACTIVE_TEST_RESP: 0x80000008,
} as const;

export type Version = 2 | 3;
const termLen = (v: Version) => (v === 2 ? 21 : 32);

export interface Frame {
  totalLength: number;
  commandId: number;
  sequenceId: number;
  body: Buffer;
}

function withHeader(commandId: number, sequenceId: number, body: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32BE(12 + body.length, 0);
  head.writeUInt32BE(commandId, 4);
  head.writeUInt32BE(sequenceId, 8);
  return Buffer.concat([head, body]);
}

function text(value: string, width: number): Buffer {
  const out = Buffer.alloc(width);
  out.write(value, "latin1");
  return out;
}

export function authSource(sourceAddr: string, secret: string, timestamp: number): Buffer {
  const ts = timestamp.toString().padStart(10, "0");
  return createHash("md5").update(Buffer.concat([Buffer.from(sourceAddr), Buffer.alloc(9), Buffer.from(secret), Buffer.from(ts)])).digest();
}

export function authIsmg(status: number, source: Buffer, secret: string, version: Version): Buffer {
  const s = Buffer.alloc(version === 2 ? 1 : 4);
  if (version === 2) s.writeUInt8(status, 0);
  else s.writeUInt32BE(status, 0);
  return createHash("md5").update(Buffer.concat([s, source, Buffer.from(secret)])).digest();
}

/** MMDDHHMMSS in China time (UTC+8). */
export function chinaTimestamp(epochMs: number): number {
  const d = new Date(epochMs + 8 * 3600_000);
  const two = (n: number) => n.toString().padStart(2, "0");
  return Number(two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds()));
}

export function connectFrame(seq: number, o: { sourceAddr: string; secret: string; versionByte: number; timestamp: number; auth?: Buffer }): Buffer {
  const body = Buffer.alloc(27);
  text(o.sourceAddr, 6).copy(body, 0);
  (o.auth ?? authSource(o.sourceAddr, o.secret, o.timestamp)).copy(body, 6);
  body.writeUInt8(o.versionByte, 22);
  body.writeUInt32BE(o.timestamp, 23);
  return withHeader(ID.CONNECT, seq, body);
}

export interface SubmitSpec {
  msgId?: bigint; pkTotal?: number; pkNumber?: number; registeredDelivery?: number; msgLevel?: number; serviceId?: string;
  feeUserType?: number; feeTerminalId?: string; feeTerminalType?: number; tpPid?: number; tpUdhi?: number; msgFmt?: number;
  msgSrc?: string; feeType?: string; feeCode?: string; validTime?: string; atTime?: string; srcId?: string;
  dest: string[]; destTerminalType?: number; content: Buffer; linkId?: string;
}

export function submitFrame(seq: number, v: Version, s: SubmitSpec): Buffer {
  const t = termLen(v);
  const parts: Buffer[] = [];
  const msgId = Buffer.alloc(8);
  msgId.writeBigUInt64BE(s.msgId ?? 0n);
  parts.push(msgId, Buffer.from([s.pkTotal ?? 1, s.pkNumber ?? 1, s.registeredDelivery ?? 0, s.msgLevel ?? 0]));
  parts.push(text(s.serviceId ?? "", 10), Buffer.from([s.feeUserType ?? 0]), text(s.feeTerminalId ?? "", t));
  if (v === 3) parts.push(Buffer.from([s.feeTerminalType ?? 0]));
  parts.push(Buffer.from([s.tpPid ?? 0, s.tpUdhi ?? 0, s.msgFmt ?? 0]), text(s.msgSrc ?? "", 6), text(s.feeType ?? "", 2), text(s.feeCode ?? "", 6));
  parts.push(text(s.validTime ?? "", 17), text(s.atTime ?? "", 17), text(s.srcId ?? "", 21), Buffer.from([s.dest.length]));
  for (const d of s.dest) parts.push(text(d, t));
  if (v === 3) parts.push(Buffer.from([s.destTerminalType ?? 0]));
  parts.push(Buffer.from([s.content.length]), s.content, v === 2 ? Buffer.alloc(8) : text(s.linkId ?? "", 20));
  return withHeader(ID.SUBMIT, seq, Buffer.concat(parts));
}

export function cancelFrame(seq: number, msgId: bigint): Buffer {
  const body = Buffer.alloc(8);
  body.writeBigUInt64BE(msgId);
  return withHeader(ID.CANCEL, seq, body);
}

export const activeTestFrame = (seq: number) => withHeader(ID.ACTIVE_TEST, seq, Buffer.alloc(0));
export const activeTestRespFrame = (seq: number) => withHeader(ID.ACTIVE_TEST_RESP, seq, Buffer.alloc(1));
export const terminateFrame = (seq: number) => withHeader(ID.TERMINATE, seq, Buffer.alloc(0));
export const terminateRespFrame = (seq: number) => withHeader(ID.TERMINATE_RESP, seq, Buffer.alloc(0));

export function deliverRespFrame(seq: number, v: Version, msgId: bigint, result: number): Buffer {
  const body = Buffer.alloc(v === 2 ? 9 : 12);
  body.writeBigUInt64BE(msgId, 0);
  if (v === 2) body.writeUInt8(result, 8);
  else body.writeUInt32BE(result, 8);
  return withHeader(ID.DELIVER_RESP, seq, body);
}

export function parseFrame(bytes: Uint8Array): Frame {
  const b = Buffer.from(bytes);
  return { totalLength: b.readUInt32BE(0), commandId: b.readUInt32BE(4), sequenceId: b.readUInt32BE(8), body: b.subarray(12) };
}

const cstr = (b: Buffer) => {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString("latin1");
};

export function parseConnectResp(body: Buffer, v: Version) {
  const w = v === 2 ? 1 : 4;
  return { status: w === 1 ? body.readUInt8(0) : body.readUInt32BE(0), authIsmg: body.subarray(w, w + 16), version: body.readUInt8(w + 16), length: body.length };
}

export function parseMsgIdResult(body: Buffer, v: Version) {
  return { msgId: body.readBigUInt64BE(0), result: v === 2 ? body.readUInt8(8) : body.readUInt32BE(8), length: body.length };
}

export function parseDeliver(body: Buffer, v: Version) {
  const t = termLen(v);
  let o = 0;
  const msgId = body.readBigUInt64BE(o); o += 8;
  const destId = cstr(body.subarray(o, o + 21)); o += 21;
  const serviceId = cstr(body.subarray(o, o + 10)); o += 10;
  const [tpPid, tpUdhi, msgFmt] = [body[o]!, body[o + 1]!, body[o + 2]!]; o += 3;
  const srcTerminalId = cstr(body.subarray(o, o + t)); o += t;
  if (v === 3) o += 1;
  const registeredDelivery = body[o++]!;
  const msgLength = body[o++]!;
  const content = body.subarray(o, o + msgLength);
  o += msgLength;
  const report = registeredDelivery === 1
    ? {
      msgId: content.readBigUInt64BE(0), stat: cstr(content.subarray(8, 15)), submitTime: cstr(content.subarray(15, 25)),
      doneTime: cstr(content.subarray(25, 35)), destTerminalId: cstr(content.subarray(35, 35 + t)), smscSequence: content.readUInt32BE(35 + t),
    }
    : undefined;
  return { msgId, destId, serviceId, tpPid, tpUdhi, msgFmt, srcTerminalId, registeredDelivery, content, report, trailerLength: body.length - o };
}

/** A raw TCP peer speaking CMPP through the functions above. */
export class SpecClient {
  readonly frames: Frame[] = [];
  closed = false;
  readonly closedPromise: Promise<void>;
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => {});
    this.closedPromise = new Promise((resolve) => socket.on("close", () => {
      this.closed = true;
      this.wake();
      resolve();
    }));
  }

  static open(port: number): Promise<SpecClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(new SpecClient(socket)));
      socket.once("error", reject);
    });
  }

  send(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The next frame matching `match` (removed from the queue); rejects after `timeoutMs` or on close. */
  async next(match: (f: Frame) => boolean = () => true, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(match);
      if (index >= 0) return this.frames.splice(index, 1)[0]!;
      if (this.closed) throw new Error("connection closed while waiting for a frame");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends CONNECT and returns the parsed CONNECT_RESP. */
  async connect(o: { sourceAddr: string; secret: string; versionByte: number; timestamp?: number; auth?: Buffer; seq?: number }) {
    const seq = o.seq ?? 1;
    const timestamp = o.timestamp ?? chinaTimestamp(Date.now());
    this.send(connectFrame(seq, { ...o, timestamp }));
    const frame = await this.next((f) => f.commandId === ID.CONNECT_RESP && f.sequenceId === seq);
    const v: Version = frame.body.length === 21 ? 3 : 2;
    return { ...parseConnectResp(frame.body, v), expectedAuth: authIsmg(0, o.auth ?? authSource(o.sourceAddr, o.secret, timestamp), o.secret, v) };
  }

  /** Sends SUBMIT and returns the parsed SUBMIT_RESP (waiting up to `timeoutMs`, as `next`). */
  async submit(seq: number, v: Version, spec: SubmitSpec, timeoutMs?: number) {
    this.send(submitFrame(seq, v, spec));
    const frame = await this.next((f) => f.commandId === ID.SUBMIT_RESP && f.sequenceId === seq, timeoutMs);
    return parseMsgIdResult(frame.body, v);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0);
      if (length < 12 || this.buffer.length < length) break;
      this.frames.push(parseFrame(this.buffer.subarray(0, length)));
      this.buffer = this.buffer.subarray(length);
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

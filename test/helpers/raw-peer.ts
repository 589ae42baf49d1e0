/** Test helpers: a raw-socket peer that speaks bytes, and small waits. */
import net from "node:net";
import { decodePdu, PduFramer, type Pdu } from "../../smpp/wire/index.ts";
import { sleep, waitFor } from "./wait.ts";

export interface RawPeer {
  socket: net.Socket;
  send(bytes: Uint8Array): void;
  /** The next PDU the server sends (decoded); rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<Pdu>;
  /** Resolves when the server closes the connection. */
  closed: Promise<void>;
  close(): void;
}

export async function rawPeer(port: number, host = "127.0.0.1"): Promise<RawPeer> {
  const socket = net.connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("error", () => {});
  const framer = new PduFramer(65_536);
  const queue: Pdu[] = [];
  const waiters: ((pdu: Pdu) => void)[] = [];
  socket.on("data", (chunk: Uint8Array) => {
    framer.push(chunk);
    for (let frame = framer.next(); frame; frame = framer.next()) {
      const decoded = decodePdu(frame);
      if (!decoded.ok) throw new Error(`server sent an undecodable PDU: ${decoded.message}`);
      const waiter = waiters.shift();
      if (waiter) waiter(decoded.pdu);
      else queue.push(decoded.pdu);
    }
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    socket,
    send: (bytes) => socket.write(bytes),
    next: (timeoutMs = 2000) =>
      new Promise<Pdu>((resolve, reject) => {
        const queued = queue.shift();
        if (queued) return resolve(queued);
        const timer = setTimeout(() => reject(new Error(`no PDU within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((pdu) => {
          clearTimeout(timer);
          resolve(pdu);
        });
      }),
    closed,
    close: () => socket.destroy(),
  };
}

export { sleep, waitFor };

/** UCS-2 big-endian, the data_coding 0x08 encoding Chinese text travels in. */
export function ucs2(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    bytes[i * 2] = text.charCodeAt(i) >> 8;
    bytes[i * 2 + 1] = text.charCodeAt(i) & 0xff;
  }
  return bytes;
}

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** A PDU from a command id and raw body octets (strings become their latin1 bytes). */
export function frameOf(commandId: number, sequence: number, ...parts: (string | readonly number[] | Uint8Array)[]): Uint8Array {
  const body = Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p as Uint8Array))));
  const frame = Buffer.alloc(16 + body.length);
  frame.writeUInt32BE(frame.length, 0);
  frame.writeUInt32BE(commandId, 4);
  frame.writeUInt32BE(sequence, 12);
  body.copy(frame, 16);
  return frame;
}


/** node-smpp as the independent ESME: connect, and promisified calls. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NodeSmppSession = any;

export async function nodeSmppSession(port: number): Promise<NodeSmppSession> {
  const smpp = (await import("smpp")).default;
  const session = smpp.connect({ url: `smpp://127.0.0.1:${port}` });
  session.on("error", () => {}); // node-smpp dies on an unhandled error event
  await new Promise<void>((resolve) => session.once("connect", resolve));
  return session;
}

export function nodeSmppCall(session: NodeSmppSession, command: string, options: Record<string, unknown> = {}): Promise<NodeSmppSession> {
  return new Promise((resolve) => session[command](options, (pdu: unknown) => resolve(pdu)));
}

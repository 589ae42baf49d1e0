/**
 * The two socket APIs the sessions run on (Bun's own and node:net) behave alike where a session
 * can tell: partial writes are queued and sent in order, end() sends the queue before FIN,
 * "close" comes once and never from inside the session's own call, chunks stay intact, pause
 * stops reading, a taken port is refused. The peer is always a plain node:net socket.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connectStream, listenStreams, socketApi, type ByteStream, type SocketApi, type StreamListener } from "../../../src/lib/byte-stream.ts";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  // Last in, first out: a node:net listener's close waits for its connections to go.
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function listen(api: SocketApi, onConnection: (stream: ByteStream) => void): Promise<StreamListener> {
  const listener = await listenStreams({ port: 0, host: "127.0.0.1", sockets: api }, onConnection);
  cleanup.push(() => listener.close());
  return listener;
}

/** A listener and one node:net peer connected to it; resolves with both ends. */
async function pair(api: SocketApi): Promise<{ stream: ByteStream; peer: net.Socket }> {
  let accepted: (stream: ByteStream) => void = () => {};
  const streamReady = new Promise<ByteStream>((resolve) => (accepted = resolve));
  const listener = await listen(api, (stream) => accepted(stream));
  const peer = net.connect(listener.port, "127.0.0.1");
  cleanup.push(() => peer.destroy());
  const stream = await streamReady;
  cleanup.push(() => stream.destroy());
  return { stream, peer };
}

const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function collect(peer: net.Socket): { bytes: () => Buffer; ended: Promise<void> } {
  const chunks: Buffer[] = [];
  peer.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => peer.once("end", () => resolve()));
  return { bytes: () => Buffer.concat(chunks), ended };
}

const apis: SocketApi[] = ["bun", "node"];

describe.each(apis)("%s sockets", (api) => {
  it("runs on the API asked for", () => {
    expect(socketApi(api)).toBe(api);
  });

  it("queues what the kernel does not take, counts it, sends it in order once the peer reads, and says drain", async () => {
    const { stream, peer } = await pair(api);
    peer.pause();
    const frames = Array.from({ length: 64 }, (_, i) => pattern(64 * 1024, i));
    for (const frame of frames) stream.write(frame);
    // 4 MiB is more than loopback's buffers hold while the peer reads nothing.
    expect(stream.writableLength).toBeGreaterThan(0);
    const drained = new Promise<void>((resolve) => stream.on("drain", () => resolve()));
    const received = collect(peer);
    peer.resume();
    await drained;
    expect(stream.writableLength).toBe(0);
    await sleep(50);
    expect(Buffer.compare(received.bytes(), Buffer.concat(frames))).toBe(0);
  });

  it("end() sends everything queued before FIN", async () => {
    const { stream, peer } = await pair(api);
    peer.pause();
    const frames = Array.from({ length: 48 }, (_, i) => pattern(64 * 1024, 100 + i));
    for (const frame of frames) stream.write(frame);
    stream.end();
    const received = collect(peer);
    peer.resume();
    await received.ended;
    expect(received.bytes().length).toBe(48 * 64 * 1024);
    expect(Buffer.compare(received.bytes(), Buffer.concat(frames))).toBe(0);
  });

  it("says close once, after the call that closed it has returned", async () => {
    for (const how of ["end", "destroy"] as const) {
      const { stream } = await pair(api);
      let closes = 0;
      stream.on("close", () => closes++);
      stream[how]();
      expect(closes).toBe(0);
      stream.destroy();
      await sleep(30);
      expect(closes).toBe(1);
      expect(stream.destroyed).toBe(true);
    }
  });

  it("says end, then close, when the peer closes; writes after that are dropped, not thrown", async () => {
    const { stream, peer } = await pair(api);
    const events: string[] = [];
    stream.on("end", () => events.push("end"));
    stream.on("close", () => events.push("close"));
    stream.on("error", () => events.push("error"));
    peer.end();
    await sleep(50);
    expect(events).toEqual(["end", "close"]);
    expect(() => stream.write(pattern(10, 1))).not.toThrow();
  });

  it("hands over chunks that stay intact while later ones arrive", async () => {
    const { stream, peer } = await pair(api);
    const chunks: Uint8Array[] = [];
    stream.on("data", (chunk) => chunks.push(chunk));
    const sent: Buffer[] = [];
    for (let i = 0; i < 20; i++) {
      const part = Buffer.from(pattern(1000, i));
      sent.push(part);
      peer.write(part);
      await sleep(2);
    }
    await sleep(50);
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.concat(sent))).toBe(0);
  });

  it("reads nothing while paused and everything once resumed", async () => {
    const { stream, peer } = await pair(api);
    let read = 0;
    stream.on("data", (chunk) => (read += chunk.length));
    stream.pause();
    peer.write(pattern(500, 3));
    await sleep(50);
    expect(read).toBe(0);
    stream.resume();
    await sleep(50);
    expect(read).toBe(500);
  });

  it("refuses a port that is taken, with EADDRINUSE", async () => {
    const taken = await listen(api, () => {});
    await expect(listenStreams({ port: taken.port, host: "127.0.0.1", sockets: api }, () => {})).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  it("connects as a client, keeps what the server says at once, and rejects a refused connection", async () => {
    const server = net.createServer((socket) => socket.end(Buffer.from("hello")));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as net.AddressInfo).port;
    const stream = await connectStream({ host: "127.0.0.1", port, timeoutMs: 2000, sockets: api });
    await sleep(30); // the greeting has arrived before anyone listens
    const chunks: Uint8Array[] = [];
    stream.on("data", (chunk) => chunks.push(chunk));
    await sleep(30);
    expect(Buffer.concat(chunks).toString()).toBe("hello");

    const closedPort = port;
    await new Promise((resolve) => server.close(resolve));
    await expect(connectStream({ host: "127.0.0.1", port: closedPort, timeoutMs: 2000, sockets: api })).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

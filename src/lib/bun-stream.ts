/**
 * A ByteStream (byte-stream.ts) on Bun's own TCP sockets.
 *
 * What Bun's socket does differently from node:net, and how this hides it:
 * - `write` is one send(2) and may take only part of the bytes (or none when the kernel buffer is
 *   full): the rest waits here, in order, and goes out on Bun's `drain` callback; `writableLength`
 *   counts it, as node:net counts its own buffer. "drain" is emitted once that queue is empty.
 * - `end()` closes at once: here it waits until the queue is out, then ends.
 * - Bun calls `close` from inside `end()`; sessions expect it later, as node:net does, so "close"
 *   (and the error a close carries) is emitted on the next tick, once.
 * - A listener on a taken port throws; here it rejects with the same EADDRINUSE a node:net server
 *   reports, naming the address.
 */
import type { ByteStream, ConnectOptions, ListenOptions, StreamListener } from "./byte-stream-types.ts";

type Listener = (arg?: never) => void;
type BunSocket = Bun.Socket<BunStream | undefined>;

export class BunStream implements ByteStream {
  readonly remoteAddress: string;
  destroyed = false;
  writableLength = 0;
  private readonly queue: Uint8Array[] = [];
  private ending = false;
  private closed = false;
  private readonly listeners = new Map<string, Listener[]>();
  /** Chunks read before anyone listened for them (a connect resolves a turn after its socket opens). */
  private early: Uint8Array[] | undefined;

  constructor(private readonly socket: BunSocket) {
    this.remoteAddress = socket.remoteAddress;
    socket.data = this;
  }

  on(event: string, listener: (arg: never) => void): this {
    const list = this.listeners.get(event);
    if (list === undefined) this.listeners.set(event, [listener as Listener]);
    else list.push(listener as Listener);
    if (event === "data" && this.early !== undefined) {
      const early = this.early;
      this.early = undefined;
      queueMicrotask(() => {
        for (const chunk of early) this.emit("data", chunk);
      });
    }
    return this;
  }

  write(bytes: Uint8Array): boolean {
    if (this.destroyed || this.ending) return false;
    if (this.writableLength > 0) {
      this.enqueue(bytes);
      return false;
    }
    const written = this.socket.write(bytes);
    if (written === bytes.length) return true;
    // -1: closed under us; its close callback is on its way and takes the queue with it.
    if (written >= 0) this.enqueue(written === 0 ? bytes : bytes.subarray(written));
    return false;
  }

  end(): void {
    if (this.destroyed || this.ending) return;
    this.ending = true;
    if (this.writableLength === 0) this.socket.end();
  }

  destroy(): void {
    if (this.destroyed) return;
    // Drops the queue and says close on the next tick; Bun's own close callback, which end() runs
    // at once, then finds it done.
    this.closedBy(undefined);
    // close(2) now; what the kernel already holds still goes out, then FIN (node:net's destroy).
    this.socket.end();
  }

  pause(): void {
    if (!this.closed) this.socket.pause();
  }

  resume(): void {
    if (!this.closed) this.socket.resume();
  }

  setNoDelay(noDelay = true): void {
    this.socket.setNoDelay(noDelay);
  }

  // ---- from Bun's callbacks ----

  received(chunk: Uint8Array): void {
    if (this.destroyed) return;
    if (this.listeners.has("data")) this.emit("data", chunk);
    else (this.early ??= []).push(chunk);
  }

  drained(): void {
    if (this.writableLength === 0) return;
    const queue = this.queue;
    while (queue.length > 0) {
      const head = queue[0]!;
      const written = this.socket.write(head);
      if (written < 0) return;
      this.writableLength -= written;
      if (written < head.length) {
        queue[0] = head.subarray(written);
        return;
      }
      queue.shift();
    }
    if (this.ending) this.socket.end();
    else this.emit("drain");
  }

  closedBy(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.destroyed = true;
    this.queue.length = 0;
    this.writableLength = 0;
    process.nextTick(() => {
      if (error !== undefined) this.emit("error", error);
      this.emit("close");
    });
  }

  emit(event: string, arg?: unknown): void {
    const list = this.listeners.get(event);
    if (list === undefined) return;
    for (const listener of list) (listener as (arg: unknown) => void)(arg);
  }

  private enqueue(bytes: Uint8Array): void {
    this.queue.push(bytes);
    this.writableLength += bytes.length;
  }
}

/** Bun's callbacks, shared by every socket: each finds its stream in `socket.data`. */
const handlers: Bun.SocketHandler<BunStream | undefined> = {
  data: (socket, chunk) => socket.data?.received(chunk),
  drain: (socket) => socket.data?.drained(),
  end: (socket) => socket.data?.emit("end"),
  close: (socket, error) => socket.data?.closedBy(error),
  error: (socket, error) => socket.data?.emit("error", error),
};

export function listenBunStreams(options: ListenOptions, onConnection: (stream: ByteStream) => void): Promise<StreamListener> {
  const hostname = options.host ?? "::";
  let listener: Bun.TCPSocketListener<BunStream | undefined>;
  try {
    listener = Bun.listen<BunStream | undefined>({
      hostname,
      port: options.port,
      ...(options.reusePort === true && { reusePort: true }),
      data: undefined,
      socket: { ...handlers, open: (socket) => onConnection(new BunStream(socket)) },
    } as Bun.TCPSocketListenOptions<BunStream | undefined>);
  } catch (error) {
    const code = (error as { code?: string }).code;
    return Promise.reject(Object.assign(new Error(`listen ${code ?? "failed"}: address ${hostname}:${options.port}`), { code }));
  }
  let stopped = false;
  return Promise.resolve({
    port: listener.port,
    close: async () => {
      if (stopped) return;
      stopped = true;
      listener.stop(false);
    },
    // Bun reports nothing about a listener once it listens (accept errors are retried inside).
    onError: () => {},
  });
}

export const connectTimeout = (host: string, port: number, timeoutMs: number) =>
  new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`);

export function connectBunStream({ host, port, timeoutMs }: ConnectOptions): Promise<ByteStream> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(connectTimeout(host, port, timeoutMs));
    }, timeoutMs);
    Bun.connect<BunStream | undefined>({
      hostname: host,
      port,
      data: undefined,
      socket: { ...handlers, open: (socket) => void new BunStream(socket) },
    }).then(
      (socket) => {
        clearTimeout(timer);
        if (timedOut) return socket.data?.destroy();
        resolve(socket.data!);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(error);
      },
    );
  });
}

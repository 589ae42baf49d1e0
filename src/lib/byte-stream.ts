/**
 * The byte streams the protocol sessions (SMPP, CMPP) read and write: what a session needs of a
 * TCP connection, and two ways to get one.
 *
 * - `"bun"`: Bun's own sockets (Bun.listen / Bun.connect, see bun-stream.ts). Each write is one
 *   send(2) straight from the caller, and a readable socket is one callback: measured with
 *   `npm run bench:sessions`, our SMPP server session spends about a third less CPU per PDU at
 *   1,000/s than through node:net's streams, an eighth less at 20,000/s (README, Results).
 * - `"node"`: node:net, whose Socket already has this shape. Used when not running under Bun, for
 *   TLS (node:tls), and when an operator sets SOCKET_API=node.
 *
 * Both behave alike where the sessions can tell: chunks are fresh buffers (never reused by the
 * runtime, so a frame may stay a view of one); "close" comes once and never from inside a call
 * the session made; write never throws; after `end()` what was written still goes out, then FIN.
 */
import net from "node:net";
import { connectBunStream, connectTimeout, listenBunStreams } from "./bun-stream.ts";
import type { ByteStream, ConnectOptions, ListenOptions, SocketApi, StreamListener } from "./byte-stream-types.ts";

export type { ByteStream, ConnectOptions, ListenOptions, SocketApi, StreamListener };

const underBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
let defaultApi: SocketApi = "bun";

/** The process-wide choice (the composition root sets it from SOCKET_API); "bun" means node:net outside Bun. */
export function setDefaultSocketApi(api: SocketApi): void {
  defaultApi = api;
}

/** The API a listener or connection asking for `wanted` gets here. */
export function socketApi(wanted: SocketApi | undefined = defaultApi): SocketApi {
  return wanted === "bun" && underBun ? "bun" : "node";
}

/** Listens for plain TCP connections and hands each to `onConnection`. */
export function listenStreams(options: ListenOptions, onConnection: (stream: ByteStream) => void): Promise<StreamListener> {
  if (socketApi(options.sockets) === "bun") return listenBunStreams(options, onConnection);
  return listenNode(net.createServer((socket) => onConnection(socket)), options);
}

/** Listens with a node:net (or node:tls) server already built. */
export function listenNode(server: net.Server, options: ListenOptions): Promise<StreamListener> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port, host: options.host, reusePort: options.reusePort ?? false }, () => {
      server.off("error", reject);
      const address = server.address();
      resolve({
        port: typeof address === "object" && address !== null ? address.port : options.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
        onError: (listener) => void server.on("error", listener),
      });
    });
  });
}

/** Opens a plain TCP connection; rejects with the socket's error or when `timeoutMs` passes first. */
export function connectStream(options: ConnectOptions): Promise<ByteStream> {
  if (socketApi(options.sockets) === "bun") return connectBunStream(options);
  return connectNode(options);
}

function connectNode({ host, port, timeoutMs }: ConnectOptions): Promise<ByteStream> {
  return whenConnected(net.connect({ host, port }), "connect", host, port, timeoutMs);
}

/** Resolves once a node:net (or node:tls, "secureConnect") socket is connected; destroys it on an error or after `timeoutMs`. */
export function whenConnected<S extends net.Socket>(socket: S, ready: "connect" | "secureConnect", host: string, port: number, timeoutMs: number): Promise<S> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(connectTimeout(host, port, timeoutMs)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once("error", fail);
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.off("error", fail);
      resolve(socket);
    });
  });
}

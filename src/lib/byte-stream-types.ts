/** The shapes shared by byte-stream.ts and its Bun implementation (bun-stream.ts). */

export type SocketApi = "bun" | "node";

/** What a session needs of its connection (node:net's Socket is one). */
export interface ByteStream {
  readonly remoteAddress?: string | undefined;
  readonly destroyed: boolean;
  /** Bytes accepted by write() and not yet handed to the kernel. */
  readonly writableLength: number;
  write(bytes: Uint8Array): unknown;
  /** Sends what is queued, then FIN. */
  end(): unknown;
  /** Drops the connection now, with whatever is still queued. */
  destroy(): unknown;
  pause(): unknown;
  resume(): unknown;
  setNoDelay?(noDelay?: boolean): unknown;
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "close" | "end" | "drain", listener: () => void): unknown;
}

export interface StreamListener {
  readonly port: number;
  /** Stops accepting; live connections stay. Resolves once the port is released. */
  close(): Promise<void>;
  onError(listener: (error: Error) => void): void;
}

export interface ListenOptions {
  port: number;
  /** Undefined listens on every address, IPv4 and IPv6 (`::`), as node:net does. */
  host?: string | undefined;
  /** SO_REUSEPORT: several processes share the port and the kernel spreads connections over them. */
  reusePort?: boolean | undefined;
  sockets?: SocketApi | undefined;
}

export interface ConnectOptions {
  host: string;
  port: number;
  timeoutMs: number;
  sockets?: SocketApi | undefined;
}

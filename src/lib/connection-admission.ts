/**
 * Connection limits of a protocol listener (the SMPP and the CMPP servers): the live sessions and
 * how many come from each remote address, so a new connection is admitted or turned away (before a
 * byte is read) with the reason the server reports. No clock; the only I/O is destroying a refused socket.
 */

/** Why a listener turns a new connection away. */
export type ConnectionRefusal = "stopping" | "max_connections" | "max_connections_per_address";

export interface ConnectionLimits {
  /** Sessions at once (default 1000). */
  maxConnections?: number;
  /** Sessions at once from one remote address (default 50). */
  maxConnectionsPerAddress?: number;
}

/** What admission needs of an accepted socket. */
export interface IncomingSocket {
  readonly remoteAddress?: string | undefined;
  destroy(): void;
}

/** What tracking needs of a session: its close event, with the reason. */
export interface ClosingSession {
  on(name: "close", listener: (reason: string) => void): unknown;
}

export class ConnectionAdmission<Session extends ClosingSession> {
  readonly live = new Set<Session>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly limits: ConnectionLimits) {}

  /** Why a new connection from `address` is refused now, or undefined when it may come in. */
  refusal(address: string, stopping: boolean): ConnectionRefusal | undefined {
    if (stopping) return "stopping";
    if (this.live.size >= (this.limits.maxConnections ?? 1000)) return "max_connections";
    if ((this.perAddress.get(address) ?? 0) >= (this.limits.maxConnectionsPerAddress ?? 50)) return "max_connections_per_address";
    return undefined;
  }

  /**
   * The remote address of a socket that may come in, or undefined once a refused one is reported
   * (`onRefused`) and destroyed.
   */
  admitSocket(socket: IncomingSocket, stopping: boolean, onRefused: (address: string, reason: ConnectionRefusal) => void): string | undefined {
    const address = socket.remoteAddress ?? "";
    const refusal = this.refusal(address, stopping);
    if (refusal === undefined) return address;
    onRefused(address, refusal);
    socket.destroy();
    return undefined;
  }

  /** Counts an admitted session until it closes; `onClose` runs after it no longer counts. */
  track(session: Session, address: string, onClose: (reason: string) => void): void {
    this.live.add(session);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    session.on("close", (reason) => {
      this.live.delete(session);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
      onClose(reason);
    });
  }
}

/**
 * Connection limits of a protocol listener (the SMPP and the CMPP servers): the live sessions and
 * how many come from each remote address, so a new connection is admitted or turned away (before a
 * byte is read) with the reason the server reports. Pure bookkeeping: no sockets, no clock.
 */

/** Why a listener turns a new connection away. */
export type ConnectionRefusal = "stopping" | "max_connections" | "max_connections_per_address";

export interface ConnectionLimits {
  /** Sessions at once (default 1000). */
  maxConnections?: number;
  /** Sessions at once from one remote address (default 50). */
  maxConnectionsPerAddress?: number;
}

export class ConnectionAdmission<Session> {
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

  /** Counts an admitted session; `release` it when it closes. */
  admit(session: Session, address: string): void {
    this.live.add(session);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
  }

  release(session: Session, address: string): void {
    this.live.delete(session);
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  }
}

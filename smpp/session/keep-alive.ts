/**
 * The connection's timers, on one interval per connection: bind timeout (server side), partial-PDU
 * timeout, write-stall timeout, inactivity timeout and enquire_link after silence. It only
 * measures and decides (`due`); the connection acts. All times are monotonic milliseconds from the
 * connection's injected clock.
 */
export interface TimerSettings {
  requestTimeoutMs: number;
  enquireLinkIntervalMs: number;
  inactivityTimeoutMs: number;
  bindTimeoutMs: number;
  partialFrameTimeoutMs: number;
  writeStallTimeoutMs: number;
}

/** What the connection sees when the timer fires. */
export interface TimerView {
  now: number;
  /** Server side and not bound yet. */
  awaitingBind: boolean;
  bound: boolean;
  /** When the write backlog passed its limit, undefined when it is under. */
  writeBackedUpSince: number | undefined;
}

export type TimerAction =
  | { kind: "close"; reason: string }
  /** end() would wait behind the backlog the peer does not read: drop the socket. */
  | { kind: "destroy"; reason: string }
  | { kind: "enquire_link" }
  | undefined;

export class KeepAlive {
  private readonly openedAt: number;
  private lastReceivedAt: number;
  private lastEnquireSentAt: number | undefined;
  /** When the half-received PDU began arriving, undefined when none is half-received. */
  private partialSince: number | undefined;

  constructor(
    private readonly settings: TimerSettings,
    now: number,
  ) {
    this.openedAt = now;
    this.lastReceivedAt = now;
  }

  /** How often the connection's single timer fires. */
  get intervalMs(): number {
    const o = this.settings;
    const candidates = [o.requestTimeoutMs / 4, o.partialFrameTimeoutMs / 4, o.writeStallTimeoutMs / 4, 1000];
    if (o.enquireLinkIntervalMs > 0) candidates.push(o.enquireLinkIntervalMs / 2);
    if (o.inactivityTimeoutMs > 0) candidates.push(o.inactivityTimeoutMs / 4);
    if (o.bindTimeoutMs > 0) candidates.push(o.bindTimeoutMs / 4);
    return Math.max(5, Math.min(...candidates));
  }

  received(now: number): void {
    this.lastReceivedAt = now;
  }

  enquireSent(now: number): void {
    this.lastEnquireSentAt = now;
  }

  /** After draining the framer: whether a PDU is still half-received (and reading goes on). */
  partial(halfReceived: boolean): void {
    this.partialSince = halfReceived ? (this.partialSince ?? this.lastReceivedAt) : undefined;
  }

  due(view: TimerView): TimerAction {
    const { now } = view;
    const o = this.settings;
    if (view.awaitingBind && o.bindTimeoutMs > 0 && now - this.openedAt >= o.bindTimeoutMs) return { kind: "close", reason: "bind timeout" };
    if (this.partialSince !== undefined && now - this.partialSince >= o.partialFrameTimeoutMs) return { kind: "close", reason: "partial PDU timeout" };
    if (view.writeBackedUpSince !== undefined && now - view.writeBackedUpSince >= o.writeStallTimeoutMs) {
      return { kind: "destroy", reason: "write backlog timeout: the peer does not read" };
    }
    if (o.inactivityTimeoutMs > 0 && now - this.lastReceivedAt >= o.inactivityTimeoutMs) return { kind: "close", reason: "inactivity timeout" };
    if (o.enquireLinkIntervalMs > 0 && view.bound && now - this.lastReceivedAt >= o.enquireLinkIntervalMs &&
      (this.lastEnquireSentAt === undefined || now - this.lastEnquireSentAt >= o.enquireLinkIntervalMs)) {
      return { kind: "enquire_link" };
    }
    return undefined;
  }
}

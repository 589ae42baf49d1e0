/** The delivery queue's options, its lanes (one FIFO per account's receipts or per SP's MO) and their items. */
import type { Logger } from "pino";
import type { DeliveryStore } from "../../src/deliveries/deliveries.service.ts";
import type { Metrics } from "../../src/observability/metrics.ts";
import type { SmppServer } from "../session/server.ts";
import type { SessionContext } from "./bind-auth.ts";

/** Whose delivery it is: an account's receipts, or an SP's MO (accountId null). */
export interface DeliveryOwner {
  kind: "receipt" | "mo";
  spId: string;
  accountId: string | null;
}

export interface DeliveryQueueOptions {
  server: () => SmppServer<SessionContext> | undefined;
  store: DeliveryStore;
  metrics?: Metrics;
  logger?: Logger;
  clock: () => number;
  /** How long a held delivery is kept (default 3 days). */
  holdTtlMs?: number;
  /**
   * How long the SMSC may wait for its deliver_sm_resp while the delivery waits for (or is in
   * flight to) an SP's bind; after that it is stored, the SMSC is answered, and it stays queued
   * (default 5 s: SMSCs time a deliver_sm out after tens of seconds, our simulator after 10 s).
   */
  maxWaitMs?: number;
  /** In-memory deliveries per lane beyond which new ones are stored at once (default 5,000). */
  maxQueuedPerLane?: number;
  /** Held rows read per database round trip when flushing (default 200). */
  readBatch?: number;
  /** How often a lane with a receiver bound looks for rows another proxy held (default 30 s). */
  pollMs?: number;
  /**
   * Deliveries were stored because no bind here could take them: other proxies (or workers) with
   * a receiver of this owner are told, and read them now instead of at their next poll.
   */
  onHeldWithoutReceiver?: (owner: DeliveryOwner) => void;
}

export interface Item {
  seq: number;
  frame: Uint8Array;
  /** Its pending_deliveries row, once stored. */
  dbId?: number;
  /** Answers the SMSC's deliver_sm (once). Undefined once answered or for items read from the database. */
  settle?: (status: number) => void;
  deadline: number;
  fromHeld: boolean;
  storing: boolean;
  done: boolean;
}

/** One FIFO: an account's receipts or an SP's MO. */
export class Lane {
  readonly waiting: Item[] = [];
  readonly inFlight = new Set<Item>();
  /** The database may hold rows of this lane that are not in memory: new arrivals go behind them. */
  backlog = false;
  /** Look in the database once, without diverting arrivals (rows another proxy held). */
  checkDue = false;
  /**
   * The SP is slower than its deliveries (some waited maxWaitMs): until the lane is empty again,
   * each new arrival is stored at once, answering the SMSC, and still queued in memory, so a slow
   * SP does not hold the SMSC's window for seconds per delivery.
   */
  slow = false;
  /** Database writes, reads and deletes in progress for this lane. */
  busy = 0;
  /** Holds started since the current read began (they may be missed by it). */
  holdsDuringRead = 0;
  reading = false;
  pausedUntil = 0;
  failures = 0;
  nextSeq = 0;
  rotation = 0;
  releases: number[] = [];
  /** Writes of this lane run one after another, so row ids follow the lane's order on any pool. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly owner: DeliveryOwner) {}

  serially<T>(write: () => Promise<T>): Promise<T> {
    const run = this.writes.then(write);
    this.writes = run.catch(() => {});
    return run;
  }

  get size(): number {
    return this.waiting.length + this.inFlight.size;
  }
}

/** Receipts per account and SP (a gateway account's receipts belong to many SPs), MO per SP. */
export const laneKey = (owner: DeliveryOwner) => (owner.kind === "receipt" ? `a:${owner.accountId}|${owner.spId}` : `s:${owner.spId}`);

/** Counts delivered receipts and MO with labelled counter children resolved once per (kind, outcome), not per delivery. */
export function deliveredCounter(metrics: Metrics | undefined): (kind: DeliveryOwner["kind"], outcome: "flushed" | "delivered") => void {
  const children = new Map<string, { inc(): void }>();
  return (kind, outcome) => {
    if (!metrics) return;
    const key = `${kind}|${outcome}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = metrics.deliveries.batched({ kind, outcome })));
    child.inc();
  };
}

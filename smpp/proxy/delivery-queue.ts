import { monotonicClock } from "../../src/lib/clock.ts";
import { DAY_MS } from "../../src/lib/dates.ts";
import type { SmppServer, SmppSession } from "../session/server.ts";
import { SmppRequestError } from "../session/pending.ts";
import { canReceive } from "../session/state.ts";
import { CommandStatus } from "../wire/commands.ts";
import type { GatewayLink, SessionContext } from "./bind-auth.ts";
import { Lane, laneKey, type DeliveryOwner, type DeliveryQueueOptions, type Item } from "./delivery-lane.ts";
import { carries, GatewayLanes, receiversOf } from "./delivery-receivers.ts";

export type { DeliveryOwner, DeliveryQueueOptions };

/**
 * Receipts and MO on their way to an SP, in memory, one FIFO per account (receipts) and per SP
 * (MO), each feeding the outbound windows of the owner's receiver and transceiver binds: a
 * delivery goes out as soon as a window has room (round-robin across binds, one delivery per lane
 * per turn so one account's backlog never starves another's), and the SMSC's deliver_sm is
 * answered when the SP acked it, or — if that takes longer than `maxWaitMs`, or no bind is there
 * to take it — once it is stored in pending_deliveries. What is stored is delivered from the
 * database, oldest first, as soon as a receiver of its owner is bound; new deliveries wait behind
 * it, so each lane stays in order. A failed delivery (closed bind, timeout, error status) goes back
 * to its place at the head of the lane.
 */
export class DeliveryQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly bySp = new Map<string, Set<Lane>>();
  private readonly gateways = new GatewayLanes();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly pumpTimers = new Set<ReturnType<typeof setTimeout>>();
  private lastPoll = 0;
  private lastSweep = 0;
  private readonly holdTtlMs: number;
  private readonly maxWaitMs: number;
  private readonly maxQueued: number;
  private readonly readBatch: number;
  private readonly pollMs: number;

  constructor(private readonly options: DeliveryQueueOptions) {
    this.holdTtlMs = options.holdTtlMs ?? 3 * DAY_MS;
    this.maxWaitMs = options.maxWaitMs ?? 5000;
    this.maxQueued = options.maxQueuedPerLane ?? 5000;
    this.readBatch = options.readBatch ?? 200;
    this.pollMs = options.pollMs ?? 30_000;
    this.timer = setInterval(() => this.tick(), Math.max(20, Math.min(250, this.maxWaitMs / 4)));
    this.timer.unref?.();
  }

  /**
   * Queues a delivery (a frame the queue may keep) and resolves with the deliver_sm_resp status
   * for the SMSC: 0 once the SP took it or it is stored; non-zero when it could not be stored
   * (the SMSC keeps it and retries).
   */
  async push(owner: DeliveryOwner, frame: Uint8Array): Promise<number> {
    const lane = this.lane(owner);
    // Straight to the database when it already holds some of this lane (they come first), when the
    // lane is too long, or when no bind can take it and nothing is in memory to keep it behind.
    if (lane.backlog || lane.waiting.length >= this.maxQueued || (lane.size === 0 && this.receivers(lane).length === 0)) {
      lane.backlog = true;
      lane.busy++;
      if (lane.reading) lane.holdsDuringRead++;
      try {
        await lane.serially(() => this.options.store.hold(this.holdEntry(lane, frame)));
        this.options.metrics?.deliveries.inc({ kind: owner.kind, outcome: "held" });
        if (this.receivers(lane).length === 0) this.options.onHeldWithoutReceiver?.(lane.owner);
        return 0;
      } finally {
        lane.busy--;
        this.pump(owner.spId);
      }
    }
    return new Promise<number>((resolve) => {
      const item: Item = { seq: lane.nextSeq++, frame, settle: resolve, deadline: this.options.clock() + this.maxWaitMs, fromHeld: false, storing: false, done: false };
      lane.waiting.push(item);
      if (lane.slow) this.store(lane, [item], false);
      this.pump(owner.spId);
    });
  }

  /** A receiver or transceiver bound: its lanes look in the database first, then deliver. */
  bound(session: SmppSession<SessionContext>): void {
    const context = session.context;
    if (!context || !canReceive(session.state)) return;
    if (context.kind === "gateway") return void this.gatewayBound(session, context.link);
    const identity = context.identity;
    for (const owner of [
      { kind: "receipt", spId: identity.spId, accountId: identity.accountId },
      { kind: "mo", spId: identity.spId, accountId: null },
    ] satisfies DeliveryOwner[]) {
      const lane = this.lane(owner);
      // The first receiver of this lane here: what was held while none was bound comes first.
      if (this.receivers(lane).filter((s) => s !== session).length === 0) lane.backlog = true;
    }
    this.pump(identity.spId);
  }

  /** A gateway receiver bound (or a poll): lanes with rows held for it (its receipts, the MO of SPs it carries) read them first. */
  private async gatewayBound(session: SmppSession<SessionContext>, link: GatewayLink, polling = false): Promise<void> {
    let owners: DeliveryOwner[];
    try {
      owners = await this.options.store.heldOwners(link.accountId);
    } catch (error) {
      this.options.logger?.warn({ err: error }, "could not list held deliveries for a gateway bind; the next poll tries again");
      return;
    }
    for (const owner of owners) {
      if ((owner.accountId === null && !carries(link, owner.spId)) || (polling && this.lanes.has(laneKey(owner)))) continue;
      const lane = this.lane(owner);
      if (this.receivers(lane).filter((s) => s !== session).length === 0) lane.backlog = true;
      else lane.checkDue = true;
      this.pumpFor(lane);
    }
  }

  /**
   * Another proxy stored deliveries of this owner for want of a receiver: if one is bound here,
   * read them now (the poll would find them within `pollMs`).
   */
  heldElsewhere(owner: DeliveryOwner): void {
    const lane = this.lane(owner);
    if (this.receivers(lane).length === 0) return;
    lane.checkDue = true;
    this.pumpFor(lane);
  }

  /** A session closed: its lanes re-route or store what it had. */
  closed(session: SmppSession<SessionContext>): void {
    const context = session.context;
    if (context?.kind === "sp") this.pump(context.identity.spId);
    if (context?.kind === "gateway") for (const lane of this.gateways.lanesOf(context.accountId)) this.pumpFor(lane);
  }

  /** In memory now (waiting and in flight). */
  get queued(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.size;
    return n;
  }

  /** Stores everything still in memory (after the listener stopped), so nothing is lost on shutdown. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const timer of this.pumpTimers) clearTimeout(timer);
    const deadline = monotonicClock() + 5000;
    for (;;) {
      for (const lane of this.lanes.values()) if (lane.inFlight.size === 0 && lane.waiting.length > 0) this.spill(lane);
      const active = [...this.lanes.values()].some((lane) => lane.busy > 0 || lane.inFlight.size > 0 || lane.waiting.length > 0);
      if (!active || monotonicClock() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  // ---- internals ----

  private lane(owner: DeliveryOwner): Lane {
    const key = laneKey(owner);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Lane(owner);
      this.lanes.set(key, lane);
      let set = this.bySp.get(owner.spId);
      if (!set) this.bySp.set(owner.spId, (set = new Set()));
      set.add(lane);
    }
    return lane;
  }

  /** The binds that may take this lane's deliveries (see delivery-receivers.ts). */
  private receivers(lane: Lane): SmppSession<SessionContext>[] {
    const server = this.options.server();
    if (!server) return [];
    const found = receiversOf(server.sessions(), lane.owner);
    this.gateways.note(lane, found);
    return found;
  }

  /** Pumps the lane's SP, and every lane that shares a gateway bind with it. */
  private pumpFor(lane: Lane): void {
    const sps = new Set([lane.owner.spId]);
    for (const other of this.gateways.neighbours(lane)) sps.add(other.owner.spId);
    for (const spId of sps) this.pump(spId);
  }

  private holdEntry(lane: Lane, frame: Uint8Array) {
    const now = this.options.clock();
    return { accountId: lane.owner.accountId, spId: lane.owner.spId, kind: lane.owner.kind, pdu: frame, now: new Date(now), ttlMs: this.holdTtlMs };
  }

  /** Feeds the SP's receiver windows from its lanes, one delivery per lane per turn. */
  private pump(spId: string): void {
    const lanes = this.bySp.get(spId);
    const server = this.options.server();
    if (!lanes || !server) return;
    const now = this.options.clock();
    const receivers = new Map<Lane, SmppSession<SessionContext>[]>();
    let progress = true;
    while (progress) {
      progress = false;
      for (const lane of lanes) {
        if (lane.pausedUntil > now) continue;
        if (lane.waiting.length === 0) {
          this.maybeRead(lane);
          continue;
        }
        let sessions = receivers.get(lane);
        if (!sessions) receivers.set(lane, (sessions = this.receivers(lane)));
        if (sessions.length === 0) {
          // What the closed binds had in flight comes back first (its failures pump again), so
          // the lane is stored in order.
          if (lane.inFlight.size === 0) this.spill(lane);
          continue;
        }
        let session: SmppSession<SessionContext> | undefined;
        for (let i = 0; i < sessions.length && !session; i++) {
          const candidate = sessions[(lane.rotation + i) % sessions.length]!;
          if (candidate.hasWindowRoom) session = candidate;
        }
        if (!session) continue;
        lane.rotation++;
        this.send(server, lane, lane.waiting.shift()!, session);
        progress = true;
      }
    }
  }

  private send(server: SmppServer<SessionContext>, lane: Lane, item: Item, session: SmppSession<SessionContext>): void {
    lane.inFlight.add(item);
    server.deliver(session, item.frame).then(
      (status) => (status === 0 ? this.delivered(lane, item) : this.failed(lane, item, true)),
      (error: unknown) => {
        const reason = error instanceof SmppRequestError ? error.reason : "error";
        // A closed bind or a full window is no fault of the delivery: try another bind at once.
        this.failed(lane, item, reason === "timeout" || reason === "bad_response" || reason === "error");
      },
    );
  }

  private delivered(lane: Lane, item: Item): void {
    lane.inFlight.delete(item);
    lane.failures = 0;
    item.done = true;
    this.countDelivered(lane.owner.kind, item.fromHeld ? "flushed" : "delivered");
    const settle = item.settle;
    item.settle = undefined;
    settle?.(0);
    if (item.dbId !== undefined) this.release(lane, item.dbId);
    this.pumpFor(lane);
  }

  /** Labelled counter children, resolved once per (kind, outcome), not per delivery. */
  private readonly deliveredChildren = new Map<string, { inc(): void }>();
  private countDelivered(kind: DeliveryOwner["kind"], outcome: "flushed" | "delivered"): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const key = `${kind}|${outcome}`;
    let child = this.deliveredChildren.get(key);
    if (!child) this.deliveredChildren.set(key, (child = metrics.deliveries.labels({ kind, outcome })));
    child.inc();
  }

  private failed(lane: Lane, item: Item, pause: boolean): void {
    lane.inFlight.delete(item);
    if (item.done) return;
    let at = lane.waiting.findIndex((other) => other.seq > item.seq);
    if (at < 0) at = lane.waiting.length;
    lane.waiting.splice(at, 0, item);
    if (pause) {
      lane.failures++;
      const wait = Math.min(5000, 100 * 2 ** Math.min(6, lane.failures - 1));
      lane.pausedUntil = this.options.clock() + wait;
      const timer = setTimeout(() => {
        this.pumpTimers.delete(timer);
        this.pumpFor(lane);
      }, wait);
      timer.unref?.();
      this.pumpTimers.add(timer);
    }
    this.pumpFor(lane);
  }

  /** Deletes delivered rows, batched per event-loop turn. */
  private release(lane: Lane, id: number): void {
    lane.releases.push(id);
    if (lane.releases.length > 1) return;
    lane.busy++;
    setImmediate(() => {
      const ids = lane.releases;
      lane.releases = [];
      this.options.store
        .release(ids)
        .catch((error: unknown) => this.options.logger?.warn({ err: error }, "could not delete delivered held rows; they will be delivered again"))
        .finally(() => {
          lane.busy--;
          this.pumpFor(lane);
        });
    });
  }

  /** No bind can take this lane's deliveries: store what is not stored yet, answer the SMSC, forget them. */
  private spill(lane: Lane): void {
    const items = lane.waiting.splice(0);
    if (items.length === 0) return;
    lane.backlog = true;
    const toStore = items.filter((item) => item.dbId === undefined && !item.storing);
    this.store(lane, toStore, true);
  }

  /**
   * Stores items (in lane order) and answers the SMSC for them. `forget`: they leave memory (no
   * bind); otherwise they stay queued and are deleted from the database once delivered.
   */
  private store(lane: Lane, items: Item[], forget: boolean): void {
    if (items.length === 0) return;
    for (const item of items) item.storing = true;
    lane.busy++;
    if (lane.reading) lane.holdsDuringRead++;
    lane
      .serially(() => this.options.store.holdMany(items.map((item) => this.holdEntry(lane, item.frame))))
      .then(
        (ids) => {
          items.forEach((item, i) => {
            item.storing = false;
            item.dbId = ids[i];
            const settle = item.settle;
            item.settle = undefined;
            settle?.(0);
            if (item.done) this.release(lane, ids[i]!); // delivered meanwhile
          });
          this.options.metrics?.deliveries.inc({ kind: lane.owner.kind, outcome: "held" }, items.length);
          if (forget && this.receivers(lane).length === 0) this.options.onHeldWithoutReceiver?.(lane.owner);
        },
        (error: unknown) => {
          this.options.logger?.error({ err: error }, "could not store deliveries; the SMSC keeps them and retries");
          for (const item of items) {
            item.storing = false;
            const settle = item.settle;
            item.settle = undefined;
            settle?.(CommandStatus.ESME_RSYSERR);
            if (!forget) {
              // Answered with an error: the SMSC will send it again, so do not deliver this copy too.
              const at = lane.waiting.indexOf(item);
              if (at >= 0) lane.waiting.splice(at, 1);
              item.done = true;
            }
          }
        },
      )
      .finally(() => {
        lane.busy--;
        this.pumpFor(lane);
      });
  }

  /** The lane is empty in memory: read what the database holds for it, oldest first. */
  private maybeRead(lane: Lane): void {
    if (!(lane.backlog || lane.checkDue) || lane.reading || lane.busy > 0 || lane.inFlight.size > 0 || lane.waiting.length > 0) return;
    if (this.receivers(lane).length === 0) return;
    lane.reading = true;
    lane.checkDue = false;
    lane.holdsDuringRead = 0;
    lane.busy++;
    this.options.store
      .takeHeld({ spId: lane.owner.spId, accountId: lane.owner.accountId }, this.readBatch)
      .then(
        (rows) => {
          for (const row of rows) {
            lane.waiting.push({ seq: lane.nextSeq++, frame: row.pdu, dbId: row.id, deadline: Infinity, fromHeld: true, storing: false, done: false });
          }
          if (rows.length < this.readBatch && lane.holdsDuringRead === 0) lane.backlog = false;
        },
        (error: unknown) => {
          this.options.logger?.warn({ err: error }, "could not read held deliveries; will try again");
          lane.pausedUntil = this.options.clock() + 1000;
        },
      )
      .finally(() => {
        lane.reading = false;
        lane.busy--;
        this.pumpFor(lane);
      });
  }

  private tick(): void {
    const now = this.options.clock();
    const poll = now - this.lastPoll >= this.pollMs;
    if (poll) this.lastPoll = now;
    const server = this.options.server();
    // Gateway binds look for rows other proxies held for them (their lanes may not exist here).
    if (poll && server) for (const session of server.sessions()) if (session.context?.kind === "gateway" && canReceive(session.state)) void this.gatewayBound(session, session.context.link, true);
    // Idle lanes without a receiver are forgotten every few seconds (a later bind re-reads the database).
    const sweep = now - this.lastSweep >= 5000;
    if (sweep) this.lastSweep = now;
    for (const [key, lane] of this.lanes) {
      // Waited too long for a bind: store them and answer the SMSC; they stay queued, in order.
      const overdue: Item[] = [];
      for (const item of lane.inFlight) if (item.settle && !item.storing && item.deadline <= now) overdue.push(item);
      for (const item of lane.waiting) if (item.settle && !item.storing && item.deadline <= now) overdue.push(item);
      overdue.sort((a, b) => a.seq - b.seq);
      if (overdue.length > 0) lane.slow = true;
      this.store(lane, overdue, false);
      if (lane.slow && lane.size === 0) lane.slow = false;
      if (lane.pausedUntil !== 0 && lane.pausedUntil <= now) {
        lane.pausedUntil = 0;
        this.pumpFor(lane);
      }
      const idle = lane.size === 0 && lane.busy === 0 && lane.releases.length === 0;
      if (!poll && !(sweep && idle)) continue;
      const hasReceivers = this.receivers(lane).length > 0;
      if (poll && hasReceivers && !lane.backlog) {
        lane.checkDue = true;
        this.pumpFor(lane);
      }
      if (!hasReceivers && idle) {
        this.lanes.delete(key);
        this.gateways.forget(lane);
        const set = this.bySp.get(lane.owner.spId);
        set?.delete(lane);
        if (set?.size === 0) this.bySp.delete(lane.owner.spId);
      }
    }
    this.options.metrics?.deliveriesQueued.set(this.queued);
  }
}

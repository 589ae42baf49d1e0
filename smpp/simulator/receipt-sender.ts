/**
 * The simulator's receipt sender, as an SMSC sends delivery receipts: to the bind that submitted
 * (or, "rotate", the account's receiver binds in turn), in order, waiting for room in a receiver's
 * outbound window (not a failed try), and retrying an unacknowledged receipt with a growing
 * back-off until receiptMaxAttempts.
 */
import type { SmppServer, SmppSession } from "../session/server.ts";
import { canReceive } from "../session/state.ts";
import type { SimulatorOptions, SimulatorStats } from "./options.ts";
import type { receiptFields } from "./receipts.ts";

type Session = SmppSession<{ systemId: string }>;
export type ReceiptFields = ReturnType<typeof receiptFields>;
type Waiting = { systemId: string; origin: Session; fields: ReceiptFields; attempt: number };

export class ReceiptSender {
  /** Receipts waiting for room in a receiver's outbound window, oldest first. */
  private readonly windowWaiters: Waiting[] = [];
  private waitersScheduled = false;
  private runningWaiters = false;
  private rotation = 0;
  /** Receipts kept by holdReceipts(), sent in order when released. */
  private held: (() => void)[] | undefined;

  constructor(
    private readonly options: SimulatorOptions,
    private readonly stats: Omit<SimulatorStats, "sessions">,
    private readonly server: () => SmppServer<{ systemId: string }> | undefined,
    private readonly later: (ms: number, run: () => void) => void,
  ) {}

  hold(on: boolean): void {
    if (on) {
      this.held ??= [];
      return;
    }
    const due = this.held ?? [];
    this.held = undefined;
    for (const send of due) send();
  }

  send(systemId: string, origin: Session, fields: ReceiptFields, attempt: number): void {
    if (this.held) return void this.held.push(() => this.send(systemId, origin, fields, attempt));
    const server = this.server();
    const rotate = this.options.receiptBinds === "rotate";
    const bound = rotate || !canReceive(origin.state) ? (server?.receiversFor(systemId) ?? []) : [origin];
    if (!server || bound.length === 0) return this.retry(systemId, origin, fields, attempt);
    // "rotate": start each receipt at the next bind, so receipts spread over the proxies.
    const start = rotate ? this.rotation++ % bound.length : 0;
    const receivers = start === 0 ? bound : [...bound.slice(start), ...bound.slice(0, start)];
    const target = receivers.find((session) => session.hasWindowRoom);
    // In order: a receipt does not overtake those already waiting for room.
    if (!target || (this.windowWaiters.length > 0 && !this.runningWaiters)) {
      this.windowWaiters.push({ systemId, origin, fields, attempt });
      this.scheduleWaiters();
      return;
    }
    this.stats.receiptsSent++;
    // Each answer frees a slot: the oldest waiting receipt takes it.
    const answered = () => {
      if (this.windowWaiters.length > 0) this.runWaiters();
    };
    server.deliver(target, fields).then(
      (status) => {
        if (status === 0) this.stats.receiptsAcked++;
        else this.retry(systemId, origin, fields, attempt);
        answered();
      },
      () => {
        this.retry(systemId, origin, fields, attempt);
        answered();
      },
    );
  }

  private retry(systemId: string, origin: Session, fields: ReceiptFields, attempt: number): void {
    if (attempt + 1 >= (this.options.receiptMaxAttempts ?? 1000)) {
      this.stats.receiptsAbandoned++;
      return;
    }
    this.stats.receiptsRetried++;
    const base = this.options.receiptRetryMs ?? 1000;
    const wait = Math.min(this.options.receiptRetryMaxMs ?? 60_000, base * 2 ** Math.min(20, attempt));
    this.later(wait, () => this.send(systemId, origin, fields, attempt + 1));
  }

  private scheduleWaiters(): void {
    if (this.waitersScheduled) return;
    this.waitersScheduled = true;
    this.later(50, this.runWaiters); // a closed link frees nothing: look again now and then
  }

  private receiversOf(w: Waiting): Session[] {
    return this.options.receiptBinds !== "rotate" && canReceive(w.origin.state) ? [w.origin] : (this.server()?.receiversFor(w.systemId) ?? []);
  }

  /** Sends waiting receipts while their receivers have room; stops at the first that still has none. */
  private readonly runWaiters = (): void => {
    this.waitersScheduled = false;
    while (this.windowWaiters.length > 0) {
      const head = this.windowWaiters[0]!;
      const receivers = this.receiversOf(head);
      if (receivers.length > 0 && !receivers.some((session) => session.hasWindowRoom)) break;
      this.windowWaiters.shift();
      this.runningWaiters = true;
      this.send(head.systemId, head.origin, head.fields, head.attempt);
      this.runningWaiters = false;
    }
    if (this.windowWaiters.length > 0) this.scheduleWaiters();
  };
}

/**
 * Receipts and MO for SPs connected over CMPP (a DeliverySink, src/gateway/outbound.ts). The SMPP
 * relay has already found the receipt's route (exact id, or one unambiguous alias) or the MO's SP,
 * and recorded a "T" opt-out; this turns them into DELIVERs:
 *
 * - a receipt whose route is a CMPP route (route-id.ts) becomes a status report (Registered_Delivery
 *   1): Msg_Id the SP was given, Stat from the SMSC's receipt, Submit_time / Done_time, the
 *   destination, sent to a connection of the account that sent the message;
 * - an MO to a port of an SP that has a CMPP account goes to that SP's CMPP connections when one is
 *   connected, or when the SP has no SMPP account at all (else the SMPP relay delivers it).
 *
 * A delivery no connection takes (none connected, window full, no DELIVER_RESP within
 * `deliverTimeoutMs`, Result ≠ 0) is stored in pending_deliveries under the CMPP account and the
 * SMSC is answered; stored ones are delivered, oldest first, when the account connects again
 * (and every `pollMs` while it is connected). Delivery is at least once: a DELIVER_RESP lost after
 * the timeout means the SP gets that report twice.
 *
 * A DELIVER's own Msg_Id is given when it is sent, by the process that has the listener, never when
 * it is stored: a proxy worker without the CMPP listener (PROXY_WORKERS > 1: only worker 0 listens)
 * runs this sink with no server, so every CMPP delivery its upstream binds receive is stored for
 * worker 0 to deliver, and two processes never stamp Msg_Ids with the same gateway code.
 */
import type { Logger } from "pino";
import type { DeliveryStore } from "../../src/deliveries/deliveries.service.ts";
import type { DeliverySink, MoFacts, ReceiptFacts, ReceiptRoute } from "../../src/gateway/outbound.ts";
import { DAY_MS } from "../../src/lib/dates.ts";
import type { Metrics } from "../../src/observability/metrics.ts";
import type { AccountEntry, RegistrySnapshot } from "../../src/registry/snapshot.ts";
import type { CmppServer, CmppSession } from "../session/server.ts";
import type { DeliverFields } from "../wire/encode.ts";
import type { CmppSessionContext } from "./auth.ts";
import { decodeHeld, encodeHeld } from "./held.ts";
import { parseCmppRouteId } from "./route-id.ts";
import { refusalStat } from "./results.ts";
import type { RefusedDestination } from "./submit.ts";

export interface CmppDeliveriesOptions {
  server: () => CmppServer<CmppSessionContext> | undefined;
  registry: () => RegistrySnapshot;
  store: DeliveryStore;
  nextMsgId: () => Promise<bigint>;
  clock: () => number;
  metrics?: Metrics;
  logger?: Logger;
  holdTtlMs?: number;
  pollMs?: number;
}

type Owner = { account: AccountEntry; kind: "receipt" | "mo" };
/** A DELIVER before its Msg_Id is given (at send time). */
type Unsent = Omit<DeliverFields, "msgId">;

/** The SMPP relay's answer when a delivery could be neither delivered nor stored (ESME_RSYSERR): the SMSC retries. */
const NOT_TAKEN = 0x08;

export class CmppDeliveries implements DeliverySink {
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly flushing = new Set<string>();
  private rotation = 0;

  constructor(private readonly options: CmppDeliveriesOptions) {
    this.timer = setInterval(() => this.poll(), options.pollMs ?? 5000);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  receipt(route: ReceiptRoute, readFacts: () => ReceiptFacts): Promise<number> | undefined {
    const cmpp = parseCmppRouteId(route.spMessageId);
    if (!cmpp) return undefined;
    const facts = readFacts();
    const account = this.options.registry().accountsById.get(route.accountId);
    if (!account) {
      this.options.metrics?.deliveries.inc({ kind: "receipt", outcome: "unroutable" });
      return Promise.resolve(0);
    }
    const now = this.options.clock();
    const fields = {
      destId: cmpp.srcId, serviceId: "", tpPid: 0, tpUdhi: 0, msgFmt: 0, srcTerminalId: facts.recipient, registeredDelivery: 1,
      report: { msgId: cmpp.msgId, stat: facts.stat.slice(0, 7), submitTime: facts.submitDate || reportTime(now), doneTime: facts.doneDate || reportTime(now), destTerminalId: facts.recipient, smscSequence: 0 },
    };
    return this.send({ account, kind: "receipt" }, fields);
  }

  mo(facts: MoFacts): Promise<number> | undefined {
    const account = this.moAccount(facts.spId);
    if (!account) return undefined;
    return this.send({ account, kind: "mo" }, {
      destId: facts.destination, serviceId: "", tpPid: 0, tpUdhi: facts.udhi ? 1 : 0, msgFmt: facts.dataCoding,
      srcTerminalId: facts.source, registeredDelivery: 0, msgContent: facts.content,
    });
  }

  /** A status report for a destination the gatekeeper refused while others of the SUBMIT went on (Stat GK:nnnn). */
  refusedDestination(refused: RefusedDestination): void {
    const account = this.options.registry().accountsById.get(refused.context.accountId);
    if (!account) return;
    const time = reportTime(refused.at);
    void this.send({ account, kind: "receipt" }, {
      destId: refused.srcId, serviceId: "", tpPid: 0, tpUdhi: 0, msgFmt: 0, srcTerminalId: refused.destination, registeredDelivery: 1,
      report: { msgId: refused.msgId, stat: refusalStat(refused.result), submitTime: time, doneTime: time, destTerminalId: refused.destination, smscSequence: 0 },
    });
  }

  /** An account just connected: what was stored for it goes first. */
  connected(session: CmppSession<CmppSessionContext>): void {
    const account = session.context && this.options.registry().accountsById.get(session.context.accountId);
    if (account) void this.flush(account);
  }

  /** The CMPP account an MO for this SP goes to: a connected one, else the first when the SP has no SMPP account. */
  private moAccount(spId: string): AccountEntry | undefined {
    const server = this.options.server();
    let first: AccountEntry | undefined;
    let smpp = false;
    for (const account of this.options.registry().accountsById.values()) {
      if (account.spId !== spId) continue;
      if (account.protocol !== "cmpp") {
        smpp = true;
        continue;
      }
      if (server && server.sessionsFor(account.systemId).length > 0) return account;
      first ??= account;
    }
    return smpp ? undefined : first;
  }

  private async send(owner: Owner, message: Unsent): Promise<number> {
    if (await this.deliverLive(owner.account, message)) {
      this.options.metrics?.deliveries.inc({ kind: owner.kind, outcome: "delivered" });
      return 0;
    }
    // CMPP accounts are SPs' own (a gateway account is SMPP only and has no SP).
    const spId = owner.account.spId;
    if (spId === null) return NOT_TAKEN;
    try {
      await this.options.store.hold({ accountId: owner.account.id, spId, kind: owner.kind, pdu: encodeHeld({ ...message, msgId: 0n }), now: new Date(this.options.clock()), ttlMs: this.options.holdTtlMs ?? 3 * DAY_MS });
      this.options.metrics?.deliveries.inc({ kind: owner.kind, outcome: "held" });
      return 0;
    } catch (error) {
      this.options.logger?.error({ err: error }, "could not store a CMPP delivery; the SMSC will retry");
      return NOT_TAKEN;
    }
  }

  /** Offers the DELIVER to each connected session of the account in turn; true once one answered Result 0. */
  private async deliverLive(account: AccountEntry, unsent: Unsent): Promise<boolean> {
    const server = this.options.server();
    if (!server) return false;
    const sessions = server.sessionsFor(account.systemId).filter((s) => s.context?.accountId === account.id);
    if (sessions.length === 0) return false;
    const message: DeliverFields = { ...unsent, msgId: await this.options.nextMsgId() } as DeliverFields;
    for (let i = 0; i < sessions.length; i++) {
      const session = sessions[(this.rotation + i) % sessions.length]!;
      try {
        const answer = await server.deliver(session, message);
        if (answer.result === 0) {
          this.rotation++;
          return true;
        }
      } catch {
        // window full, timed out or closed: try the next connection, else store it
      }
    }
    return false;
  }

  private async flush(account: AccountEntry): Promise<void> {
    const spId = account.spId;
    if (spId === null || this.flushing.has(account.id)) return;
    this.flushing.add(account.id);
    try {
      for (;;) {
        const rows = await this.options.store.takeHeld({ spId, accountId: account.id }, 100);
        if (rows.length === 0) return;
        const delivered: number[] = [];
        for (const row of rows) {
          const message = decodeHeld(row.pdu);
          if (message && !(await this.deliverLive(account, message))) break;
          delivered.push(row.id); // undecodable rows are dropped with the delivered ones
        }
        await this.options.store.release(delivered);
        if (delivered.length < rows.length) return;
      }
    } catch (error) {
      this.options.logger?.warn({ err: error }, "could not deliver stored CMPP deliveries; retrying on the next poll");
    } finally {
      this.flushing.delete(account.id);
    }
  }

  private poll(): void {
    const server = this.options.server();
    if (!server) return;
    const seen = new Set<string>();
    for (const session of server.sessions()) {
      const accountId = session.context?.accountId;
      if (!accountId || seen.has(accountId) || session.state !== "connected") continue;
      seen.add(accountId);
      const account = this.options.registry().accountsById.get(accountId);
      if (account) void this.flush(account);
    }
  }
}

/** YYMMDDHHMM in China time (the report's Submit_time / Done_time). */
export function reportTime(epochMs: number): string {
  const d = new Date(epochMs + 8 * 3600_000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
}

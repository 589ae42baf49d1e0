import type { Logger } from "pino";
import type { DeliveryStore } from "../../src/deliveries/deliveries.service.ts";
import { DAY_MS } from "../../src/lib/dates.ts";
import type { PiiProtector } from "../../src/lib/pii.ts";
import type { Metrics } from "../../src/observability/metrics.ts";
import { isConsentWord, isOptOutWord, type Category } from "../../src/policy/index.ts";
import { preferenceKeyword } from "../../src/preferences/keywords.ts";
import type { RegistrySnapshot } from "../../src/registry/snapshot.ts";
import type { SmppServer, SmppSession } from "../session/server.ts";
import { extractMessageText } from "../../src/text/index.ts";
import { CommandStatus } from "../wire/commands.ts";
import type { Pdu } from "../wire/pdu.ts";
import { receiptedMessageId } from "../wire/tlv.ts";
import type { SessionContext } from "./bind-auth.ts";
import { RouteTable, type RouteEntry } from "../../src/gateway/route-table.ts";
import { DeliveryQueue, type DeliveryOwner } from "./delivery-queue.ts";
import type { Gatekeeper, SessionIdentity } from "../../src/gateway/gatekeeper.ts";
import { canonicalMessageId, messageIdCandidates, resolveRoute } from "../../src/gateway/message-id.ts";
import { rewriteReceiptId } from "./receipt-rewrite.ts";
import { messageFields } from "./submissions.ts";
import type { DeliverySink } from "../../src/gateway/outbound.ts";
import { moFacts, receiptFacts } from "./receipt-facts.ts";

export interface OptOutRecord {
  recipientHash: string;
  recipientMask: string;
  enterpriseId: string;
}

export interface PreferenceRecord {
  recipientHash: string;
  recipientMask: string;
  categories: readonly Category[] | null;
}

export interface DeliveryRelayOptions {
  server: () => SmppServer<SessionContext> | undefined;
  registry: () => RegistrySnapshot;
  gatekeeper: Gatekeeper;
  store: DeliveryStore;
  pii: PiiProtector;
  /** Persists an MO opt-out (audited, and notified to every proxy). */
  recordOptOut: (record: OptOutRecord) => Promise<void>;
  /** Persists a subscriber preference sent by MO keyword (categories null = clear); audited, notified to every proxy. */
  recordPreference?: (record: PreferenceRecord) => Promise<void>;
  /** Records consent from a 是/Y/同意 reply when a request is pending; resolves whether it did. */
  recordConsentReply?: (record: OptOutRecord & { evidenceRef: string }) => Promise<boolean>;
  metrics?: Metrics;
  logger?: Logger;
  clock: () => number;
  /** SPs on other protocols (CMPP): offered each receipt and MO before the SMPP queue; see src/gateway/outbound.ts. */
  sinks?: readonly DeliverySink[];
  /** How long receipts and MO wait for an SP with no receiver bound. */
  holdTtlMs?: number;
  /** How long the SMSC may wait for a deliver_sm_resp before the delivery is stored and answered (default 5 s). */
  maxWaitMs?: number;
  /** How long a message id stays routable in memory (the database keeps it longer). */
  routeTtlMs?: number;
  /**
   * How long a receipt with no route waits before a second look (default 500 ms): the message may
   * have been sent by another proxy moments ago, its route still in that proxy's journal batch.
   */
  routeSettleMs?: number;
  /** See DeliveryQueueOptions.onHeldWithoutReceiver. */
  onHeldWithoutReceiver?: (owner: DeliveryOwner) => void;
}

/** Receipts waiting for a second look at once; beyond this, an unknown id is unroutable at once. */
const MAX_SETTLING = 64;

const RECEIPT_ESM_TYPES = 0x3c; // SMSC delivery receipt, SME ack, intermediate notification
const RECEIPT_ID = /\bid:([0-9A-Za-z_-]{1,65})/;

/**
 * Receipts and replies coming back from the SMSC. A receipt goes to the account that sent the
 * message (any of its receiver or transceiver binds), found by the id exactly as the SMSC issued
 * it, or by an alias only when exactly one route matches; an id that could be two messages is held
 * in the database and counted, never guessed. Routes come from this proxy's memory and the shared
 * table (other proxies, earlier runs). An MO goes to the SP that owns the port it was
 * sent to, and an opt-out word in it is recorded for the enterprise behind that port or extension
 * before anything else. Then it joins its owner's queue (delivery-queue.ts): delivered live as
 * the SP's receiver windows free, in order, or stored (bounded, expiring) when no bind can take
 * it soon, and delivered when one can. The status returned here is the deliver_sm_resp to the
 * SMSC, sent once the SP took the delivery or it is stored: non-zero only when neither happened,
 * so the SMSC retries.
 */
export class DeliveryRelay {
  /** By canonical id, the routes stored under it (usually one; more when an SMSC's ids differ only in case or zeros). */
  private readonly routes: RouteTable;
  private readonly queue: DeliveryQueue;
  private settling = 0;

  constructor(private readonly options: DeliveryRelayOptions) {
    this.routes = new RouteTable({ keyOf: canonicalMessageId, maxEntries: 2_000_000, ttlMs: options.routeTtlMs ?? 3 * DAY_MS });
    this.queue = new DeliveryQueue({
      server: options.server, store: options.store, metrics: options.metrics, logger: options.logger, clock: options.clock,
      holdTtlMs: options.holdTtlMs, maxWaitMs: options.maxWaitMs, onHeldWithoutReceiver: options.onHeldWithoutReceiver,
    });
  }

  /** Another proxy held deliveries of this owner: read them now if a receiver is bound here. */
  heldElsewhere(owner: DeliveryOwner): void {
    this.queue.heldElsewhere(owner);
  }

  /**
   * Keeps the route in memory and returns its canonical (alias) key, persisted with it.
   * `spMessageId` is the id the SP was given when it is not `messageId` (submit_multi).
   */
  remember(messageId: string, identity: SessionIdentity, at: number, spMessageId?: string): string {
    return this.routes.add(messageId, identity, at, spMessageId);
  }

  /**
   * The route for a receipt's id: the exact id from memory, else every route it may stand for
   * from memory and the database (which also knows the other proxies' and earlier runs' routes).
   * An alias is used only when exactly one route matches; see resolveRoute.
   */
  private async findRoute(id: string, now: number) {
    // The usual case first: the id exactly as issued, under its canonical key in memory (no alias forms computed).
    const exactFirst = this.routes.get(canonicalMessageId(id), now)?.find((route) => route.smscMessageId === id);
    if (exactFirst) return { kind: "exact" as const, route: exactFirst };
    const candidates = messageIdCandidates(id);
    const inMemory: RouteEntry[] = [];
    for (const candidate of candidates) for (const route of this.routes.get(candidate, now) ?? []) inMemory.push(route);
    const exact = inMemory.find((route) => route.smscMessageId === id);
    if (exact) return { kind: "exact" as const, route: exact };
    const stored = await this.options.store.findRoutes(id, candidates);
    const known = new Map(inMemory.map((route) => [route.smscMessageId, route]));
    for (const row of stored) {
      if (known.has(row.smscMessageId)) continue;
      const account = this.options.registry().accountsById.get(row.accountId);
      // A route of a deleted account still counts as a match (it makes an alias ambiguous).
      known.set(row.smscMessageId, { ...row, systemId: account?.systemId ?? "" });
    }
    return resolveRoute(id, [...known.values()]);
  }

  private turn: Promise<void> | undefined;
  /** Resolves in the next check phase; every delivery read in this turn shares one setImmediate. */
  private nextTurn(): Promise<void> {
    return (this.turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.turn = undefined;
        resolve();
      }),
    ));
  }

  async fromUpstream(pdu: Pdu<"deliver_sm"> | Pdu<"data_sm">, frame: Uint8Array): Promise<number> {
    const copy = frame.slice(); // the frame is a view of the socket buffer
    // A receipt may arrive in the same socket read as the submit_sm_resp it is about: let that
    // response's handlers (which remember the message id's route) run first.
    await this.nextTurn();
    try {
      if ((pdu.body.esmClass & RECEIPT_ESM_TYPES) !== 0 || receiptedMessageId(pdu.body.tlvs) !== undefined) return await this.receipt(pdu, copy);
      return await this.mo(pdu, copy);
    } catch (error) {
      this.options.logger?.error({ err: error }, "could not take a delivery from the SMSC; it will retry");
      return CommandStatus.ESME_RSYSERR;
    }
  }

  private async receipt(pdu: Pdu<"deliver_sm"> | Pdu<"data_sm">, frame: Uint8Array): Promise<number> {
    const now = this.options.clock();
    let id = receiptedMessageId(pdu.body.tlvs);
    if (!id && pdu.command === "deliver_sm") id = RECEIPT_ID.exec(Buffer.from(pdu.body.shortMessage).toString("latin1"))?.[1];
    if (!id) {
      this.options.metrics?.deliveries.inc({ kind: "receipt", outcome: "no_id" });
      return 0;
    }
    let match = await this.findRoute(id, now);
    if (match.kind === "none" && this.settling < MAX_SETTLING) {
      // Sent moments ago through another proxy? Its route lands with that proxy's next journal batch.
      this.settling++;
      try {
        await new Promise((resolve) => setTimeout(resolve, this.options.routeSettleMs ?? 500));
      } finally {
        this.settling--;
      }
      match = await this.findRoute(id, this.options.clock());
    }
    if (match.kind === "ambiguous") {
      // Two routes could own it: giving it to either could hand one SP another's receipt.
      await this.options.store.holdAmbiguous({ receiptId: id, candidates: match.routes.map((r) => r.smscMessageId), pdu: frame, now: new Date(now) });
      this.options.metrics?.deliveries.inc({ kind: "receipt", outcome: "ambiguous" });
      this.options.logger?.warn({ receiptId: id, candidates: match.routes.length }, "receipt id matches several routes through aliases; held, not guessed");
      return 0;
    }
    if (match.kind === "none" || !match.route.systemId) {
      this.options.metrics?.deliveries.inc({ kind: "receipt", outcome: "unroutable" });
      return 0;
    }
    const route = match.route;
    for (const sink of this.options.sinks ?? []) {
      const taken = sink.receipt(route, () => receiptFacts(pdu));
      if (taken) return taken;
    }
    // submit_multi: the SP knows one id; the SMSC issued one per destination.
    if (route.spMessageId && route.spMessageId !== route.smscMessageId) frame = rewriteReceiptId(frame, route.smscMessageId, route.spMessageId);
    return this.queue.push({ kind: "receipt", spId: route.spId, accountId: route.accountId }, frame);
  }

  private async mo(pdu: Pdu<"deliver_sm"> | Pdu<"data_sm">, frame: Uint8Array): Promise<number> {
    const now = this.options.clock();
    const snapshot = this.options.registry();
    const match = snapshot.matchPort(pdu.body.destinationAddr);
    if (!match) {
      this.options.metrics?.deliveries.inc({ kind: "mo", outcome: "unroutable" });
      return 0;
    }
    const text = extractMessageText(messageFields(pdu.body as { esmClass: number; dataCoding: number; shortMessage?: Uint8Array; tlvs: Pdu<"deliver_sm">["body"]["tlvs"] }));
    const preference = text.ok ? preferenceKeyword(text.text) : undefined;
    if (preference && this.options.recordPreference) {
      // Carrier-wide, whatever the port: effective here for the very next submission, persisted (and
      // so on every proxy) before we ack.
      const recipientHash = this.options.pii.hash(pdu.body.sourceAddr);
      if (preference.categories) snapshot.shield.setPreference(recipientHash, preference.categories, null);
      else snapshot.shield.removePreference(recipientHash);
      await this.options.recordPreference({ recipientHash, recipientMask: this.options.pii.mask(pdu.body.sourceAddr), categories: preference.categories });
    } else if (text.ok && isOptOutWord(text.text)) {
      const recipientHash = this.options.pii.hash(pdu.body.sourceAddr);
      const enterpriseId = match.extension?.enterpriseId ?? (await this.lastSender(recipientHash, match.port.id, now));
      if (enterpriseId) {
        // Effective here for the very next submission; persisted (and so on every proxy) before we ack.
        snapshot.addOptOut(recipientHash, enterpriseId);
        snapshot.setConsent(recipientHash, enterpriseId, false);
        await this.options.recordOptOut({ recipientHash, recipientMask: this.options.pii.mask(pdu.body.sourceAddr), enterpriseId });
        this.options.metrics?.optOutsByMo.inc();
      } else {
        this.options.metrics?.deliveries.inc({ kind: "mo", outcome: "opt_out_unattributed" });
      }
    } else if (text.ok && isConsentWord(text.text) && this.options.recordConsentReply) {
      await this.consentReply(pdu, match, now);
    }
    for (const sink of this.options.sinks ?? []) {
      const taken = sink.mo(moFacts(pdu, match.port.spId));
      if (taken) return taken;
    }
    return this.queue.push({ kind: "mo", spId: match.port.spId, accountId: null }, frame);
  }

  /**
   * A 是/Y/同意 reply: consent for the enterprise behind the extension (or that last wrote to this
   * number from this port), recorded only if that enterprise has a request pending (the service
   * checks); the evidence is the MO: its port and arrival time.
   */
  private async consentReply(pdu: Pdu<"deliver_sm"> | Pdu<"data_sm">, match: NonNullable<ReturnType<RegistrySnapshot["matchPort"]>>, now: number): Promise<void> {
    const recipientHash = this.options.pii.hash(pdu.body.sourceAddr);
    const enterpriseId = match.extension?.enterpriseId ?? (await this.lastSender(recipientHash, match.port.id, now));
    if (!enterpriseId) return;
    const evidenceRef = `mo:${pdu.body.destinationAddr}:${new Date(now).toISOString()}`;
    const recorded = await this.options.recordConsentReply!({ recipientHash, recipientMask: this.options.pii.mask(pdu.body.sourceAddr), enterpriseId, evidenceRef });
    if (recorded) this.options.registry().setConsent(recipientHash, enterpriseId, true);
    this.options.metrics?.deliveries.inc({ kind: "mo", outcome: recorded ? "consent_recorded" : "consent_reply_unmatched" });
  }

  /**
   * The enterprise that last wrote to this recipient from this port: this proxy's memory and the
   * shared table (other proxies, earlier runs), the newer of the two. An MO is rare, so the database
   * read is affordable; if the database is away, memory alone answers.
   */
  private async lastSender(recipientHash: string, portId: string, now: number): Promise<string | undefined> {
    const local = this.options.gatekeeper.lastSender.get(recipientHash, portId, now);
    let stored: { enterpriseId: string; at: Date } | undefined;
    try {
      stored = await this.options.store.findLastSender(recipientHash, portId, new Date(now));
    } catch (error) {
      this.options.logger?.warn({ err: error }, "could not read the last sender; using this proxy's memory");
    }
    if (stored && (!local || stored.at.getTime() > local.at)) return stored.enterpriseId;
    return local?.enterpriseId;
  }

  /** A receiver or transceiver just bound: what was held for it goes first, oldest first, then live deliveries. */
  flushHeld(session: SmppSession<SessionContext>): void {
    this.queue.bound(session);
  }

  /** A session closed: what it had in flight goes to another bind of its owner, or is stored. */
  sessionClosed(session: SmppSession<SessionContext>): void {
    this.queue.closed(session);
  }

  /** Deliveries in memory (waiting for or in flight to an SP). */
  get queued(): number {
    return this.queue.queued;
  }

  /** After the listener stopped: stores what is still in memory and answers the SMSC for it. */
  stop(): Promise<void> {
    return this.queue.stop();
  }
}

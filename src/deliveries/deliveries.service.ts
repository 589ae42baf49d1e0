import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { ambiguousReceipts, lastSenders, messageRoutes, pendingDeliveries } from "../db/schema/index.ts";

export interface StoredRoute {
  /** The id exactly as the SMSC issued it. */
  smscMessageId: string;
  accountId: string;
  spId: string;
  /** The id the SP was given, when it differs (submit_multi). */
  spMessageId: string | null;
}

/** How long the last sender to a recipient from a port is kept (for attributing a bare "T"). */
export const LAST_SENDER_RETENTION_MS = 30 * 86_400_000;

/**
 * Persistence behind receipt and MO relaying: where a message id's receipt goes (the proxy keeps
 * a hot in-memory copy; this survives restarts and is shared by all instances), and deliveries
 * held for an SP that has no receiver bound.
 */
export interface DeliveryStore {
  /**
   * Every stored route a receipt's id may stand for: the id exactly as received, or one of its
   * canonical alias forms (the caller decides; see resolveRoute). At most `limit` rows, exact first.
   */
  findRoutes(receiptId: string, canonicalCandidates: string[], limit?: number): Promise<StoredRoute[]>;
  /** A receipt that matched several routes through aliases: kept for the operator, never guessed. */
  holdAmbiguous(entry: { receiptId: string; candidates: string[]; pdu: Uint8Array; now: Date }): Promise<void>;
  /** The enterprise that last wrote to this recipient hash from this port, if within retention. */
  findLastSender(recipientHash: string, portId: string, now: Date): Promise<{ enterpriseId: string; at: Date } | undefined>;
  /** Holds one delivery; resolves with its row id once it is stored. */
  hold(entry: HoldEntry): Promise<number>;
  /** Holds several deliveries of one SP in one statement, in order; resolves with their row ids (same order). */
  holdMany(entries: HoldEntry[]): Promise<number[]>;
  /**
   * Held deliveries of one owner, oldest first: an account's receipts (`accountId` set), or an
   * SP's MO (`accountId` null). Filtered in SQL, so one account's backlog never hides another's.
   */
  takeHeld(owner: { spId: string; accountId: string | null }, limit: number): Promise<{ id: number; kind: "receipt" | "mo"; pdu: Uint8Array }[]>;
  /**
   * Whose held deliveries a gateway bind may take: this account's receipts (one entry per SP) and
   * every SP's MO (accountId null); the caller keeps the SPs the gateway carries.
   */
  heldOwners(accountId: string): Promise<{ kind: "receipt" | "mo"; spId: string; accountId: string | null }[]>;
  release(ids: number[]): Promise<void>;
  countHeld(spId: string): Promise<number>;
  purge(now: Date, routeTtlMs: number): Promise<{ routes: number; held: number; ambiguous: number; lastSenders: number }>;
}

export interface HoldEntry {
  accountId: string | null;
  spId: string;
  kind: "receipt" | "mo";
  pdu: Uint8Array;
  now: Date;
  ttlMs: number;
}

async function countHeld(db: Db, spId: string): Promise<number> {
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(pendingDeliveries).where(eq(pendingDeliveries.spId, spId));
  return Number(count?.n ?? 0);
}

/** Holds deliveries of one SP; bounded per SP: the oldest held deliveries make room for the newest. */
async function holdMany(db: Db, maxHeldPerSp: number, entries: HoldEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const spId = entries[0]!.spId;
  const excess = (await countHeld(db, spId)) + entries.length - maxHeldPerSp;
  if (excess > 0) {
    const oldest = await db.select({ id: pendingDeliveries.id }).from(pendingDeliveries).where(eq(pendingDeliveries.spId, spId)).orderBy(asc(pendingDeliveries.id)).limit(excess);
    if (oldest.length) await db.delete(pendingDeliveries).where(inArray(pendingDeliveries.id, oldest.map((row) => row.id)));
  }
  const rows = await db
    .insert(pendingDeliveries)
    .values(entries.map(({ accountId, spId, kind, pdu, now, ttlMs }) => ({
      accountId,
      spId,
      kind,
      pdu: Buffer.from(pdu).toString("base64"),
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
    })))
    .returning({ id: pendingDeliveries.id });
  // A multi-row INSERT … RETURNING gives the rows in VALUES order (serial ids ascending).
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

async function findRoutes(db: Db, receiptId: string, canonicalCandidates: string[], limit = 5): Promise<StoredRoute[]> {
  return db
    .select({ smscMessageId: messageRoutes.smscMessageId, accountId: messageRoutes.accountId, spId: messageRoutes.spId, spMessageId: messageRoutes.spMessageId })
    .from(messageRoutes)
    .where(canonicalCandidates.length ? or(eq(messageRoutes.smscMessageId, receiptId), inArray(messageRoutes.canonicalId, canonicalCandidates)) : eq(messageRoutes.smscMessageId, receiptId))
    .orderBy(sql`${messageRoutes.smscMessageId} = ${receiptId} desc`)
    .limit(limit);
}

async function takeHeld(db: Db, { spId, accountId }: { spId: string; accountId: string | null }, limit: number) {
  const rows = await db
    .select({ id: pendingDeliveries.id, kind: pendingDeliveries.kind, pdu: pendingDeliveries.pdu })
    .from(pendingDeliveries)
    .where(and(eq(pendingDeliveries.spId, spId), accountId === null ? isNull(pendingDeliveries.accountId) : eq(pendingDeliveries.accountId, accountId)))
    .orderBy(asc(pendingDeliveries.id))
    .limit(limit);
  return rows.map((row) => ({ id: row.id, kind: row.kind, pdu: new Uint8Array(Buffer.from(row.pdu, "base64")) }));
}

/** Expired held deliveries, and routes, ambiguous receipts and last senders past their retention. */
async function purge(db: Db, now: Date, routeTtlMs: number) {
  const routesBefore = new Date(now.getTime() - routeTtlMs);
  const held = await db.delete(pendingDeliveries).where(lt(pendingDeliveries.expiresAt, now)).returning({ id: pendingDeliveries.id });
  const routes = await db.delete(messageRoutes).where(lt(messageRoutes.createdAt, routesBefore)).returning({ id: messageRoutes.smscMessageId });
  const ambiguous = await db.delete(ambiguousReceipts).where(lt(ambiguousReceipts.createdAt, routesBefore)).returning({ id: ambiguousReceipts.id });
  const senders = await db
    .delete(lastSenders)
    .where(lt(lastSenders.sentAt, new Date(now.getTime() - LAST_SENDER_RETENTION_MS)))
    .returning({ id: lastSenders.portId });
  return { routes: routes.length, held: held.length, ambiguous: ambiguous.length, lastSenders: senders.length };
}

export function createDeliveryStore(db: Db, options: { maxHeldPerSp?: number } = {}): DeliveryStore {
  const maxHeldPerSp = options.maxHeldPerSp ?? 100_000;
  return {
    findRoutes: (receiptId, canonicalCandidates, limit) => findRoutes(db, receiptId, canonicalCandidates, limit),
    async holdAmbiguous({ receiptId, candidates, pdu, now }) {
      await db.insert(ambiguousReceipts).values({ receiptId, candidates: candidates.join(" "), pdu: Buffer.from(pdu).toString("base64"), createdAt: now });
    },
    async findLastSender(recipientHash, portId, now) {
      const [row] = await db
        .select({ enterpriseId: lastSenders.enterpriseId, sentAt: lastSenders.sentAt })
        .from(lastSenders)
        .where(and(eq(lastSenders.recipientHash, recipientHash), eq(lastSenders.portId, portId)));
      if (!row || row.sentAt.getTime() <= now.getTime() - LAST_SENDER_RETENTION_MS) return undefined;
      return { enterpriseId: row.enterpriseId, at: row.sentAt };
    },
    async hold(entry) {
      const [id] = await holdMany(db, maxHeldPerSp, [entry]);
      return id!;
    },
    holdMany: (entries) => holdMany(db, maxHeldPerSp, entries),
    takeHeld: (owner, limit) => takeHeld(db, owner, limit),
    async heldOwners(accountId) {
      const rows = await db
        .selectDistinct({ spId: pendingDeliveries.spId, accountId: pendingDeliveries.accountId })
        .from(pendingDeliveries)
        .where(or(eq(pendingDeliveries.accountId, accountId), isNull(pendingDeliveries.accountId)));
      return rows.map((row) => ({ kind: row.accountId === null ? ("mo" as const) : ("receipt" as const), spId: row.spId, accountId: row.accountId }));
    },
    async release(ids) {
      if (ids.length) await db.delete(pendingDeliveries).where(inArray(pendingDeliveries.id, ids));
    },
    countHeld: (spId) => countHeld(db, spId),
    purge: (now, routeTtlMs) => purge(db, now, routeTtlMs),
  };
}

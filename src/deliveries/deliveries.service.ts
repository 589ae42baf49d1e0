import { asc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { messageRoutes, pendingDeliveries } from "../db/schema/index.ts";

/**
 * Persistence behind receipt and MO relaying: where a message id's receipt goes (the proxy keeps
 * a hot in-memory copy; this survives restarts and is shared by all instances), and deliveries
 * held for an SP that has no receiver bound.
 */
export interface DeliveryStore {
  findRoute(candidateIds: string[]): Promise<{ accountId: string; spId: string } | undefined>;
  hold(entry: { accountId: string | null; spId: string; kind: "receipt" | "mo"; pdu: Uint8Array; now: Date; ttlMs: number }): Promise<void>;
  /** Held deliveries for an SP (and, for receipts, one of its accounts), oldest first. */
  takeHeld(spId: string, accountIds: string[], limit: number): Promise<{ id: number; kind: "receipt" | "mo"; pdu: Uint8Array }[]>;
  release(ids: number[]): Promise<void>;
  countHeld(spId: string): Promise<number>;
  purge(now: Date, routeTtlMs: number): Promise<{ routes: number; held: number }>;
}

export function createDeliveryStore(db: Db, options: { maxHeldPerSp?: number } = {}): DeliveryStore {
  const maxHeldPerSp = options.maxHeldPerSp ?? 100_000;
  return {
    async findRoute(candidateIds) {
      if (candidateIds.length === 0) return undefined;
      const [row] = await db
        .select({ accountId: messageRoutes.accountId, spId: messageRoutes.spId })
        .from(messageRoutes)
        .where(inArray(messageRoutes.smscMessageId, candidateIds))
        .limit(1);
      return row;
    },
    async hold({ accountId, spId, kind, pdu, now, ttlMs }) {
      const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(pendingDeliveries).where(eq(pendingDeliveries.spId, spId));
      if (Number(count?.n ?? 0) >= maxHeldPerSp) {
        // Bounded: the oldest held delivery makes room for the newest.
        const [oldest] = await db.select({ id: pendingDeliveries.id }).from(pendingDeliveries).where(eq(pendingDeliveries.spId, spId)).orderBy(asc(pendingDeliveries.id)).limit(1);
        if (oldest) await db.delete(pendingDeliveries).where(eq(pendingDeliveries.id, oldest.id));
      }
      await db.insert(pendingDeliveries).values({
        accountId,
        spId,
        kind,
        pdu: Buffer.from(pdu).toString("base64"),
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
      });
    },
    async takeHeld(spId, accountIds, limit) {
      const rows = await db
        .select({ id: pendingDeliveries.id, kind: pendingDeliveries.kind, pdu: pendingDeliveries.pdu, accountId: pendingDeliveries.accountId })
        .from(pendingDeliveries)
        .where(eq(pendingDeliveries.spId, spId))
        .orderBy(asc(pendingDeliveries.id))
        .limit(limit);
      return rows
        .filter((row) => row.accountId === null || accountIds.includes(row.accountId))
        .map((row) => ({ id: row.id, kind: row.kind, pdu: new Uint8Array(Buffer.from(row.pdu, "base64")) }));
    },
    async release(ids) {
      if (ids.length) await db.delete(pendingDeliveries).where(inArray(pendingDeliveries.id, ids));
    },
    async countHeld(spId) {
      const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(pendingDeliveries).where(eq(pendingDeliveries.spId, spId));
      return Number(count?.n ?? 0);
    },
    async purge(now, routeTtlMs) {
      const held = await db.delete(pendingDeliveries).where(lt(pendingDeliveries.expiresAt, now)).returning({ id: pendingDeliveries.id });
      const routes = await db
        .delete(messageRoutes)
        .where(lt(messageRoutes.createdAt, new Date(now.getTime() - routeTtlMs)))
        .returning({ id: messageRoutes.smscMessageId });
      return { routes: routes.length, held: held.length };
    },
  };
}


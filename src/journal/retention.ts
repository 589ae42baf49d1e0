import { lt } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { journalBatches, rejectionCounts, rejections, trafficDaily } from "../db/schema/index.ts";
import { localDate } from "../lib/dates.ts";
import type { DeliveryStore } from "../deliveries/deliveries.service.ts";

const DAY_MS = 86_400_000;

export interface RetentionResult {
  rejections: number;
  trafficDays: number;
  batches: number;
  routes: number;
  heldDeliveries: number;
  ambiguousReceipts: number;
  lastSenders: number;
}

/**
 * Bounded retention (PIPL minimisation): journal rows, their daily counts and traffic counters older than the retention
 * period, journal batch ids older than a week (replays never reach that far back), receipt routes
 * past their lifetime, held deliveries past their expiry, and the last sender to a recipient after
 * 30 days (LAST_SENDER_RETENTION_MS).
 */
export async function enforceRetention(db: Db, deliveries: DeliveryStore, now: Date, retentionDays: number, routeTtlMs = 3 * DAY_MS): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const removed = await db.delete(rejections).where(lt(rejections.at, cutoff)).returning({ id: rejections.id });
  // Deleted rows uncount themselves (trigger); the counters of days whose partitions were dropped go here.
  await db.delete(rejectionCounts).where(lt(rejectionCounts.day, localDate(cutoff)));
  const days = await db
    .delete(trafficDaily)
    .where(lt(trafficDaily.day, cutoff.toISOString().slice(0, 10)))
    .returning({ day: trafficDaily.day });
  const batches = await db
    .delete(journalBatches)
    .where(lt(journalBatches.appliedAt, new Date(now.getTime() - 7 * DAY_MS)))
    .returning({ id: journalBatches.batchId });
  const purged = await deliveries.purge(now, routeTtlMs);
  return { rejections: removed.length, trafficDays: days.length, batches: batches.length, routes: purged.routes, heldDeliveries: purged.held, ambiguousReceipts: purged.ambiguous, lastSenders: purged.lastSenders };
}

import { asc, eq, gt } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { RegistryChange } from "../db/change-feed.ts";
import { doNotDisturb, honeypots, subscriberPreferences } from "../db/schema/index.ts";
import { parseClock } from "../policy/quiet-hours.ts";
import type { Category } from "../policy/types.ts";
import type { RegistrySnapshot } from "./snapshot.ts";

const BATCH = 50_000;

/** Subscriber preferences and honeypots into the snapshot (thousands, not millions: rows in keyset batches). */
export async function loadShield(db: Db, snapshot: RegistrySnapshot): Promise<void> {
  for (let after: string | undefined; ; ) {
    const rows = await db
      .select()
      .from(subscriberPreferences)
      .where(after ? gt(subscriberPreferences.id, after) : undefined)
      .orderBy(asc(subscriberPreferences.id))
      .limit(BATCH);
    for (const row of rows) applyPreference(snapshot, row);
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
  for (const row of await db.select({ recipientHash: honeypots.recipientHash }).from(honeypots)) snapshot.shield.addHoneypot(row.recipientHash);
}

function applyPreference(snapshot: RegistrySnapshot, row: typeof subscriberPreferences.$inferSelect): void {
  const start = row.bandStart === null ? undefined : parseClock(row.bandStart);
  const end = row.bandEnd === null ? undefined : parseClock(row.bandEnd);
  const band = start !== undefined && end !== undefined ? { start: start % 1440, end: end % 1440 } : null;
  snapshot.shield.setPreference(row.recipientHash, row.categories as Category[], band);
}

/** One change to do_not_disturb, subscriber_preferences or honeypots; false when the change needs a full reload. */
export async function applyShieldChange(db: Db, snapshot: RegistrySnapshot, change: RegistryChange): Promise<boolean> {
  if (change.table === "do_not_disturb") {
    if (change.removed) {
      snapshot.removeDoNotDisturb(change.removed.recipientHash);
      return true;
    }
    if (!change.id) return false;
    const [row] = await db.select({ recipientHash: doNotDisturb.recipientHash }).from(doNotDisturb).where(eq(doNotDisturb.id, change.id));
    if (row) snapshot.addDoNotDisturb(row.recipientHash);
    return true;
  }
  if (change.table === "subscriber_preferences") {
    if (change.removed) {
      snapshot.shield.removePreference(change.removed.recipientHash);
      return true;
    }
    if (!change.id) return false;
    const [row] = await db.select().from(subscriberPreferences).where(eq(subscriberPreferences.id, change.id));
    if (row) applyPreference(snapshot, row);
    return true;
  }
  if (change.table === "honeypots") {
    if (change.removed) {
      snapshot.shield.removeHoneypot(change.removed.recipientHash);
      return true;
    }
    if (!change.id) return false;
    const [row] = await db.select({ recipientHash: honeypots.recipientHash }).from(honeypots).where(eq(honeypots.id, change.id));
    if (row) snapshot.shield.addHoneypot(row.recipientHash);
    return true;
  }
  return false;
}

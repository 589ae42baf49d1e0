import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { settings } from "../db/schema/index.ts";

export async function readSetting(db: Executor, key: string): Promise<string | undefined> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return row?.value;
}

export async function writeSetting(db: Executor, key: string, value: string): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
}

/**
 * The key phone numbers are hashed under. PII_KEY wins; otherwise one is generated on first start
 * and kept in the database so every proxy instance and restart hashes the same way.
 */
export async function resolvePiiKey(db: Executor, configured?: string): Promise<string> {
  if (configured) return configured;
  const stored = await readSetting(db, "pii_key");
  if (stored) return stored;
  const generated = randomBytes(32).toString("hex");
  await db.insert(settings).values({ key: "pii_key", value: generated }).onConflictDoNothing();
  return (await readSetting(db, "pii_key"))!;
}

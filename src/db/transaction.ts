import { encodeChange, type RegistryChange } from "./change-feed.ts";
import { sql } from "drizzle-orm";
import type { Db, Executor } from "./client.ts";
import type { ServiceContext } from "../context.ts";

/** Runs `work` in a transaction (a savepoint when already inside one) with a context bound to it. */
export function withTransaction<T>(ctx: ServiceContext, work: (txCtx: ServiceContext) => Promise<T>): Promise<T> {
  return (ctx.db as Db).transaction((tx) => work({ ...ctx, db: tx }));
}

/** The channel proxies LISTEN on; the payload names what changed. Delivered at commit. */
export const REGISTRY_CHANNEL = "registry_changed";

export type { RegistryChange, RegistryTable } from "./change-feed.ts";

/**
 * Tells every proxy what changed, inside the caller's transaction (so it is delivered at commit,
 * or never). The change is one of the typed forms of ./change-feed.ts; a table alone makes the
 * proxies reload the whole table. The (table, id) form is kept for src/api/signatures until it moves.
 */
export async function notifyRegistryChange(db: Executor, change: RegistryChange): Promise<void> {
  await db.execute(sql`select pg_notify(${REGISTRY_CHANNEL}, ${encodeChange(change)})`);
}

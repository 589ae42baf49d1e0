import { sql } from "drizzle-orm";
import type { Db, Executor } from "./client.ts";
import type { ServiceContext } from "../context.ts";

/** Runs `work` in a transaction (a savepoint when already inside one) with a context bound to it. */
export function withTransaction<T>(ctx: ServiceContext, work: (txCtx: ServiceContext) => Promise<T>): Promise<T> {
  return (ctx.db as Db).transaction((tx) => work({ ...ctx, db: tx }));
}

/** The channel proxies LISTEN on; the payload names what changed. Delivered at commit. */
export const REGISTRY_CHANNEL = "registry_changed";

export async function notifyRegistryChange(db: Executor, what: string): Promise<void> {
  await db.execute(sql`select pg_notify(${REGISTRY_CHANNEL}, ${what})`);
}

/** Rows of a raw `db.execute` result: postgres.js returns an array, PGlite `{ rows }`. */
export function resultRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

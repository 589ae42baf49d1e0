import { sql } from "drizzle-orm";
import type { Db, Executor } from "./client.ts";
import type { ServiceContext } from "../context.ts";

/** Runs `work` in a transaction (a savepoint when already inside one) with a context bound to it. */
export function withTransaction<T>(ctx: ServiceContext, work: (txCtx: ServiceContext) => Promise<T>): Promise<T> {
  return (ctx.db as Db).transaction((tx) => work({ ...ctx, db: tx }));
}

/** The channel proxies LISTEN on; the payload names what changed. Delivered at commit. */
export const REGISTRY_CHANNEL = "registry_changed";

/** Tables the proxies' snapshot mirrors (see src/registry/loader.ts applyChange). */
export type RegistryTable =
  | "service_providers"
  | "enterprises"
  | "contracts"
  | "ports"
  | "port_extensions"
  | "bind_accounts"
  | "signatures"
  | "opt_outs"
  | "do_not_disturb"
  | "settings";

/**
 * Tells every proxy what changed, inside the caller's transaction (so it is delivered at commit,
 * or never). `key` is the row id; for removals that leave no row to read, the loader's removal
 * form: `-<recipientHash>:<enterpriseId>` for opt-outs, `-<recipientHash>` for do-not-disturb.
 * Without a key the proxies reload the whole table.
 */
export async function notifyRegistryChange(db: Executor, table: RegistryTable, key?: string): Promise<void> {
  await db.execute(sql`select pg_notify(${REGISTRY_CHANNEL}, ${key ? `${table}:${key}` : table})`);
}

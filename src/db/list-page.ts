import { and, asc, desc, eq, gt, lt, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgSelect } from "drizzle-orm/pg-core";
import { spScope, type ServiceContext } from "../context.ts";

/** A page request as the services take it: the page size and the decoded cursor (the last key seen). */
export interface PageRequest {
  limit: number;
  after?: string | number;
}

export interface ListPageOptions {
  /** The cursor and order column (ids are UUIDv7, so id order is creation order). */
  key: AnyPgColumn;
  /** Newest first: rows before the cursor, key descending. */
  descending?: boolean;
  /**
   * How an SP actor is confined to its own rows: the column holding the SP id, or the condition
   * built from the SP id. `null` only where the caller has already refused or confined SPs (say why
   * at the call site); the option is required so that no list forgets it.
   */
  sp: AnyPgColumn | ((spId: string) => SQL) | null;
  /** The request's filters; undefined entries are ignored. */
  filters?: (SQL | undefined)[];
  page: PageRequest;
}

/**
 * The one shape of every list: the SP's scope, the filters, the rows after the cursor in key
 * order, and one row past the page (lib/pagination.ts toPage trims it and makes the next cursor).
 * Takes a dynamic select (`db.select().from(t).$dynamic()`) and returns it, typed as it was.
 */
export function listPage<Q extends PgSelect>(query: Q, ctx: ServiceContext, options: ListPageOptions): Q {
  const spId = spScope(ctx.actor);
  const scope = spId === undefined || options.sp === null ? undefined : typeof options.sp === "function" ? options.sp(spId) : eq(options.sp, spId);
  const { after } = options.page;
  const beyondCursor = after === undefined ? undefined : options.descending ? lt(options.key, after) : gt(options.key, after);
  return query
    .where(and(scope, ...(options.filters ?? []), beyondCursor))
    .orderBy(options.descending ? desc(options.key) : asc(options.key))
    .limit(options.page.limit + 1);
}

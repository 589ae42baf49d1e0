/**
 * Statements the proxy runs over and over with the same text (the journal's batch inserts) as
 * prepared statements. Drizzle's `execute` runs a statement unprepared, and postgres.js then sends
 * each one as Parse and Describe, waits for the parameter types, and only then sends Bind and
 * Execute: two round trips, two socket writes and a fresh parse on the server, every time.
 * Prepared, postgres.js keeps the statement per connection (by its text and parameter types) and
 * sends Bind and Execute at once from the second run on. PGlite has no such cost; its driver ignores
 * the name. Only for statements whose text is fixed: every distinct text stays prepared on every
 * connection for its life.
 */
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Executor } from "./client.ts";

const dialect = new PgDialect();

export function executePrepared(executor: Executor, name: string, statement: SQL): Promise<unknown> {
  return executor._.session.prepareQuery(dialect.sqlToQuery(statement), undefined, name, false).execute();
}

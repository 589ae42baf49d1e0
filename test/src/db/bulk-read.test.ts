import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { resultRows } from "../../../src/db/rows.ts";
import { testBackend, useTestDatabase } from "../../helpers/database.ts";

/**
 * Database.bulkRead (PostgreSQL only: PGlite has no second connection to share a snapshot with)
 * is how a proxy loads the national registry at start-up. A row handler that fails must fail the
 * load, loudly, and leave the connections usable: a silent hang here is a proxy that never starts.
 */
const database = useTestDatabase();

it("fails a COPY whose row handler throws, after reading it to its end, and the connections go on", async () => {
  if (testBackend() === "pglite") {
    expect(database.bulkRead).toBeUndefined();
    return;
  }
  const bulkRead = database.bulkRead!.bind(database);
  // 20,000 rows of 1 KB: far more than a stream buffers, so postgres.js pauses the socket while
  // the handler is still at the first row.
  const copy = "select i, repeat('x', 1000) from generate_series(1, 20000) i";
  let seen = 0;
  const failure = await bulkRead(2, async (readers) => {
    const other = readers[1]!.copyRows(copy, () => void seen++);
    await expect(readers[0]!.copyRows(copy, () => {
      throw new Error("handler failed on purpose");
    })).rejects.toThrow("handler failed on purpose");
    await other;
    // The failed reader's connection is free for the next query of the load.
    return readers[0]!.query<{ one: number }>("select 1 as one");
  });
  expect(failure).toEqual([{ one: 1 }]);
  expect(seen).toBe(20_000);
  // And the pool still answers once bulkRead has rolled its connections back.
  expect(resultRows<{ n: number }>(await database.db.execute(sql`select 2 as n`))[0]!.n).toBe(2);
}, 30_000);

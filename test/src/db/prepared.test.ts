import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client.ts";
import { resultRows } from "../../../src/db/rows.ts";
import { Journal } from "../../../src/journal/journal.ts";
import { INSERT_CHUNK } from "../../../src/journal/batch-sql.ts";
import { testBackend, useTestDatabase } from "../../helpers/database.ts";

/**
 * The journal's batch statements run prepared on PostgreSQL (src/db/prepared.ts): parsed once per
 * connection, then bound and executed in one round trip. Unprepared, postgres.js parsed and
 * described each one again (two round trips a statement).
 */
const database = useTestDatabase();

it("writes the journal's batches as prepared statements, one per table, kept by the connection across batches", async () => {
  const route = (i: number) => ({ smscMessageId: `m${i}`, accountId: crypto.randomUUID(), spId: crypto.randomUUID(), createdAt: Date.now() });
  const rejection = (i: number) => ({ at: new Date(), reason: "sublet_no_contract", monitor: false, command: "submit_sm", sourceAddr: "1069000", text: `【测试】第${i}条` });
  const key = { day: "2026-12-02", spId: crypto.randomUUID(), portId: crypto.randomUUID(), signatureId: crypto.randomUUID(), enterpriseId: crypto.randomUUID(), category: "notification" };
  // Three chunks of one statement a round (the last one short).
  const routesPerRound = 2 * INSERT_CHUNK + 100;
  if (testBackend() === "pglite") {
    // PGlite runs the same calls (its driver ignores the name): the rows land.
    const journal = new Journal({ database, spoolDir: mkdtempSync(join(tmpdir(), "spool-")), instanceId: "p1" });
    for (let i = 0; i < routesPerRound; i++) journal.recordRoute(route(i));
    journal.recordRejection(rejection(0));
    await journal.flush();
    expect(resultRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from message_routes`))[0]!.n).toBe(routesPerRound);
    return;
  }
  // One connection, so the statements it keeps are the ones pg_prepared_statements shows.
  const [{ name }] = resultRows<{ name: string }>(await database.db.execute(sql`select current_database() as name`)) as [{ name: string }];
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  const single = await openDatabase({ url: url.toString(), poolSize: 1 });
  try {
    const journal = new Journal({ database: single, spoolDir: mkdtempSync(join(tmpdir(), "spool-")), instanceId: "p1" });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < routesPerRound; i++) journal.recordRoute(route(round * routesPerRound + i));
      journal.recordRejection(rejection(round));
      journal.count(key, "accepted");
      journal.recordLastSender({ recipientHash: "ab".repeat(32), portId: key.portId, enterpriseId: key.enterpriseId, at: Date.now() });
      await journal.flush();
    }
    const prepared = resultRows<{ statement: string; calls: number }>(
      await single.db.execute(sql`select statement, generic_plans + custom_plans as calls from pg_prepared_statements where statement like '%jsonb_array_elements%'`),
    );
    const byTable = (table: string) => prepared.filter((p) => p.statement.includes(`into ${table} `));
    for (const table of ["rejections", "traffic_daily", "message_routes", "last_senders"]) expect(byTable(table)).toHaveLength(1);
    // The routes' one statement ran for all six chunks.
    expect(Number(byTable("message_routes")[0]!.calls)).toBe(6);
    expect(resultRows<{ n: number }>(await single.db.execute(sql`select count(*)::int as n from message_routes`))[0]!.n).toBe(2 * routesPerRound);
  } finally {
    await single.close();
  }
});

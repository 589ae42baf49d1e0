import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rejections } from "../../../src/db/schema/index.ts";
import { resultRows } from "../../../src/db/rows.ts";
import { dropExpiredPartitions, ensurePartitions, listPartitions } from "../../../src/journal/partitions.ts";
import { useTestDatabase } from "../../helpers/database.ts";

const database = useTestDatabase();

let events = 0;
const row = (at: string) => ({ eventId: `p:${++events}`, at: new Date(at), reason: "scope_exceeded", command: "submit_sm", recipientMask: "138****0001" });

async function whereRowsLive(): Promise<Record<string, number>> {
  const result = await database.db.execute(sql`select tableoid::regclass::text as part, count(*)::int as n from rejections group by 1 order by 1`);
  return Object.fromEntries(resultRows<{ part: string; n: number }>(result).map((r) => [r.part, Number(r.n)]));
}

describe("journal partitions", () => {
  it("the migration made rejections a partitioned table with a default partition, keeping its keys", async () => {
    expect(await listPartitions(database.db)).toEqual(["rejections_default"]);
    const kind = resultRows<{ relkind: string }>(await database.db.execute(sql`select relkind from pg_class where relname = 'rejections'`));
    expect(kind[0]!.relkind).toBe("p");
    // The unique (event_id, at) still makes a replayed write a no-op.
    const first = row("2025-01-15T08:00:00Z");
    await database.db.insert(rejections).values(first);
    await database.db.insert(rejections).values({ ...first }).onConflictDoNothing();
    expect(await whereRowsLive()).toEqual({ rejections_default: 1 });
  });

  it("creates monthly partitions ahead, moving rows that waited in the default partition", async () => {
    await database.db.insert(rejections).values([row("2025-01-15T08:00:00Z"), row("2025-01-31T23:59:59Z"), row("2024-06-01T00:00:00Z")]);
    const created = await ensurePartitions(database.db, new Date("2025-02-10T00:00:00Z"));
    expect(created).toEqual(["rejections_p202501", "rejections_p202502", "rejections_p202503", "rejections_p202504"]);
    expect(await ensurePartitions(database.db, new Date("2025-02-11T00:00:00Z"))).toEqual([]);
    await database.db.insert(rejections).values([row("2025-03-05T00:00:00Z"), row("2025-02-01T00:00:00Z")]);
    expect(await whereRowsLive()).toEqual({ rejections_default: 1, rejections_p202501: 2, rejections_p202502: 1, rejections_p202503: 1 });
    // Ids keep coming from the one sequence, and reads through the parent see every partition.
    const [{ n }] = resultRows<{ n: number }>(await database.db.execute(sql`select count(distinct id)::int as n from rejections`)) as [{ n: number }];
    expect(Number(n)).toBe(5);
  });

  it("drops partitions older than the retention as a whole, and old rows left in the default", async () => {
    await ensurePartitions(database.db, new Date("2025-02-10T00:00:00Z"));
    await database.db.insert(rejections).values([row("2025-01-15T08:00:00Z"), row("2025-03-20T00:00:00Z"), row("2025-04-20T00:00:00Z"), row("2024-06-01T00:00:00Z"), row("2026-01-01T00:00:00Z")]);
    const dropped = await dropExpiredPartitions(database.db, new Date("2025-06-01T00:00:00Z"), 60);
    // Cutoff 2025-04-02: January to March ended before it; April did not.
    expect(dropped).toEqual(["rejections_p202501", "rejections_p202502", "rejections_p202503"]);
    expect(await listPartitions(database.db)).toEqual(["rejections_default", "rejections_p202504"]);
    expect(await whereRowsLive()).toEqual({ rejections_default: 1, rejections_p202504: 1 });
  });
});

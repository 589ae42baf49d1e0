import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { Key64Set, recipientKey } from "../../../src/registry/key-set.ts";
import { asOfSql, estimatedRows, loadRange, planRanges, type KeyedSetSource } from "../../../src/registry/keyed-sets.ts";
import { UuidOrdinals } from "../../../src/registry/uuid-ordinals.ts";
import { testBackend, useTestDatabase } from "../../helpers/database.ts";

describe("a keyed set with expiries, read range by range over binary COPY (PostgreSQL)", () => {
  const database = useTestDatabase();
  const enterprise = "01938a6e-1f2c-7d11-9a3b-5c4d3e2f1a0b";
  const source: KeyedSetSource = { name: "expiring", table: "expiring_keys", perEnterprise: true, expiresColumn: "expires_at" };
  const rows = [
    { hash: "0123456789abcdef0123456789abcdef", expires: "2031-05-06T07:08:09.999Z" },
    { hash: "fedcba9876543210fedcba9876543210", expires: null },
    { hash: "00000000ffffffff00000000ffffffff", expires: "2020-01-01T00:00:00Z" }, // expired at load: left out
  ];

  async function load(): Promise<Key64Set> {
    const set = new Key64Set(16, { values: true });
    const ordinals = new UuidOrdinals([enterprise]);
    await database.bulkRead!(1, async ([reader]) => {
      const { tasks } = await planRanges(reader!, [source], asOfSql(Date.parse("2026-12-02T00:00:00Z")));
      for (const task of tasks) await loadRange(reader!, set, task, ordinals, (id) => ordinals.ordinalOfId(id));
    });
    return set;
  }

  const valueOf = (set: Key64Set, hash: string) => {
    const key = recipientKey(hash, 1, [0, 0]);
    return set.valueOf(key[0], key[1]);
  };

  it("keeps each key's expiry in epoch seconds, 0 for none, and leaves out the expired; the row-by-row fallback agrees", async () => {
    if (testBackend() === "pglite") {
      expect(database.bulkRead).toBeUndefined(); // no COPY stream on PGlite: its paged path is the loader test's
      return;
    }
    await database.db.execute(sql`create table expiring_keys (recipient_hash text not null, enterprise_id uuid not null, expires_at timestamptz)`);
    for (const row of rows) await database.db.execute(sql`insert into expiring_keys values (${row.hash}, ${enterprise}, ${row.expires})`);
    const expected = [Math.floor(Date.parse(rows[0]!.expires!) / 1000), 0, undefined];
    const binary = await load();
    expect(rows.map((row) => valueOf(binary, row.hash))).toEqual(expected);
    expect(binary.size).toBe(2);
    // A hash whose first 16 characters are not 16 hex digits (short, or a comma where a digit
    // should be) makes the range irregular: read row by row, with the same values.
    for (const [odd, size] of [["0123456789abcd,f0123456789abcdef", 3], ["short", 4]] as const) {
      await database.db.execute(sql`insert into expiring_keys values (${odd}, ${enterprise}, null)`);
      const rowByRow = await load();
      expect(rows.map((row) => valueOf(rowByRow, row.hash))).toEqual(expected);
      expect(valueOf(rowByRow, odd)).toBe(0);
      expect(rowByRow.size).toBe(size);
    }
  });
});

describe("a keyed set's size before the load (PostgreSQL)", () => {
  const database = useTestDatabase();

  it("comes from the planner's estimate, or from the table's size when it was never analyzed", async () => {
    if (testBackend() === "pglite") {
      expect(database.bulkRead).toBeUndefined(); // sizes matter only to the bulk load
      return;
    }
    const source: KeyedSetSource = { name: "sized", table: "sized_keys", perEnterprise: false };
    await database.db.execute(sql`create table sized_keys (recipient_hash text not null)`);
    await database.db.execute(sql`insert into sized_keys select md5(i::text) from generate_series(1, 20000) i`);
    // Never analyzed (reltuples -1): sized at 128 bytes a row, not taken for empty.
    const unanalyzed = await estimatedRows(database.db, [source]);
    expect(unanalyzed).toBeGreaterThan(5_000);
    expect(unanalyzed).toBeLessThan(80_000);
    await database.db.execute(sql`analyze sized_keys`);
    expect(await estimatedRows(database.db, [source])).toBe(20_000);
    const planned = await database.bulkRead!(1, async ([reader]) => planRanges(reader!, [source], asOfSql(Date.now())));
    expect(planned.estimates.get("sized")).toBe(20_000);
  });
});

import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { resultRows } from "../../../src/db/rows.ts";
import { Key64Set, recipientEnterpriseKey } from "../../../src/registry/key-set.ts";
import { asOfSql, estimatedRows, loadKeyedSetPaged, loadRange, planRanges, type KeyedSetSource } from "../../../src/registry/keyed-sets.ts";
import { RegistrySnapshot } from "../../../src/registry/snapshot.ts";
import { testBackend, useTestDatabase } from "../../helpers/database.ts";

describe("a keyed set with expiries, read range by range (PostgreSQL: binary COPY) or page by page (PGlite)", () => {
  const database = useTestDatabase();
  const enterprise = "01938a6e-1f2c-7d11-9a3b-5c4d3e2f1a0b";
  const source: KeyedSetSource = { name: "expiring", table: "expiring_keys", perEnterprise: true, expiresColumn: "expires_at" };
  const rows = [
    { hash: "0123456789abcdef0123456789abcdef", expires: "2031-05-06T07:08:09.999Z" },
    { hash: "FEDCBA9876543210fedcba9876543210", expires: null },
    { hash: "00000000ffffffff00000000ffffffff", expires: "2020-01-01T00:00:00Z" }, // expired at load: left out
  ];
  const asOf = asOfSql(Date.parse("2026-12-02T00:00:00Z"));

  async function load(): Promise<Key64Set> {
    if (!database.bulkRead) {
      const snapshot = new RegistrySnapshot();
      const set = snapshot.putKeyedSet(source.name, new Key64Set(16, { values: true }));
      await loadKeyedSetPaged(database.db, snapshot, source, asOf);
      return set;
    }
    const set = new Key64Set(16, { values: true });
    await database.bulkRead(1, async ([reader]) => {
      const { tasks } = await planRanges(reader!, [source], asOf);
      for (const task of tasks) await loadRange(reader!, set, task);
    });
    return set;
  }

  const valueOf = (set: Key64Set, hash: string) => {
    const key = recipientEnterpriseKey(hash, enterprise, [0, 0]);
    return set.valueOf(key[0], key[1]);
  };

  it("keeps each key's expiry in epoch seconds, 0 for none, and leaves out the expired; a row without a key is read row by row, to the same values", async () => {
    await database.db.execute(sql`create table expiring_keys (id uuid primary key default gen_random_uuid(), recipient_hash text not null, enterprise_id uuid not null, expires_at timestamptz,
      recipient_key bigint generated always as (recipient_set_key(recipient_hash, enterprise_id)) stored)`);
    for (const row of rows) await database.db.execute(sql`insert into expiring_keys (recipient_hash, enterprise_id, expires_at) values (${row.hash}, ${enterprise}, ${row.expires})`);
    const expected = [Math.floor(Date.parse(rows[0]!.expires!) / 1000), 0, undefined];
    const keyed = await load();
    expect(rows.map((row) => valueOf(keyed, row.hash))).toEqual(expected);
    expect(keyed.size).toBe(2);
    // A hash whose first 16 characters are not 16 hex digits (a comma among them, or short) has
    // no key: its range or page is read row by row, with the same values.
    for (const [odd, size] of [["0123456789abcd,f0123456789abcdef", 3], ["short", 4]] as const) {
      await database.db.execute(sql`insert into expiring_keys (recipient_hash, enterprise_id) values (${odd}, ${enterprise})`);
      const rowByRow = await load();
      expect(rows.map((row) => valueOf(rowByRow, row.hash))).toEqual(expected);
      expect(valueOf(rowByRow, odd)).toBe(0);
      expect(rowByRow.size).toBe(size);
    }
  });
});

describe("the database's recipient keys (drizzle/0012_recipient_keys.sql)", () => {
  const database = useTestDatabase();

  it("are the snapshot's keys for the same hash and enterprise, in every table that carries them", async () => {
    const db = database.db;
    const random = (digits: number) => Array.from({ length: digits }, () => "0123456789abcdef"[Math.floor(Math.random() * 16)]).join("");
    const enterprises = Array.from({ length: 20 }, () => `${random(8)}-${random(4)}-4${random(3)}-${"89ab"[Math.floor(Math.random() * 4)]}${random(3)}-${random(12)}`);
    enterprises.push("00000000-0000-4000-8000-000000000000", "ffffffff-ffff-4fff-bfff-ffffffffffff");
    for (const [i, id] of enterprises.entries()) await db.execute(sql`insert into enterprises (id, name, uscc) values (${id}, ${`企业${i}`}, ${`91110000KEYS${String(i).padStart(5, "0")}X`})`);
    const cases: { hash: string; enterprise: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const hash = i % 7 === 0 ? random(64).toUpperCase() : random(64);
      cases.push({ hash, enterprise: enterprises[i % enterprises.length]! });
    }
    // Keys with the top bit set, all zero and all one: signed in the database, unsigned words here.
    cases.push({ hash: "ffffffffffffffff", enterprise: enterprises[0]! }, { hash: "0000000000000000", enterprise: enterprises[20]! }, { hash: "ffffffffffffffff", enterprise: enterprises[21]! });
    for (const [i, c] of cases.entries()) {
      await db.execute(sql`insert into opt_outs (id, recipient_hash, recipient_mask, enterprise_id, source) values (gen_random_uuid(), ${c.hash}, ${`138****${String(i).padStart(4, "0")}`}, ${c.enterprise}, 'api')`);
      if (i < 50) await db.execute(sql`insert into do_not_disturb (id, recipient_hash, recipient_mask) values (gen_random_uuid(), ${c.hash}, '138****0000')`);
    }
    const hex = (hi: number, lo: number) => hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
    const keyOf = (hash: string, enterprise?: string) => hex(...recipientEnterpriseKey(hash, enterprise, [0, 0]));
    const stored = async (table: string, enterprise: boolean) =>
      resultRows<{ hash: string; enterprise: string | null; key: string | null }>(
        await db.execute(sql.raw(`select recipient_hash as hash, ${enterprise ? "enterprise_id::text" : "null"} as enterprise, lpad(to_hex(recipient_key), 16, '0') as key from ${table}`)),
      );
    const optOuts = await stored("opt_outs", true);
    expect(optOuts).toHaveLength(cases.length);
    for (const row of optOuts) expect(row.key).toBe(keyOf(row.hash, row.enterprise!));
    const dnd = await stored("do_not_disturb", false);
    expect(dnd).toHaveLength(50);
    for (const row of dnd) expect(row.key).toBe(keyOf(row.hash));
    // Consents use the same function; a grant's key is its recipient's key for its enterprise.
    const [consent] = resultRows<{ key: string }>(
      await db.execute(sql`select lpad(to_hex(recipient_set_key(${cases[1]!.hash}, ${cases[1]!.enterprise}::uuid)), 16, '0') as key`),
    );
    expect(consent!.key).toBe(keyOf(cases[1]!.hash, cases[1]!.enterprise));
    // No key for a hash that is not hex: such a row is read row by row.
    const [none] = resultRows<{ key: string | null }>(await db.execute(sql`select recipient_set_key('not-hex-at-all-x', ${enterprises[0]!}::uuid)::text as key`));
    expect(none!.key).toBeNull();
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

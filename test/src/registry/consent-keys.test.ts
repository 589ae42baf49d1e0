import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { resultRows } from "../../../src/db/rows.ts";
import { useTestDatabase } from "../../helpers/database.ts";

const database = useTestDatabase();
const ENTERPRISE = "01938a6e-1f2c-7d11-9a3b-5c4d3e2f1a0b";

/** The ids in the projection (drizzle/0013_consent_keys.sql, 0014), with their keys and expiries. */
async function projection(): Promise<{ id: string; key: string | null; expires: string | null }[]> {
  return resultRows<{ id: string; key: string | null; expires: string | null }>(
    await database.db.execute(sql`select id::text as id, recipient_key::text as key, expires_at::text as expires from consent_keys order by id`),
  );
}

async function grant(id: string, hash: string, kind: "grant" | "withdrawal" = "grant"): Promise<void> {
  await database.db.execute(sql`insert into consents (id, kind, recipient_hash, recipient_mask, enterprise_id, categories, expires_at, recorded_at, recorded_by_type, prev_hash, hash)
    values (${id}, ${kind}, ${hash}, '139****0001', ${ENTERPRISE}, '{marketing}', '2031-01-01T00:00:00Z', now(), 'system', '', '')`);
}

it("holds exactly the ledger's grants that are neither withdrawn nor pruned, whatever writes the ledger", async () => {
  await database.db.execute(sql`insert into enterprises (id, name, uscc) values (${ENTERPRISE}, '投影企业', '91110000PROJ00000X')`);
  const ids = ["90000000-0000-4000-8000-000000000001", "90000000-0000-4000-8000-000000000002", "90000000-0000-4000-8000-000000000003", "90000000-0000-4000-8000-000000000004"];
  await grant(ids[0]!, "0123456789abcdef0123456789abcdef");
  await grant(ids[1]!, "fedcba9876543210fedcba9876543210");
  await grant(ids[2]!, "not-hex"); // no key, still current: the load reads its hash from the ledger
  await grant(ids[3]!, "00112233445566778899aabbccddeeff", "withdrawal"); // a withdrawal entry is never a consent
  const [keyOfFirst] = resultRows<{ key: string }>(await database.db.execute(sql`select recipient_key::text as key from consents where id = ${ids[0]}`));
  expect(await projection()).toEqual([
    { id: ids[0], key: keyOfFirst!.key, expires: expect.stringContaining("2031-01-01") },
    { id: ids[1], key: expect.any(String), expires: expect.stringContaining("2031-01-01") },
    { id: ids[2], key: null, expires: expect.stringContaining("2031-01-01") },
  ]);
  // Withdrawn (the service's update), pruned (retention's), its expiry moved: followed at once.
  await database.db.execute(sql`update consents set withdrawn_at = now() where id = ${ids[0]}`);
  await database.db.execute(sql`update consents set recipient_hash = '', recipient_mask = '', pruned_at = now() where id = ${ids[1]}`);
  await database.db.execute(sql`update consents set expires_at = '2032-02-02T00:00:00Z' where id = ${ids[2]}`);
  expect(await projection()).toEqual([{ id: ids[2], key: null, expires: expect.stringContaining("2032-02-02") }]);
  // A write that is rolled back leaves no trace in either.
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`update consents set withdrawn_at = null where id = ${ids[0]}`);
    tx.rollback();
  }).catch(() => {});
  expect((await projection()).map((row) => row.id)).toEqual([ids[2]]);
  // Deleted or truncated with the ledger (a restore, a test's reset): the projection empties too.
  await database.db.execute(sql`delete from consents where id = ${ids[2]}`);
  expect(await projection()).toEqual([]);
  await grant("90000000-0000-4000-8000-000000000005", "0123456789abcdef0123456789abcdef");
  expect(await projection()).toHaveLength(1);
  await database.db.execute(sql`truncate consents`);
  expect(await projection()).toEqual([]);
});

it("rebuilds from the ledger exactly what the trigger holds (consent_keys_rebuild, after a bulk load with the trigger held)", async () => {
  await database.db.execute(sql`insert into enterprises (id, name, uscc) values (${ENTERPRISE}, '投影企业', '91110000PROJ00000X')`);
  const ids = ["91000000-0000-4000-8000-000000000001", "91000000-0000-4000-8000-000000000002", "91000000-0000-4000-8000-000000000003", "91000000-0000-4000-8000-000000000004"];
  await grant(ids[0]!, "0123456789abcdef0123456789abcdef");
  await grant(ids[1]!, "fedcba9876543210fedcba9876543210");
  await grant(ids[2]!, "00112233445566778899aabbccddeeff", "withdrawal");
  await grant(ids[3]!, "not-hex");
  await database.db.execute(sql`update consents set withdrawn_at = now() where id = ${ids[1]}`);
  const kept = await projection();
  expect(kept.map((row) => row.id)).toEqual([ids[0], ids[3]]);
  // A bulk write with the trigger held leaves the projection behind the ledger; the rebuild mends it.
  await database.db.execute(sql`alter table consents disable trigger consent_keys_sync`);
  await grant("91000000-0000-4000-8000-000000000005", "ffeeddccbbaa99887766554433221100");
  await database.db.execute(sql`update consents set recipient_hash = '', recipient_mask = '', pruned_at = now() where id = ${ids[0]}`);
  await database.db.execute(sql`alter table consents enable trigger consent_keys_sync`);
  expect(await projection()).toEqual(kept);
  const [rebuilt] = resultRows<{ held: number }>(await database.db.execute(sql`select consent_keys_rebuild()::int as held`));
  expect(rebuilt!.held).toBe(2);
  expect((await projection()).map((row) => row.id)).toEqual([ids[3], "91000000-0000-4000-8000-000000000005"]);
  // And the trigger, which now asks the same function, still follows a write.
  await database.db.execute(sql`update consents set withdrawn_at = now() where id = ${ids[3]}`);
  expect((await projection()).map((row) => row.id)).toEqual(["91000000-0000-4000-8000-000000000005"]);
});

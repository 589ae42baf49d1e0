import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { applyChange, loadSnapshot } from "../../../src/registry/loader.ts";
import { RegistrySnapshot } from "../../../src/registry/snapshot.ts";
import { resultRows } from "../../../src/db/rows.ts";
import { codesOf } from "../../../src/db/errors.ts";
import { benchId, KIND, seedRegistry } from "../../bench/registry-seed.ts";
import { testBackend, useTestDatabase } from "../../helpers/database.ts";


const database = useTestDatabase();

describe("full snapshot load (bulk path)", () => {
  // PostgreSQL: the keyed sets on this thread, and on two worker threads (as at national scale).
  const threadCounts = testBackend() === "postgres" ? [0, 2] : [0];
  it.each(threadCounts)("builds the same snapshot as applying every row through the change feed's per-row path (keyed-set threads: %i)", async (threads) => {
    await seedRegistry(database, { name: "tiny", serviceProviders: 2, ports: 4, enterprises: 6, optOuts: 300, doNotDisturb: 20, consents: 120 });
    const db = database.db;
    // The odd rows a bulk path could get wrong.
    await db.execute(sql`update enterprises set status = 'suspended' where id = ${benchId(KIND.enterprise, 3)}`);
    await db.execute(sql`update signatures set expires_at = '2027-03-04T05:06:07.891234Z' where id = ${benchId(KIND.signature, 7)}`);
    await db.execute(sql`update signatures set status = 'pending' where id = ${benchId(KIND.signature, 8)}`);
    // A template-only signature (the content rules): the COPY path must carry the flag too.
    await db.execute(sql`update signatures set template_required = true where id = ${benchId(KIND.signature, 6)}`);
    await db.execute(sql`delete from signature_ports where signature_id = ${benchId(KIND.signature, 9)}`);
    await db.execute(sql`insert into signature_ports (signature_id, port_id, extension) values (${benchId(KIND.signature, 10)}, ${benchId(KIND.port, 3)}, '07')`);
    await db.execute(sql`insert into opt_outs (id, recipient_hash, recipient_mask, enterprise_id, source)
      values ('70000000-0000-4000-8000-ffffffffffff', 'ABCDEF0123456789ABCDEF0123456789', '138****0001', ${benchId(KIND.enterprise, 2)}, 'api'),
             ('70000000-0000-4000-8000-fffffffffffe', 'short', '138****0002', ${benchId(KIND.enterprise, 2)}, 'api')`);

    // Consents the projection (consent_keys, kept by a trigger) must follow: one withdrawn, one
    // pruned, one expired, and one whose hash is not hex (no key: read from the ledger by its id).
    const consentIds = resultRows<{ id: string }>(await db.execute(sql`select id::text as id from consents order by id limit 4`)).map((row) => row.id);
    await db.execute(sql`update consents set withdrawn_at = now() where id = ${consentIds[0]}`);
    await db.execute(sql`update consents set recipient_hash = '', recipient_mask = '', pruned_at = now() where id = ${consentIds[1]}`);
    await db.execute(sql`update consents set expires_at = now() - interval '1 day' where id = ${consentIds[2]}`);
    await db.execute(sql`insert into consents (id, kind, recipient_hash, recipient_mask, enterprise_id, categories, expires_at, recorded_at, recorded_by_type, prev_hash, hash)
      select '90000000-0000-4000-8000-fffffffffff0', kind, 'not-hex-consent', recipient_mask, enterprise_id, categories, expires_at, recorded_at, recorded_by_type, prev_hash, hash
      from consents where id = ${consentIds[3]}`);

    // An escaped signature text.
    await db.execute(sql`update signatures set text = ${"企业1签\\0\t"} where id = ${benchId(KIND.signature, 5)}`);

    // PostgreSQL: the COPY path over bulkRead; PGlite: the paged path.
    const bulk = await loadSnapshot(db, {}, { bulkRead: database.bulkRead?.bind(database), keyedSetThreads: threads });
    expect(Boolean(database.bulkRead)).toBe(testBackend() === "postgres");

    const rowByRow = new RegistrySnapshot();
    for (const table of ["service_providers", "settings"]) await applyChange(db, rowByRow, table);
    const ids = async (table: string) => resultRows<{ id: string }>(await db.execute(sql.raw(`select id::text as id from ${table} order by id`))).map((r) => r.id);
    for (const table of ["enterprises", "ports", "contracts", "bind_accounts", "signatures", "opt_outs", "do_not_disturb", "consents"]) {
      for (const id of await ids(table)) expect(await applyChange(db, rowByRow, `${table}:${id}`)).toBe(true);
    }

    const { optOutBytes: _presized, consentBytes: _presizedConsents, ...counts } = bulk.stats(); // the bulk load presizes its sets
    const { optOutBytes: _grown, consentBytes: _grownConsents, ...expected } = rowByRow.stats();
    expect(counts).toEqual(expected);
    for (const [id, entry] of rowByRow.signaturesById) {
      const loaded = bulk.signaturesById.get(id)!;
      expect({ ...loaded, scope: [...loaded.scope].sort(), bindings: [...loaded.bindings].sort((a, b) => a.portId.localeCompare(b.portId) || a.extension.localeCompare(b.extension)) }).toEqual({
        ...entry,
        scope: [...entry.scope].sort(),
        bindings: [...entry.bindings].sort((a, b) => a.portId.localeCompare(b.portId) || a.extension.localeCompare(b.extension)),
      });
    }
    expect(bulk.signaturesById.get(benchId(KIND.signature, 15))!.status).toBe("suspended"); // enterprise 3 is suspended
    expect(bulk.signaturesById.get(benchId(KIND.signature, 7))!.expiresAt).toBe(Date.parse("2027-03-04T05:06:07.891Z"));
    const optOutRows = resultRows<{ hash: string; enterprise: string }>(await db.execute(sql`select recipient_hash as hash, enterprise_id::text as enterprise from opt_outs`));
    for (const row of optOutRows) {
      expect(bulk.isOptedOut(row.hash, row.enterprise)).toBe(true);
      expect(rowByRow.isOptedOut(row.hash, row.enterprise)).toBe(true);
    }
    const dndRows = resultRows<{ hash: string }>(await db.execute(sql`select recipient_hash as hash from do_not_disturb`));
    for (const row of dndRows) expect(bulk.isDoNotDisturb(row.hash)).toBe(true);
    expect(bulk.isOptedOut("0123456789abcdef0123456789abcdef", benchId(KIND.enterprise, 2))).toBe(false);
    const consentRows = resultRows<{ id: string; hash: string; enterprise: string; current: boolean }>(
      await db.execute(sql`select id::text as id, recipient_hash as hash, enterprise_id::text as enterprise,
        (kind = 'grant' and withdrawn_at is null and recipient_hash <> '' and expires_at > now()) as current from consents`),
    );
    expect(consentRows).toHaveLength(121);
    expect(consentRows.filter((row) => row.current)).toHaveLength(118);
    for (const row of consentRows) {
      expect(bulk.hasConsent(row.hash, row.enterprise), row.id).toBe(row.current);
      expect(rowByRow.hasConsent(row.hash, row.enterprise), row.id).toBe(row.current);
    }
    // The withdrawn one's recipient, by its hash before it was pruned or not: no consent.
    const [withdrawn] = resultRows<{ hash: string; enterprise: string }>(await db.execute(sql`select recipient_hash as hash, enterprise_id::text as enterprise from consents where id = ${consentIds[0]}`));
    expect(bulk.hasConsent(withdrawn!.hash, withdrawn!.enterprise)).toBe(false);
    expect(bulk.hasConsent("not-hex-consent", consentRows.find((row) => row.hash === "not-hex-consent")!.enterprise)).toBe(true);
    expect(bulk.hasConsent(consentRows[0]!.hash, benchId(KIND.enterprise, (Number.parseInt(consentRows[0]!.enterprise.slice(-12), 16) + 1) % 6))).toBe(false);
  }, 60_000);

  it("refuses an enterprise whose UUID shares its last 8 bytes with another's: their recipients' keys would merge", async () => {
    await seedRegistry(database, { name: "tiny", serviceProviders: 2, ports: 4, enterprises: 6, optOuts: 30, doNotDisturb: 2, consents: 12 });
    const db = database.db;
    const original = benchId(KIND.enterprise, 2);
    const twin = `2fffffff-ffff-4fff-${original.slice(19)}`; // the same last 8 bytes
    expect(twin.slice(-17)).toBe(original.slice(-17));
    const refused = await db.execute(sql`insert into enterprises (id, name, uscc, status) values (${twin}, '孪生企业', '91110000TWIN00000X', 'active')`).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(codesOf(refused)).toContain("23505");
    // Another last 8 bytes: accepted, and its opt-outs are its own.
    const other = `2fffffff-ffff-4fff-8fff-${original.slice(24)}`;
    await db.execute(sql`insert into enterprises (id, name, uscc, status) values (${other}, '另一企业', '91110000OTHR00000X', 'active')`);
    const hash = "fedcba9876543210fedcba9876543210";
    await db.execute(sql`insert into opt_outs (id, recipient_hash, recipient_mask, enterprise_id, source) values ('70000000-0000-4000-8000-fffffffffffd', ${hash}, '138****0003', ${other}, 'api')`);
    const bulk = await loadSnapshot(db, {}, { bulkRead: database.bulkRead?.bind(database) });
    expect(bulk.isOptedOut(hash, other)).toBe(true);
    expect(bulk.isOptedOut(hash, original)).toBe(false);
  }, 60_000);
});

import { Writable } from "node:stream";
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { contracts, enterprises, optOuts, portExtensions, ports, serviceProviders, settings, signaturePorts, signatures } from "../../../src/db/schema/index.ts";
import { REGISTRY_CHANNEL, notifyRegistryChange } from "../../../src/db/transaction.ts";
import { newId } from "../../../src/lib/ids.ts";
import { Registry } from "../../../src/registry/registry.ts";
import { useTestDatabase } from "../../helpers/database.ts";
import { waitFor } from "../../helpers/wait.ts";
import { DEFAULT_POLICY_SETTINGS } from "../../../src/settings/policy-settings.schemas.ts";

const database = useTestDatabase();
let registry: Registry;
afterEach(async () => {
  await registry?.stop();
});

async function seed() {
  const db = database.db;
  const spId = newId();
  const enterpriseId = newId();
  const portId = newId();
  const signatureId = newId();
  await db.insert(serviceProviders).values({ id: spId, name: "SP", licenceNumber: "B2-20190001" });
  await db.insert(enterprises).values({ id: enterpriseId, name: "云端科技", uscc: "91350100M000100Y43" });
  await db.insert(contracts).values({ id: newId(), spId, enterpriseId, validFrom: "2026-01-01", validTo: "2026-12-31" });
  await db.insert(ports).values({ id: portId, number: "10690001", spId });
  await db.insert(portExtensions).values({ id: newId(), portId, extension: "12", enterpriseId });
  await db.insert(signatures).values({ id: signatureId, text: "云端科技", enterpriseId, spId, status: "approved", scope: ["verification", "marketing"] });
  await db.insert(signaturePorts).values({ signatureId, portId, extension: "" });
  return { spId, enterpriseId, portId, signatureId };
}


describe("registry snapshot", () => {
  it("loads the registry and answers the hot-path lookups", async () => {
    const ids = await seed();
    registry = new Registry({ database });
    await registry.start();
    const view = registry.snapshot;
    expect(view.matchPort("10690001")).toMatchObject({ port: { id: ids.portId }, suffix: "" });
    expect(view.matchPort("1069000112345")).toMatchObject({ suffix: "12345", extension: { extension: "12", enterpriseId: ids.enterpriseId } });
    expect(view.matchPort("1069000199")?.extension).toBeUndefined();
    expect(view.matchPort("10690002")).toBeUndefined();
    expect(view.signatureByText("云端科技")).toMatchObject({ id: ids.signatureId, status: "approved", bindings: [{ portId: ids.portId, extension: "" }] });
    expect(view.hasContract(ids.spId, ids.enterpriseId, Date.parse("2026-01-01T00:00:00+08:00"))).toBe(true);
    expect(view.hasContract(ids.spId, ids.enterpriseId, Date.parse("2026-12-31T23:59:59+08:00"))).toBe(true);
    expect(view.hasContract(ids.spId, ids.enterpriseId, Date.parse("2027-01-01T00:00:00+08:00"))).toBe(false);
    expect(view.hasContract(ids.spId, ids.enterpriseId, Date.parse("2025-12-31T23:59:59+08:00"))).toBe(false);
    expect(registry.health().fresh).toBe(true);
  });

  it("applies changes from the feed within a second, without a full reload", async () => {
    const ids = await seed();
    registry = new Registry({ database });
    await registry.start();
    const reloads = registry.health().reloads;

    await database.db.transaction(async (tx) => {
      await tx.update(signatures).set({ status: "suspended" }).where(eq(signatures.id, ids.signatureId));
      await notifyRegistryChange(tx, { table: "signatures", id: ids.signatureId });
    });
    const elapsed = await waitFor(() => registry.snapshot.signatureByText("云端科技")?.status === "suspended", 1000, "the change in the snapshot");
    expect(elapsed).toBeLessThan(1000);

    const hash = "ab".repeat(16);
    const optOutId = newId();
    await database.db.insert(optOuts).values({ id: optOutId, recipientHash: hash, recipientMask: "138****0001", enterpriseId: ids.enterpriseId, source: "api" });
    await notifyRegistryChange(database.db, { table: "opt_outs", id: optOutId });
    await waitFor(() => registry.snapshot.isOptedOut(hash, ids.enterpriseId), 1000, "the change in the snapshot");
    expect(registry.snapshot.isOptedOut(hash, newId())).toBe(false);

    await database.db.delete(optOuts).where(eq(optOuts.id, optOutId));
    await notifyRegistryChange(database.db, { table: "opt_outs", removed: { recipientHash: hash, enterpriseId: ids.enterpriseId } });
    await waitFor(() => !registry.snapshot.isOptedOut(hash, ids.enterpriseId), 1000, "the change in the snapshot");

    await database.db.update(enterprises).set({ status: "suspended" }).where(eq(enterprises.id, ids.enterpriseId));
    await database.db.update(signatures).set({ status: "approved" }).where(eq(signatures.id, ids.signatureId));
    await notifyRegistryChange(database.db, { table: "enterprises", id: ids.enterpriseId });
    await waitFor(() => registry.snapshot.signatureByText("云端科技")?.status === "suspended", 1000, "the change in the snapshot");
    expect(registry.health().reloads).toBe(reloads);
  });

  it("logs a malformed change and reloads instead of wedging the feed; later changes still apply", async () => {
    const ids = await seed();
    const lines: { msg: string; payload?: string; error?: string }[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    registry = new Registry({ database, logger: pino({ level: "warn" }, sink) });
    await registry.start();
    const reloads = registry.health().reloads;

    // Not written by encodeChange: an id PostgreSQL cannot read as a uuid, a table the feed does not
    // carry (the old signature_ports), an opt-out removal without its enterprise.
    for (const payload of ["signatures:not-a-uuid", `signature_ports:${ids.signatureId}`, "opt_outs:-abcd", "settings:1"]) {
      await database.db.execute(sql`select pg_notify(${REGISTRY_CHANNEL}, ${payload})`);
    }
    await waitFor(() => lines.filter((l) => l.msg.startsWith("malformed registry change")).length === 4, 3000);
    expect(lines.map((l) => l.payload)).toEqual(["signatures:not-a-uuid", `signature_ports:${ids.signatureId}`, "opt_outs:-abcd", "settings:1"]);

    await database.db.update(signatures).set({ status: "suspended" }).where(eq(signatures.id, ids.signatureId));
    await database.db.execute(sql`select pg_notify(${REGISTRY_CHANNEL}, ${`signatures:${ids.signatureId}`})`);
    await waitFor(() => registry.snapshot.signatureByText("云端科技")?.status === "suspended", 3000);
    expect(registry.health()).toMatchObject({ fresh: true });
    expect(registry.health().reloads).toBeGreaterThan(reloads);
  });

  it("reads each stored policy setting through its schema: a bad one keeps its default and is logged, the others apply", async () => {
    await seed();
    const warnings: { msg: string; key?: string }[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) warnings.push(JSON.parse(line));
        done();
      },
    });
    await database.db.insert(settings).values([
      { key: "policy.rule_modes", value: "{not json" },
      { key: "policy.quiet_hours", value: JSON.stringify({ start: "22:00", end: "07:00", timeZoneOffsetMinutes: 480 }) },
      { key: "policy.daily_marketing_cap", value: "many" },
    ]);
    registry = new Registry({ database, logger: pino({ level: "warn" }, sink) });
    await registry.start();
    expect(registry.snapshot.settings).toEqual({ ...DEFAULT_POLICY_SETTINGS, ruleModes: {}, quietHours: { start: "22:00", end: "07:00", timeZoneOffsetMinutes: 480 }, dailyMarketingCap: 5 });
    expect(warnings.filter((w) => w.msg.startsWith("invalid stored setting")).map((w) => w.key).sort()).toEqual(["policy.daily_marketing_cap", "policy.rule_modes"]);

    // A value of the right JSON shape but outside the schema (quiet hours at 25:00) is refused too.
    await database.db.update(settings).set({ value: JSON.stringify({ start: "25:00", end: "07:00", timeZoneOffsetMinutes: 480 }) }).where(eq(settings.key, "policy.quiet_hours"));
    await database.db.update(settings).set({ value: JSON.stringify({ signature: "monitor" }) }).where(eq(settings.key, "policy.rule_modes"));
    await database.db.execute(sql`select pg_notify(${REGISTRY_CHANNEL}, 'settings')`);
    await waitFor(() => registry.snapshot.settings.ruleModes.signature === "monitor", 1000, "the change in the snapshot");
    expect(registry.snapshot.settings.quietHours).toEqual({ start: "21:00", end: "08:00", timeZoneOffsetMinutes: 480 });
    expect(warnings.some((w) => w.msg.startsWith("invalid stored setting") && w.key === "policy.quiet_hours")).toBe(true);
  });
});

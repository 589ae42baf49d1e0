import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { contracts, enterprises, optOuts, portExtensions, ports, serviceProviders, signaturePorts, signatures } from "../../src/db/schema/index.ts";
import { notifyRegistryChange } from "../../src/db/transaction.ts";
import { newId } from "../../src/lib/ids.ts";
import { Registry } from "../../src/registry/registry.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

let database: TestDatabase;
let registry: Registry;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await registry?.stop();
  await database.destroy();
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

function waitFor(check: () => boolean, timeoutMs = 1000): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve(performance.now() - started);
      if (performance.now() - started > timeoutMs) return reject(new Error(`not seen within ${timeoutMs} ms`));
      setTimeout(tick, 5);
    };
    tick();
  });
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
      await notifyRegistryChange(tx, "signatures", ids.signatureId);
    });
    const elapsed = await waitFor(() => registry.snapshot.signatureByText("云端科技")?.status === "suspended");
    expect(elapsed).toBeLessThan(1000);

    const hash = "ab".repeat(16);
    const optOutId = newId();
    await database.db.insert(optOuts).values({ id: optOutId, recipientHash: hash, recipientMask: "138****0001", enterpriseId: ids.enterpriseId, source: "api" });
    await notifyRegistryChange(database.db, "opt_outs", optOutId);
    await waitFor(() => registry.snapshot.isOptedOut(hash, ids.enterpriseId));
    expect(registry.snapshot.isOptedOut(hash, newId())).toBe(false);

    await database.db.delete(optOuts).where(eq(optOuts.id, optOutId));
    await notifyRegistryChange(database.db, "opt_outs", `-${hash}:${ids.enterpriseId}`);
    await waitFor(() => !registry.snapshot.isOptedOut(hash, ids.enterpriseId));

    await database.db.update(enterprises).set({ status: "suspended" }).where(eq(enterprises.id, ids.enterpriseId));
    await database.db.update(signatures).set({ status: "approved" }).where(eq(signatures.id, ids.signatureId));
    await notifyRegistryChange(database.db, "enterprises", ids.enterpriseId);
    await waitFor(() => registry.snapshot.signatureByText("云端科技")?.status === "suspended");
    expect(registry.health().reloads).toBe(reloads);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { enterprises } from "../../../src/db/schema/index.ts";
import { newId } from "../../../src/lib/ids.ts";
import { createPiiProtector } from "../../../src/lib/pii.ts";
import { Registry } from "../../../src/registry/registry.ts";
import { recordConsent, withdrawConsent } from "../../../src/consents/consents.service.ts";
import type { ServiceContext } from "../../../src/context.ts";
import { useTestDatabase } from "../../helpers/database.ts";
import { waitFor } from "../../helpers/world.ts";

/**
 * The proxies' copy of the consent ledger: a consent recorded or withdrawn reaches a running
 * registry through the change feed, a reload starts from the current ones only, and a consent whose
 * period ends leaves the snapshot at the next sweep (each health check) without anyone announcing it.
 */
const database = useTestDatabase();
let registry: Registry | undefined;
afterEach(async () => {
  await registry?.stop();
  registry = undefined;
});

const pii = createPiiProtector("test-pii-key-0123456789abcdef0123456789");
const DAY = 86_400_000;

describe("registry: consents", () => {
  it("follows records, withdrawals and expiry; a reload holds only current consents", async () => {
    let clock = Date.now();
    const enterpriseId = newId();
    await database.db.insert(enterprises).values({ id: enterpriseId, name: "云端科技", uscc: "91350100M000100Y43" });
    registry = new Registry({ database, clock: () => clock, healthIntervalMs: 50 });
    await registry.start();
    const ctx = (): ServiceContext => ({ db: database.db, actor: { type: "operator", id: "op" }, now: new Date(clock), pii });
    const grant = (msisdn: string, periodDays: number) =>
      recordConsent(ctx(), { recipientHash: pii.hash(msisdn), recipientMask: pii.mask(msisdn), enterpriseId, categories: ["marketing"], frequency: "每周1条", periodDays, source: "contract", evidenceRef: `ct-${msisdn}` });

    await grant("13800130301", 1);
    await grant("13800130302", 30);
    const shortLived = () => registry!.snapshot.hasConsent(pii.hash("13800130301"), enterpriseId);
    const longLived = () => registry!.snapshot.hasConsent(pii.hash("13800130302"), enterpriseId);
    await waitFor(() => shortLived() && longLived(), 1000, "both consents in the snapshot");
    expect(registry.snapshot.hasConsent(pii.hash("13800130303"), enterpriseId)).toBe(false);

    clock += DAY + 1000; // the one-day consent has expired: nothing is announced, the sweep notices
    await waitFor(() => !shortLived(), 1500, "expired consent swept");
    expect(longLived()).toBe(true);

    const { consent } = await grant("13800130301", 10);
    await waitFor(() => shortLived(), 1000, "a new consent for the same pair");
    await withdrawConsent(ctx(), consent.id, "asked");
    await waitFor(() => !shortLived(), 1000, "withdrawn consent gone");

    await registry.reload();
    expect(registry.snapshot.stats().consents).toBe(1);
    expect(longLived()).toBe(true);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { buildRegistryWorld, type RegistryWorld } from "../../helpers/registry.ts";
import { pruneConsents } from "../../../src/consents/consents.retention.ts";

let api: TestApi;
let world: RegistryWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildRegistryWorld(api);
});
afterEach(async () => {
  await api.close();
});

const DAY = 86_400_000;

describe("consent retention", () => {
  it("keeps a withdrawn or expired consent five months, then erases its personal fields; the chain still verifies", async () => {
    const post = (msisdn: string, evidenceRef: string) =>
      api.as(api.operatorToken).post("/api/v1/consents", { msisdn, enterpriseId: world.enterpriseA.id, frequency: "每周1条", periodDays: 30, source: "web_form", evidenceRef });
    const withdrawn = await post("13800130401", "wf-401");
    const kept = await post("13800130402", "wf-402");
    await api.request("DELETE", `/api/v1/consents/${withdrawn.id}`, { body: { reason: "asked" } });
    const db = api.database.db;

    expect(await pruneConsents(db, new Date(Date.now() + 150 * DAY))).toBe(0); // withdrawn 150 days ago: kept
    // 156 days after the withdrawal; the other consent expired 126 days before: only the withdrawn one goes.
    expect(await pruneConsents(db, new Date(Date.now() + 156 * DAY))).toBe(2); // the grant and its withdrawal entry
    const rows = (await db.execute(sql`select id, recipient_mask, evidence_ref, pruned_at from consents order by seq`)) as unknown as { rows: { id: string; recipient_mask: string; evidence_ref: string | null; pruned_at: Date | null }[] };
    const byId = new Map((rows.rows ?? (rows as unknown as typeof rows.rows)).map((r) => [r.id, r]));
    expect(byId.get(withdrawn.id)).toMatchObject({ recipient_mask: "", evidence_ref: null });
    expect(byId.get(kept.id)).toMatchObject({ recipient_mask: "138****0402", evidence_ref: "wf-402", pruned_at: null });
    expect(await api.as(api.operatorToken).get("/api/v1/consents/verify")).toMatchObject({ ok: true, checked: 3 });
    expect((await api.as(api.operatorToken).get("/api/v1/consents")).items.map((c: { id: string }) => c.id)).toEqual([kept.id]);
  });
});

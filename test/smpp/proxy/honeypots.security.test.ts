import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { ApiClient, ApiError } from "../../../demo/api-client.ts";
import { encodeText } from "../../../src/text/index.ts";
import { auditLog, honeypotHits, reviewFindings } from "../../../src/db/schema/index.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * Honeypots end to end: marketing to a trap number is answered exactly like marketing to anyone
 * else, raises a honeypot_hit finding within a second naming port, SP, signature and enterprise,
 * and the configured number of hits suspends the signature through the audited path. The SP
 * cannot tell which number was the trap: not on the wire, not in its journal, not in its reviews,
 * not in the API.
 */
let gateway: TestGateway | undefined;
let esme: Esme | undefined;

afterEach(async () => {
  await esme?.close().catch(() => {});
  await gateway?.close();
  gateway = esme = undefined;
});

const marketing = (to: string) => ({
  source_addr: "10690001",
  destination_addr: to,
  service_type: "MKT",
  data_coding: 8,
  short_message: Buffer.from(encodeText("【云端优选】新品上市，限时特价，回T退订", 8)),
});

const TRAP = "13800131020";
const PLAIN = "13800131021";

async function findings(g: TestGateway) {
  return g.database.db.select().from(reviewFindings).where(eq(reviewFindings.type, "honeypot_hit"));
}

describe("honeypots", () => {
  it("a hit raises the finding within a second; the threshold suspends the signature (system actor, audited); the SP learns nothing", { timeout: 120_000 }, async () => {
    gateway = await startTestGateway();
    const world = await seedAndSync(gateway);
    const spToken = await gateway.api.post<{ secret: string }>("/tokens", { name: "sp a", role: "sp", spId: world.spA.id });
    const asSp = new ApiClient(gateway.httpUrl, spToken.secret);
    const current = await gateway.api.get("/settings/policy");
    await gateway.api.put("/settings/policy", { ...current, honeypotSuspension: { hits: 2, periodMinutes: 60 }, reason: "test: two hits suspend" });
    const trap = await gateway.api.post<{ id: string; recipientMask: string }>("/honeypots", { msisdn: TRAP, note: "trap SIM 1" });
    expect(trap.recipientMask).toBe("138****1020");
    await waitFor(() => gateway!.registry.snapshot.honeypotCount === 1 && gateway!.registry.snapshot.settings.honeypotSuspension?.hits === 2);
    esme = await connectEsme(gateway.smppPort, world.accountA);

    // Same answer on the wire for the trap and an ordinary number.
    const toTrap = await esme.submit(marketing(TRAP));
    const toPlain = await esme.submit(marketing(PLAIN));
    expect(toTrap.status).toBe(0);
    expect(toPlain.status).toBe(0);

    const took = await waitFor(async () => (await findings(gateway!)).length === 1, 1000, "the honeypot_hit finding");
    expect(took).toBeLessThan(1000);
    const [finding] = await findings(gateway);
    expect(finding).toMatchObject({ subjectType: "signature", subjectId: world.signatures.cloudSelect.id, subjectLabel: "云端优选", spId: null, status: "open" });
    const evidence = finding!.evidence as { counts: { hits: number }; sendingSpIds: string[]; enterpriseId: string; senders: { portId: string; sourceAddr: string; spId: string; honeypotMask: string }[] };
    expect(evidence.counts.hits).toBe(1);
    expect(evidence.sendingSpIds).toEqual([world.spA.id]);
    expect(evidence.enterpriseId).toBe(world.cloud.id);
    expect(evidence.senders).toEqual([expect.objectContaining({ portId: world.portA.id, sourceAddr: "10690001", spId: world.spA.id, honeypotMask: "138****1020" })]);
    expect(JSON.stringify(evidence)).not.toContain(TRAP);

    // The second hit, the trap written another way (86…), crosses the threshold: the signature is
    // suspended by the system, audited.
    expect((await esme.submit(marketing(`86${TRAP}`))).status).toBe(0);
    await waitFor(async () => (await gateway!.api.get<{ status: string }>(`/signatures/${world.signatures.cloudSelect.id}`)).status === "suspended", 2000, "the suspension");
    const audit = await gateway.database.db.select().from(auditLog).where(eq(auditLog.action, "signature.suspend"));
    expect(audit).toEqual([expect.objectContaining({ actorType: "system", actorId: "honeypots", objectId: world.signatures.cloudSelect.id })]);
    expect((await findings(gateway))[0]).toMatchObject({ status: "decided", decision: "suspend" });
    // Suspended now: the next marketing is refused for everyone alike.
    await waitFor(() => gateway!.registry.snapshot.signaturesById.get(world.signatures.cloudSelect.id)?.status === "suspended");
    const after = [await esme.submit(marketing(TRAP)), await esme.submit(marketing(PLAIN))];
    expect(after.map((r) => r.status)).toEqual([commandStatusFor("signature_suspended"), commandStatusFor("signature_suspended")]);

    // What the SP can see: its signature's reason names no number; no trap in any answer.
    const signature = await asSp.get<{ statusReason: string }>(`/signatures/${world.signatures.cloudSelect.id}`);
    expect(signature.statusReason).not.toMatch(/1020|13800131020|honeypot|蜜罐/i);
    await gateway.journal.flush(); // every refusal above is in the journal before the SP reads it
    const rejections = await asSp.get<{ items: { recipientMask: string; reason: string; monitor: boolean }[] }>("/rejections");
    // The same kinds of rows for the trap and the plain number (the trap was sent one message more:
    // each accepted marketing message journals a monitor-mode consent_missing, so count kinds, not rows).
    const byMask = (mask: string) => [...new Set(rejections.items.filter((row) => row.recipientMask === mask).map(({ reason, monitor }) => `${reason}/${monitor}`))].sort();
    expect(byMask("138****1020")).toEqual(byMask("138****1021"));
    for (const path of ["/honeypots", `/honeypots/${trap.id}`]) {
      const error = await asSp.call(path === "/honeypots" ? "GET" : "DELETE", path, path === "/honeypots" ? undefined : { reason: "x" }).catch((e: ApiError) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(403);
    }
    // A campaign review over the period finds the hits too (operator's view), never for the SP:
    // three hits, the last refused (the signature was suspended by then).
    await waitFor(async () => (await gateway!.database.db.select().from(honeypotHits)).length === 3, 2000, "the third hit stored");
    const campaign = await gateway.api.post<{ id: string }>("/reviews", { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    const inCampaign = (await gateway.api.get<{ items: { type: string; subjectId: string; spId: string | null; evidence: any }[] }>(`/reviews/${campaign.id}/findings`)).items.filter((f) => f.type === "honeypot_hit");
    expect(inCampaign).toEqual([expect.objectContaining({ subjectId: world.signatures.cloudSelect.id, spId: null })]);
    expect(inCampaign[0]!.evidence.counts).toEqual({ hits: 3, honeypots: 1, refusedByOtherRules: 1 });
    const reviews = await asSp.get<{ items: { id: string }[] }>("/reviews");
    for (const review of reviews.items) {
      const own = await asSp.get<{ items: { type: string }[] }>(`/reviews/${review.id}/findings`);
      expect(own.items.map((f) => f.type)).not.toContain("honeypot_hit");
    }
    const spAudit = await asSp.get<{ items: { action: string }[] }>("/audit");
    expect(spAudit.items.map((a) => a.action)).not.toContain("honeypot.create");
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bindAccounts, portExtensions } from "../../../src/db/schema/index.ts";
import { localDate } from "../../../src/lib/dates.ts";
import { newId } from "../../../src/lib/ids.ts";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { addRejections, addSignature, addTraffic, buildReviewWorld, complaintBody, type ReviewWorld } from "../../helpers/reviews-fixtures.ts";

let api: TestApi;
let world: ReviewWorld;
const DAY = 86_400_000;
const now = Date.now();
const hourAgo = new Date(now - 3600_000);

beforeEach(async () => {
  api = await startTestApi();
  world = await buildReviewWorld(api);
});
afterEach(async () => {
  await api.close();
});

type Finding = { type: string; severity: string; subjectType: string; subjectId: string; subjectLabel: string | null; spId: string | null; recommendedAction: string; evidence: any };

async function openReview(scope: Record<string, string> = {}) {
  const review = await api.as(api.operatorToken).post("/api/v1/reviews", { scope, from: new Date(now - 10 * DAY).toISOString(), to: new Date(now + 60_000).toISOString() });
  const findings = (await api.as(api.operatorToken).get(`/api/v1/reviews/${review.id}/findings?limit=500`)).items as Finding[];
  return { review, findings, of: (type: string) => findings.filter((f) => f.type === type) };
}

/** Seeds one instance of every finding type. */
async function seedEverything() {
  const { portA, portB, spA, spB, enterpriseA, enterpriseB, signatureA, signatureB } = world;
  await api.request("PUT", "/api/v1/settings/reviews", {
    body: { windowDays: 30, ratePer10k: 5, minComplaints: 3, autoSuspend: false, dormantDays: 90, maxEnterprisesPerPort: 2, refusalRatio: 0.5, refusalMinMessages: 100, reason: "专项检查参数" },
  });
  // 【云端优选】 and 【星河银行】 carry traffic (not dormant); port B carries three unrelated enterprises, mostly refused.
  await addTraffic(api, { spId: spA.id, portId: portA.id, signatureId: signatureA.id, enterpriseId: enterpriseA.id, accepted: 1000 });
  await addTraffic(api, { spId: spB.id, portId: portB.id, signatureId: signatureB.id, enterpriseId: enterpriseB.id, accepted: 10, refused: 40 });
  for (let i = 0; i < 2; i++) await addTraffic(api, { spId: spB.id, portId: portB.id, signatureId: newId(), enterpriseId: newId(), accepted: 10, refused: 40 });
  // Journal: sublet on port A (【星河银行】 through SP A), scope, hint and opt-out refusals for 【云端优选】.
  await addRejections(api, 25, { reason: "sublet_no_contract", at: hourAgo, spId: spA.id, portId: portA.id, signatureId: signatureB.id, enterpriseId: enterpriseB.id, sourceAddr: portA.number, recipient: "13800000041", text: "【星河银行】您尾号1234的账户入账500元" });
  await addRejections(api, 3, { reason: "scope_exceeded", at: hourAgo, spId: spA.id, portId: portA.id, signatureId: signatureA.id, recipient: "13800000042" });
  await addRejections(api, 2, { reason: "opt_out_hint_missing", at: hourAgo, spId: spA.id, portId: portA.id, signatureId: signatureA.id });
  await addRejections(api, 2, { reason: "recipient_opted_out", at: hourAgo, spId: spA.id, portId: portA.id, signatureId: signatureA.id });
  // Signatures: dormant, evidence expired / expiring, no evidence, a look-alike of 【云端优选】 for another enterprise.
  await addSignature(api, { text: "云端旧品牌", enterpriseId: enterpriseA.id, spId: spA.id, portIds: [portA.id] });
  await addSignature(api, { text: "云端过期证照", enterpriseId: enterpriseA.id, spId: spA.id, portIds: [portA.id], approvedAt: new Date(now - DAY), evidence: { kind: "business_licence", reference: "X1", expiresOn: localDate(new Date(now - 5 * DAY)) } });
  await addSignature(api, { text: "云端临期证照", enterpriseId: enterpriseA.id, spId: spA.id, portIds: [portA.id], approvedAt: new Date(now - DAY), evidence: { kind: "business_licence", reference: "X2", expiresOn: localDate(new Date(now + 10 * DAY)) } });
  await addSignature(api, { text: "云端无证照", enterpriseId: enterpriseA.id, spId: spA.id, portIds: [portA.id], approvedAt: new Date(now - DAY), evidence: null });
  await addSignature(api, { text: "雲端優選", enterpriseId: enterpriseB.id, spId: spB.id, portIds: [portB.id], approvedAt: new Date(now - DAY) });
  // An extension on port B assigned a month ago that never carried anything.
  await api.database.db.insert(portExtensions).values({ id: newId(), portId: portB.id, extension: "77", enterpriseId: enterpriseA.id, createdAt: new Date(now - 30 * DAY) });
  // SP A's account only allows 10.0.0.0/8, but the journal saw it from 203.0.113.9.
  const [account] = await api.database.db.insert(bindAccounts).values({ id: newId(), spId: spA.id, systemId: "hx_review", passwordHash: "x", allowedIps: ["10.0.0.0/8"] }).returning();
  await addRejections(api, 2, { reason: "signature_unregistered", at: hourAgo, spId: spA.id, accountId: account!.id, remoteAddress: "203.0.113.9", portId: portA.id });
  await addRejections(api, 1, { reason: "signature_unregistered", at: hourAgo, spId: spA.id, accountId: account!.id, remoteAddress: "10.1.2.3", portId: portA.id });
  // Complaints about 【云端优选】: 4 in 1,000 accepted = 40 per 10k.
  for (let i = 0; i < 4; i++) await api.as(api.operatorToken).post("/api/v1/complaints", complaintBody(world, { recipient: `1380000005${i}`, type: "other" }));
  return { account: account! };
}

describe("review findings from seeded journal data", () => {
  it("finds every type, each with a subject, severity, recommended action and evidence", async () => {
    const { account } = await seedEverything();
    const { review, findings, of } = await openReview();
    expect(review.summary.total).toBe(findings.length);

    const sublet = of("port_sublet_refusals");
    expect(sublet).toHaveLength(1);
    expect(sublet[0]).toMatchObject({ subjectType: "port", subjectId: world.portA.id, subjectLabel: world.portA.number, spId: world.spA.id, severity: "medium", recommendedAction: "rectify" });
    expect(sublet[0]!.evidence.counts).toMatchObject({ total: 25, sublet_no_contract: 25 });
    expect(sublet[0]!.evidence.series.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(25);
    expect(sublet[0]!.evidence.samples).toHaveLength(5);
    expect(sublet[0]!.evidence.samples[0]).toMatchObject({ reason: "sublet_no_contract", recipientMask: "138****0041", text: "【星河银行】您尾号****的账户入账500元" });

    expect(of("scope_exceeded").map((f) => [f.subjectId, f.spId, f.evidence.counts.total])).toEqual([[world.signatureA.id, world.spA.id, 3]]);
    expect(of("opt_out_hint_missing").map((f) => f.subjectId)).toEqual([world.signatureA.id]);
    expect(of("recipient_opted_out").map((f) => f.subjectId)).toEqual([world.signatureA.id]);

    const dormant = of("dormant_signature").map((f) => f.subjectLabel);
    expect(dormant).toContain("【云端旧品牌】");
    expect(dormant).not.toContain("【云端优选】");
    expect(dormant).not.toContain("【云端无证照】"); // approved yesterday: not dormant yet
    expect(of("evidence_expired").map((f) => [f.subjectLabel, f.severity, f.recommendedAction])).toEqual([["【云端过期证照】", "high", "suspend"]]);
    expect(of("evidence_expiring").map((f) => [f.subjectLabel, f.recommendedAction])).toEqual([["【云端临期证照】", "rectify"]]);
    expect(of("approved_without_evidence").map((f) => f.subjectLabel)).toEqual(["【云端无证照】"]);

    expect(of("port_many_enterprises").map((f) => [f.subjectId, f.evidence.counts.distinctEnterprises])).toEqual([[world.portB.id, 3]]);
    expect(of("silent_extension").map((f) => f.subjectLabel)).toEqual([`${world.portB.number}77`]);
    expect(of("sp_high_refusal_ratio").map((f) => [f.subjectId, f.evidence.refusalRatio])).toEqual([[world.spB.id, 0.8]]);

    const bind = of("bind_address_outside_allowlist");
    expect(bind.map((f) => [f.subjectType, f.subjectId, f.subjectLabel])).toEqual([["account", account.id, "hx_review"]]);
    expect(bind[0]!.evidence.addresses).toEqual([{ address: "203.0.113.9", count: 2 }]);

    const leaders = of("complaint_rate_leader");
    expect(leaders.map((f) => [f.subjectId, f.evidence.counts.complaints, f.evidence.ratePer10k, f.severity])).toEqual([[world.signatureA.id, 4, 40, "high"]]);

    const lookAlike = of("look_alike_signature");
    expect(lookAlike.map((f) => [f.subjectLabel, f.severity, f.evidence.looksLike.text])).toEqual([["【雲端優選】", "high", "云端优选"]]);

    const types = new Set(findings.map((f) => f.type));
    expect([...types].sort()).toEqual(
      [
        "approved_without_evidence",
        "bind_address_outside_allowlist",
        "complaint_rate_leader",
        "dormant_signature",
        "evidence_expired",
        "evidence_expiring",
        "look_alike_signature",
        "opt_out_hint_missing",
        "port_many_enterprises",
        "port_sublet_refusals",
        "recipient_opted_out",
        "scope_exceeded",
        "silent_extension",
        "sp_high_refusal_ratio",
      ].sort(),
    );
    for (const finding of findings) {
      expect(["info", "low", "medium", "high"]).toContain(finding.severity);
      expect(["none", "rectify", "suspend", "revoke"]).toContain(finding.recommendedAction);
      expect(finding.evidence.counts).toBeTypeOf("object");
    }
  });

  it("limits a review to its scope: one SP, or ports under a prefix", async () => {
    await seedEverything();
    const onlyB = await openReview({ spId: world.spB.id });
    expect(onlyB.of("port_sublet_refusals")).toEqual([]);
    expect(onlyB.of("scope_exceeded")).toEqual([]);
    expect(onlyB.findings.every((f) => f.spId === world.spB.id)).toBe(true);
    expect(onlyB.review).toMatchObject({ scopeSpId: world.spB.id, kind: "campaign", status: "open" });

    const portAOnly = await openReview({ portPrefix: world.portA.number });
    expect(portAOnly.of("port_sublet_refusals")).toHaveLength(1);
    expect(portAOnly.of("port_many_enterprises")).toEqual([]);
    expect(portAOnly.of("silent_extension")).toEqual([]);
  });
});

import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ports, signatures } from "../../../src/db/schema/index.ts";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { addTraffic, buildReviewWorld, complaintBody, type ReviewWorld } from "../../helpers/reviews-fixtures.ts";

let api: TestApi;
let world: ReviewWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildReviewWorld(api);
  // 10,000 accepted marketing messages on port A under 【云端优选】 today: 3 complaints = 3 per 10k.
  await addTraffic(api, { spId: world.spA.id, portId: world.portA.id, signatureId: world.signatureA.id, enterpriseId: world.enterpriseA.id, accepted: 10_000 });
});
afterEach(async () => {
  await api.close();
});

const settings = (overrides: Record<string, unknown>) => ({
  windowDays: 30,
  ratePer10k: 2,
  minComplaints: 3,
  autoSuspend: false,
  dormantDays: 90,
  maxEnterprisesPerPort: 10,
  refusalRatio: 0.3,
  refusalMinMessages: 100,
  ...overrides,
});

async function complain(times: number) {
  for (let i = 0; i < times; i++) {
    await api.as(api.operatorToken).post("/api/v1/complaints", complaintBody(world, { recipient: `138000001${String(i).padStart(2, "0")}` }));
  }
}

async function continuousFindings() {
  const reviews = await api.as(api.operatorToken).get("/api/v1/reviews?kind=continuous");
  if (reviews.items.length === 0) return [];
  return (await api.as(api.operatorToken).get(`/api/v1/reviews/${reviews.items[0].id}/findings`)).items as { type: string; subjectType: string; subjectId: string; status: string; decision: string | null; evidence: any }[];
}

describe("complaint-rate thresholds", () => {
  it("keeps its settings under reviews.* for the operator only", async () => {
    expect((await api.as(api.operatorToken).get("/api/v1/settings/reviews")).autoSuspend).toBe(false);
    const saved = await api.request("PUT", "/api/v1/settings/reviews", { body: { ...settings({ autoSuspend: true }), reason: "回头看专项" } });
    expect(saved.status).toBe(200);
    expect((await api.as(api.operatorToken).get("/api/v1/settings/reviews")).autoSuspend).toBe(true);
    expect((await api.request("GET", "/api/v1/settings/reviews", { token: world.tokens.spA })).status).toBe(403);
    expect((await api.request("PUT", "/api/v1/settings/reviews", { token: world.tokens.auditor, body: { ...settings({}), reason: "x" } })).status).toBe(403);
    expect((await api.request("PUT", "/api/v1/settings/reviews", { body: { ...settings({ ratePer10k: -1 }), reason: "x" } })).status).toBe(422);
  });

  it("raises a finding but suspends nothing when autoSuspend is off", async () => {
    await api.request("PUT", "/api/v1/settings/reviews", { body: { ...settings({ autoSuspend: false }), reason: "监测" } });
    await complain(2);
    expect(await continuousFindings()).toEqual([]);
    await complain(1);
    const findings = await continuousFindings();
    expect(findings.map((f) => [f.type, f.subjectType, f.status]).sort()).toEqual([
      ["complaint_rate", "port", "open"],
      ["complaint_rate", "signature", "open"],
      ["complaint_rate", "sp", "open"],
    ]);
    const signatureFinding = findings.find((f) => f.subjectType === "signature")!;
    expect(signatureFinding.evidence).toMatchObject({ counts: { complaints: 3, accepted: 10_000 }, ratePer10k: 3 });
    const [signature] = await api.database.db.select().from(signatures).where(eq(signatures.id, world.signatureA.id));
    expect(signature!.status).toBe("approved");
  });

  it("suspends the signature and the port automatically, through the audited services, when autoSuspend is on", async () => {
    await api.request("PUT", "/api/v1/settings/reviews", { body: { ...settings({ autoSuspend: true }), reason: "自动处置" } });
    await complain(3);
    const [signature] = await api.database.db.select().from(signatures).where(eq(signatures.id, world.signatureA.id));
    expect(signature!.status).toBe("suspended");
    expect(signature!.statusReason).toContain("自动暂停");
    const [port] = await api.database.db.select().from(ports).where(eq(ports.id, world.portA.id));
    expect(port!.status).toBe("suspended");
    const findings = await continuousFindings();
    expect(findings.filter((f) => f.subjectType !== "sp").every((f) => f.status === "decided" && f.decision === "suspend")).toBe(true);
    expect(findings.find((f) => f.subjectType === "sp")!.status).toBe("open");
    const audit = await api.as(api.operatorToken).get(`/api/v1/audit?objectType=signature&objectId=${world.signatureA.id}`);
    expect(audit.items.at(-1)).toMatchObject({ action: "signature.suspend", actorType: "system", actorId: "reviews:thresholds" });
    const portAudit = await api.as(api.operatorToken).get(`/api/v1/audit?objectType=port&objectId=${world.portA.id}`);
    expect(portAudit.items.at(-1)).toMatchObject({ action: "port.update", actorType: "system" });

    // Another complaint refreshes the evidence; nothing is suspended twice.
    await complain(1);
    const after = await continuousFindings();
    expect(after).toHaveLength(3);
    expect(after.find((f) => f.subjectType === "signature")!.evidence.counts.complaints).toBe(4);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { addRejections, buildReviewWorld, type ReviewWorld } from "../../../helpers/reviews-fixtures.ts";

let api: TestApi;
let world: ReviewWorld;
const DAY = 86_400_000;
const now = Date.now();
beforeEach(async () => {
  api = await startTestApi();
  world = await buildReviewWorld(api);
});
afterEach(async () => {
  await api.close();
});

async function findings(scope: Record<string, string> = {}) {
  const review = await api.as(api.operatorToken).post("/api/v1/reviews", { scope, from: new Date(now - 10 * DAY).toISOString(), to: new Date(now + 60_000).toISOString() });
  return (await api.as(api.operatorToken).get(`/api/v1/reviews/${review.id}/findings?limit=500`)).items as { type: string; subjectId: string; spId: string | null; evidence: any }[];
}

describe("findings: marketing_without_consent and consent_request_repeated", () => {
  it("reports per signature the marketing sent without consent (monitored and refused) and repeated consent requests", async () => {
    const at = new Date(now - 3600_000);
    const base = { spId: world.spA.id, portId: world.portA.id, signatureId: world.signatureA.id };
    await addRejections(api, 3, { reason: "consent_missing", at, monitor: true, ...base });
    await addRejections(api, 1, { reason: "consent_missing", at, ...base });
    await addRejections(api, 2, { reason: "consent_request_repeated", at, ...base });
    const all = await findings();
    const withoutConsent = all.filter((f) => f.type === "marketing_without_consent");
    expect(withoutConsent.map((f) => [f.subjectId, f.spId])).toEqual([[world.signatureA.id, world.spA.id]]);
    expect(withoutConsent[0]!.evidence.counts.total).toBe(4);
    expect(all.filter((f) => f.type === "consent_request_repeated").map((f) => f.subjectId)).toEqual([world.signatureA.id]);
    // Another SP's review sees none of it.
    expect((await findings({ spId: world.spB.id })).filter((f) => f.type.startsWith("consent") || f.type === "marketing_without_consent")).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { buildSpReviewWorld, type Finding, type SpReviewWorld } from "./sp-world.ts";

let api: TestApi;
let world: SpReviewWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildSpReviewWorld(api);
});
afterEach(async () => {
  await api.close();
});

describe("an SP reads the review findings about itself (happy)", () => {
  it("lists the reviews holding its findings in a minimal view, counting only its own findings", async () => {
    const ownA = world.findings.filter((f) => f.spId === world.spA.id);
    expect(ownA.length).toBeGreaterThanOrEqual(3);
    const page = await api.as(world.tokens.spA).get("/api/v1/reviews");
    const listed = page.items.find((r: { id: string }) => r.id === world.review.id);
    expect(Object.keys(listed).sort()).toEqual(["closedAt", "createdAt", "id", "kind", "periodFrom", "periodTo", "status", "summary"]);
    expect(listed.summary.total).toBe(ownA.length);
    expect(listed.summary.byType).toEqual(Object.fromEntries([...new Set(ownA.map((f) => f.type))].map((type) => [type, ownA.filter((f) => f.type === type).length])));
    expect(await api.as(world.tokens.spA).get(`/api/v1/reviews/${world.review.id}`)).toEqual(listed);
  });

  it("lists exactly the findings whose spId is its own, and reads each one", async () => {
    const asA = api.as(world.tokens.spA);
    const items = (await asA.get(`/api/v1/reviews/${world.review.id}/findings?limit=500`)).items as Finding[];
    expect(items.map((f) => f.id).sort()).toEqual(world.findings.filter((f) => f.spId === world.spA.id).map((f) => f.id).sort());
    expect(items.map((f) => f.type)).toEqual(expect.arrayContaining(["scope_exceeded", "opt_out_hint_missing", "port_sublet_refusals"]));
    const scope = items.find((f) => f.type === "scope_exceeded")!;
    expect(scope.evidence.counts.total).toBe(3);
    expect(scope.evidence.sendingSpId).toBe(world.spA.id);
    expect(scope.evidence.samples[0]).toMatchObject({ reason: "scope_exceeded", recipientMask: "138****0042" });
    expect(await asA.get(`/api/v1/reviews/${world.review.id}/findings/${scope.id}`)).toEqual(scope);
    // The filters work within its own findings.
    const filtered = (await asA.get(`/api/v1/reviews/${world.review.id}/findings?type=scope_exceeded`)).items as Finding[];
    expect(filtered.map((f) => f.id)).toEqual([scope.id]);
  });

  it("sees the decision it must act on (rectify, due date, reason), not who decided", async () => {
    const scope = world.findings.find((f) => f.type === "scope_exceeded" && f.spId === world.spA.id)!;
    const dueDate = new Date(Date.now() + 30 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    const decided = await api.as(api.operatorToken).post(`/api/v1/reviews/${world.review.id}/findings/${scope.id}/decision`, { decision: "rectify", reason: "营销短信超出签名报备范围，限期整改", dueDate });
    expect(decided.decidedBy).not.toBeNull();
    const seen = await api.as(world.tokens.spA).get(`/api/v1/reviews/${world.review.id}/findings/${scope.id}`);
    expect(seen).toMatchObject({ status: "decided", decision: "rectify", dueDate, decisionReason: "营销短信超出签名报备范围，限期整改", decidedBy: null });
    const summary = (await api.as(world.tokens.spA).get(`/api/v1/reviews/${world.review.id}`)).summary;
    expect(summary.decided).toBe(1);
  });
});

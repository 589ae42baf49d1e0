import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { buildSpReviewWorld, SP_B_SECRET_TEXT, type Finding, type SpReviewWorld } from "./sp-world.ts";

let api: TestApi;
let world: SpReviewWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildSpReviewWorld(api);
});
afterEach(async () => {
  await api.close();
});

const of = (findings: Finding[], type: string, spId: string) => findings.find((f) => f.type === type && f.spId === spId)!;

describe("an SP and the reviews of others (security)", () => {
  it("answers 404 for another SP's finding, and for a review holding none of its findings", async () => {
    const ofA = of(world.findings, "scope_exceeded", world.spA.id);
    const ofB = of(world.findings, "look_alike_signature", world.spB.id);
    const get = (path: string, token: string) => api.request("GET", path, { token });
    expect((await get(`/api/v1/reviews/${world.review.id}/findings/${ofA.id}`, world.tokens.spB)).status).toBe(404);
    expect((await get(`/api/v1/reviews/${world.review.id}/findings/${ofB.id}`, world.tokens.spA)).status).toBe(404);
    // The review scoped to SP A holds nothing of SP B's: to SP B it does not exist.
    for (const path of [`/api/v1/reviews/${world.reviewOfA.id}`, `/api/v1/reviews/${world.reviewOfA.id}/findings`]) {
      const response = await get(path, world.tokens.spB);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    const listedForB = (await api.as(world.tokens.spB).get("/api/v1/reviews")).items.map((r: { id: string }) => r.id);
    expect(listedForB).toEqual([world.review.id]);
    // An unknown review and a finding of another review: 404 as well.
    expect((await get(`/api/v1/reviews/00000000-0000-4000-8000-000000000000/findings`, world.tokens.spA)).status).toBe(404);
    const ofAInOther = (await api.as(api.operatorToken).get(`/api/v1/reviews/${world.reviewOfA.id}/findings`)).items[0] as Finding;
    expect((await get(`/api/v1/reviews/${world.review.id}/findings/${ofAInOther.id}`, world.tokens.spA)).status).toBe(404);
  });

  it("shows an SP none of another SP's ids, names, texts or counts", async () => {
    const asA = (await api.request("GET", `/api/v1/reviews/${world.review.id}/findings?limit=500`, { token: world.tokens.spA })).text;
    const asB = (await api.request("GET", `/api/v1/reviews/${world.review.id}/findings?limit=500`, { token: world.tokens.spB })).text;
    const reviewAsB = (await api.request("GET", `/api/v1/reviews/${world.review.id}`, { token: world.tokens.spB })).text;
    const listAsB = (await api.request("GET", "/api/v1/reviews", { token: world.tokens.spB })).text;
    const ofB = [world.spB.id, world.signatureB.id, world.lookAlike.id, world.accountB.id, world.enterpriseB.id, world.portB.id, "lx_review", SP_B_SECRET_TEXT];
    const ofA = [world.spA.id, world.signatureA.id, world.enterpriseA.id, world.portA.id, world.portA.number];
    expect(ofB.filter((value) => asA.includes(value))).toEqual([]);
    for (const text of [asB, reviewAsB, listAsB]) expect(ofA.filter((value) => text.includes(value))).toEqual([]);
    // The title an operator gave (here naming SP B) is not shown to SPs; nor are scope or authors.
    expect(reviewAsB).not.toContain("联讯通信");
    expect(JSON.parse(reviewAsB)).not.toHaveProperty("createdBy");
    // SP B's summary counts its own findings only.
    const ownB = world.findings.filter((f) => f.spId === world.spB.id).length;
    expect(JSON.parse(reviewAsB).summary.total).toBe(ownB);
    expect(ownB).toBeLessThan(world.findings.length);
  });

  it("cuts evidence that reaches past the SP: another sender's samples on its port, another SP's original signature", async () => {
    // Reviewers see everything.
    const sublet = of(world.findings, "port_sublet_refusals", world.spA.id);
    expect(sublet.evidence.samples.map((s: { text: string }) => s.text)).toContain(SP_B_SECRET_TEXT);
    const lookAlike = of(world.findings, "look_alike_signature", world.spB.id);
    expect(lookAlike.evidence.looksLike).toEqual({ id: world.signatureA.id, text: "云端优选", enterpriseId: world.enterpriseA.id, spId: world.spA.id });

    const subletForA = await api.as(world.tokens.spA).get(`/api/v1/reviews/${world.review.id}/findings/${sublet.id}`);
    expect(subletForA.evidence.counts).toEqual(sublet.evidence.counts);
    // Samples say who sent them: A keeps its own rows on its port, never B's.
    const own = sublet.evidence.samples.filter((s: { spId: string }) => s.spId === world.spA.id);
    expect(subletForA.evidence.samples).toEqual(own);
    expect(subletForA.evidence.samples.map((s: { text: string }) => s.text)).not.toContain(SP_B_SECRET_TEXT);
    expect(subletForA.evidence.samplesWithheld).toBe(sublet.evidence.samples.length - own.length);
    expect(subletForA.evidence.samplesWithheld).toBeGreaterThan(0);
    const lookAlikeForB = await api.as(world.tokens.spB).get(`/api/v1/reviews/${world.review.id}/findings/${lookAlike.id}`);
    expect(lookAlikeForB.evidence.looksLike).toEqual({ text: "云端优选" });
    // Its own account's refused binds stay in full.
    const bind = of(world.findings, "bind_address_outside_allowlist", world.spB.id);
    const bindForB = await api.as(world.tokens.spB).get(`/api/v1/reviews/${world.review.id}/findings/${bind.id}`);
    expect(bindForB.evidence).toEqual(bind.evidence);
  });

  it("keeps everything else about reviews from SPs: reports, decisions, closing, opening, schedules (403)", async () => {
    const own = of(world.findings, "scope_exceeded", world.spA.id);
    const token = world.tokens.spA;
    const calls: [string, string, unknown?][] = [
      ["GET", `/api/v1/reviews/${world.review.id}/report`],
      ["GET", `/api/v1/reviews/${world.review.id}/report.csv`],
      ["GET", `/api/v1/reviews/${world.review.id}/report.html`],
      ["POST", `/api/v1/reviews/${world.review.id}/findings/${own.id}/decision`, { decision: "no_action", reason: "已整改" }],
      ["POST", `/api/v1/reviews/${world.review.id}/close`, {}],
      ["POST", "/api/v1/reviews", { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() }],
      ["GET", "/api/v1/reviews/schedules"],
      ["GET", "/api/v1/settings/reviews"],
    ];
    for (const [method, path, body] of calls) expect((await api.request(method, path, { token, body })).status, `${method} ${path}`).toBe(403);
    const after = await api.as(api.operatorToken).get(`/api/v1/reviews/${world.review.id}/findings/${own.id}`);
    expect(after.status).toBe("open");
  });
});

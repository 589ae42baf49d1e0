import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { postCsv } from "../../../helpers/csv.ts";
import { buildReviewWorld, complaintBody, type ReviewWorld } from "../../../helpers/reviews-fixtures.ts";

let api: TestApi;
let world: ReviewWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildReviewWorld(api);
});
afterEach(async () => {
  await api.close();
});

describe("complaints (security)", () => {
  it("lets only operators take complaints in, one by one or in bulk", async () => {
    for (const token of [world.tokens.spA, world.tokens.auditor]) {
      expect((await api.request("POST", "/api/v1/complaints", { token, body: complaintBody(world) })).status).toBe(403);
      const csv = `receivedAt,channel,sendingNumber,recipient,text,type\n${new Date().toISOString()},12321,${world.portA.number},13800000031,【云端优选】hi,other\n`;
      expect((await postCsv(api, "complaints", csv, token)).status).toBe(403);
    }
    expect((await api.request("POST", "/api/v1/complaints", { token: null, body: complaintBody(world) })).status).toBe(401);
  });

  it("shows an SP only the complaints attributed to it; auditors read all", async () => {
    const toA = await api.as(api.operatorToken).post("/api/v1/complaints", complaintBody(world));
    const toB = await api.as(api.operatorToken).post("/api/v1/complaints", complaintBody(world, { sendingNumber: world.portB.number, text: "【星河银行】您的账户有风险", type: "fraud" }));
    const unmatched = await api.as(api.operatorToken).post("/api/v1/complaints", complaintBody(world, { sendingNumber: "10659999", text: "无签名", type: "other" }));

    const seenByA = await api.as(world.tokens.spA).get("/api/v1/complaints");
    expect(seenByA.items.map((c: { id: string }) => c.id)).toEqual([toA.id]);
    expect((await api.request("GET", `/api/v1/complaints/${toB.id}`, { token: world.tokens.spA })).status).toBe(404);
    expect((await api.request("GET", `/api/v1/complaints/${unmatched.id}`, { token: world.tokens.spA })).status).toBe(404);
    expect((await api.as(world.tokens.spB).get("/api/v1/complaints")).items.map((c: { id: string }) => c.id)).toEqual([toB.id]);
    expect((await api.as(world.tokens.auditor).get("/api/v1/complaints")).items).toHaveLength(3);
  });
});

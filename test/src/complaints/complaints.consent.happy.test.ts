import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { buildReviewWorld, complaintBody, type ReviewWorld } from "../../helpers/reviews-fixtures.ts";

let api: TestApi;
let world: ReviewWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildReviewWorld(api);
});
afterEach(async () => {
  await api.close();
});

describe("a complaint about marketing shows the consent behind it", () => {
  it("names the consent in force when the complaint was received", async () => {
    const consent = await api.as(api.operatorToken).post("/api/v1/consents", {
      msisdn: "13800000011",
      enterpriseId: world.enterpriseA.id,
      frequency: "每周不超过2条",
      periodDays: 365,
      source: "app",
      evidenceRef: "app-consent-4411",
      consentedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
    });
    const created = await api.as(api.operatorToken).post("/api/v1/complaints", complaintBody(world, { receivedAt: new Date(Date.now() - 86_400_000).toISOString() }));
    expect(created.enterpriseId).toBe(world.enterpriseA.id);
    const detail = await api.as(api.operatorToken).get(`/api/v1/complaints/${created.id}`);
    expect(detail.consent).toMatchObject({ found: true, id: consent.id, source: "app", evidenceRef: "app-consent-4411" });
  });

  it("says when none existed (a consent given after the message does not count), and says nothing for other complaint types", async () => {
    const created = await api.as(api.operatorToken).post("/api/v1/complaints", complaintBody(world, { receivedAt: new Date(Date.now() - 86_400_000).toISOString(), recipient: "13800000012" }));
    await api.as(api.operatorToken).post("/api/v1/consents", { msisdn: "13800000012", enterpriseId: world.enterpriseA.id, frequency: "每周1条", periodDays: 30, source: "web_form", evidenceRef: "wf-late" });
    expect((await api.as(api.operatorToken).get(`/api/v1/complaints/${created.id}`)).consent).toEqual({ found: false });
    const fraud = await api.as(api.operatorToken).post("/api/v1/complaints", complaintBody(world, { type: "fraud", recipient: "13800000013" }));
    expect((await api.as(api.operatorToken).get(`/api/v1/complaints/${fraud.id}`)).consent).toBeUndefined();
  });
});

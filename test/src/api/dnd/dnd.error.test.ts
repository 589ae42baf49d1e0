import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const NUMBER = "13900000001";

describe("do-not-disturb (error)", () => {
  it("validates numbers and reasons, and 404s unknown entries", async () => {
    const bad = await api.request("POST", "/api/v1/dnd", { body: { msisdn: "139-abc", reason: "x" } });
    expect(bad.status).toBe(422);
    expect(bad.text).not.toContain("139-abc");
    expect((await api.request("POST", "/api/v1/dnd", { body: { msisdn: NUMBER } })).status).toBe(422);
    expect((await api.request("POST", "/api/v1/dnd", { body: { msisdn: NUMBER, reason: "" } })).status).toBe(422);
    expect((await api.request("GET", "/api/v1/dnd/check")).status).toBe(422);
    expect((await api.request("GET", "/api/v1/dnd/check?msisdn=x")).status).toBe(422);
    const added = await api.as(api.operatorToken).post("/api/v1/dnd", { msisdn: NUMBER, reason: "x" });
    expect((await api.request("DELETE", `/api/v1/dnd/${added.id}`, { body: {} })).status).toBe(422);
    expect((await api.request("DELETE", "/api/v1/dnd/01900000-0000-7000-8000-000000000000", { body: { reason: "x" } })).status).toBe(404);
  });
});

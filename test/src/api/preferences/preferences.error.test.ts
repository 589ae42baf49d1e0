import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const NUMBER = "13800131040";
const put = (body: unknown, token?: string) => api.request("PUT", "/api/v1/preferences", { body, ...(token && { token }) });

describe("preferences API (error)", () => {
  it("refuses verification, notification without marketing, empty or malformed bands, duplicates and a missing reason", async () => {
    const cases = [
      { msisdn: NUMBER, categories: ["verification"], reason: "x" },
      { msisdn: NUMBER, categories: ["notification"], reason: "x" },
      { msisdn: NUMBER, categories: [], reason: "x" },
      { msisdn: NUMBER, categories: ["marketing", "marketing"], reason: "x" },
      { msisdn: NUMBER, categories: ["marketing"], band: { start: "22:00", end: "22:00" }, reason: "x" },
      { msisdn: NUMBER, categories: ["marketing"], band: { start: "25:00", end: "08:00" }, reason: "x" },
      { msisdn: NUMBER, categories: ["marketing"] },
      { msisdn: "not-a-number", categories: ["marketing"], reason: "x" },
    ];
    for (const body of cases) {
      const answer = await put(body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await api.request("DELETE", "/api/v1/preferences/01900000-0000-7000-8000-000000000000", { body: { reason: "x" } })).status).toBe(404);
    expect((await api.request("GET", "/api/v1/preferences")).body.items).toEqual([]);
  });
});


import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const TRAP = "13800131030";

describe("honeypots API (error)", () => {
  it("validates the number and the reason, 404s an unknown id", async () => {
    const bad = await api.request("POST", "/api/v1/honeypots", { body: { msisdn: "138-trap" } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect((await api.request("POST", "/api/v1/honeypots", { body: { msisdn: TRAP, extra: 1 } })).status).toBe(422);
    const created = await api.request("POST", "/api/v1/honeypots", { body: { msisdn: TRAP } });
    expect((await api.request("DELETE", `/api/v1/honeypots/${created.body.id}`, { body: {} })).status).toBe(422);
    expect((await api.request("DELETE", "/api/v1/honeypots/01900000-0000-7000-8000-000000000000", { body: { reason: "x" } })).status).toBe(404);
    expect((await api.request("DELETE", "/api/v1/honeypots/not-a-uuid", { body: { reason: "x" } })).status).toBe(422);
  });
});


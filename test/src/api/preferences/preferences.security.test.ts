import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { addServiceProvider } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const NUMBER = "13800131040";
const put = (body: unknown, token?: string) => api.request("PUT", "/api/v1/preferences", { body, ...(token && { token }) });

describe("preferences API (security)", () => {
  it("auditors read, never write; SPs neither read nor write; no token is 401", async () => {
    const created = await put({ msisdn: NUMBER, categories: ["marketing"], reason: "x" });
    const auditor = await api.tokenFor("auditor");
    expect((await api.request("GET", "/api/v1/preferences", { token: auditor })).body.items).toHaveLength(1);
    expect((await put({ msisdn: NUMBER, categories: ["marketing"], reason: "x" }, auditor)).status).toBe(403);
    const sp = await api.tokenFor("sp", (await addServiceProvider(api)).id);
    expect((await api.request("GET", `/api/v1/preferences?msisdn=${NUMBER}`, { token: sp })).status).toBe(403);
    expect((await put({ msisdn: NUMBER, categories: ["marketing"], reason: "x" }, sp)).status).toBe(403);
    expect((await api.request("DELETE", `/api/v1/preferences/${created.body.id}`, { token: sp, body: { reason: "x" } })).status).toBe(403);
    expect((await api.request("GET", "/api/v1/preferences", { token: null })).status).toBe(401);
  });
});

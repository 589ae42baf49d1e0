import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { addServiceProvider } from "../../../helpers/registry.ts";

let api: TestApi;
let sp: string;
let auditor: string;
beforeEach(async () => {
  api = await startTestApi();
  sp = await api.tokenFor("sp", (await addServiceProvider(api)).id);
  auditor = await api.tokenFor("auditor");
});
afterEach(async () => {
  await api.close();
});

const NUMBER = "13900000001";

describe("do-not-disturb (security)", () => {
  it("needs a token on every route", async () => {
    for (const [method, path, body] of [
      ["POST", "/api/v1/dnd", { msisdn: NUMBER, reason: "x" }],
      ["GET", "/api/v1/dnd"],
      ["GET", `/api/v1/dnd/check?msisdn=${NUMBER}`],
      ["DELETE", "/api/v1/dnd/01900000-0000-7000-8000-000000000000", { reason: "x" }],
    ] as [string, string, unknown?][]) {
      expect((await api.request(method, path, { token: null, body })).status, `${method} ${path}`).toBe(401);
    }
  });

  it("an SP may check a number but not add, list or remove", async () => {
    const added = await api.as(api.operatorToken).post("/api/v1/dnd", { msisdn: NUMBER, reason: "登记拒收" });
    expect(await api.as(sp).get(`/api/v1/dnd/check?msisdn=${NUMBER}`)).toMatchObject({ listed: true });
    expect((await api.request("POST", "/api/v1/dnd", { token: sp, body: { msisdn: "13900000002", reason: "x" } })).status).toBe(403);
    expect((await api.request("GET", "/api/v1/dnd", { token: sp })).status).toBe(403);
    expect((await api.request("GET", `/api/v1/dnd?msisdn=${NUMBER}`, { token: sp })).status).toBe(403);
    expect((await api.request("DELETE", `/api/v1/dnd/${added.id}`, { token: sp, body: { reason: "x" } })).status).toBe(403);
  });

  it("an auditor lists and checks, and changes nothing", async () => {
    const added = await api.as(api.operatorToken).post("/api/v1/dnd", { msisdn: NUMBER, reason: "登记拒收" });
    expect((await api.as(auditor).get("/api/v1/dnd")).items).toHaveLength(1);
    expect((await api.as(auditor).get(`/api/v1/dnd/check?msisdn=${NUMBER}`)).listed).toBe(true);
    expect((await api.request("POST", "/api/v1/dnd", { token: auditor, body: { msisdn: "13900000002", reason: "x" } })).status).toBe(403);
    expect((await api.request("DELETE", `/api/v1/dnd/${added.id}`, { token: auditor, body: { reason: "x" } })).status).toBe(403);
  });
});

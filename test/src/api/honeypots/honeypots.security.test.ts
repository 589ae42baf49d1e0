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

const TRAP = "13800131030";

describe("honeypots API (security)", () => {
  it("auditors see masks only and change nothing; SPs get the same 403 for every call, trap or not; no token is 401", async () => {
    const created = await api.request("POST", "/api/v1/honeypots", { body: { msisdn: TRAP } });
    const auditor = await api.tokenFor("auditor");
    expect((await api.request("GET", "/api/v1/honeypots", { token: auditor })).body.items).toHaveLength(1);
    expect((await api.request("POST", "/api/v1/honeypots", { token: auditor, body: { msisdn: "13800131031" } })).status).toBe(403);
    expect((await api.request("DELETE", `/api/v1/honeypots/${created.body.id}`, { token: auditor, body: { reason: "x" } })).status).toBe(403);

    const sp = await api.tokenFor("sp", (await addServiceProvider(api)).id);
    const answers = [
      await api.request("GET", "/api/v1/honeypots", { token: sp }),
      await api.request("POST", "/api/v1/honeypots", { token: sp, body: { msisdn: TRAP } }),
      await api.request("POST", "/api/v1/honeypots", { token: sp, body: { msisdn: "13800131099" } }),
      await api.request("DELETE", `/api/v1/honeypots/${created.body.id}`, { token: sp, body: { reason: "x" } }),
      await api.request("DELETE", "/api/v1/honeypots/01900000-0000-7000-8000-000000000000", { token: sp, body: { reason: "x" } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403]);
    for (const answer of answers) expect(answer.text).not.toMatch(/1030|1099|138\*/);
    expect((await api.request("GET", "/api/v1/honeypots", { token: null })).status).toBe(401);
    expect((await api.request("GET", "/api/v1/honeypots")).body.items).toHaveLength(1);
  });
});

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

const PATH = "/api/v1/settings/policy";
const change = { ruleModes: { signature: "off" }, quietHours: null, dailyMarketingCap: null, reason: "let everything through" };

async function stored() {
  return (await api.request("GET", PATH)).body;
}

describe("policy settings API (security)", () => {
  it("needs a token to read or change", async () => {
    expect((await api.request("GET", PATH, { token: null })).status).toBe(401);
    expect((await api.request("PUT", PATH, { token: null, body: change })).status).toBe(401);
    expect((await api.request("PUT", PATH, { token: "not-a-token", body: change })).status).toBe(401);
  });

  it("an auditor reads and cannot change them; nothing is stored or audited", async () => {
    const before = await stored();
    const response = await api.request("PUT", PATH, { token: auditor, body: change });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe("FORBIDDEN");
    expect(await stored()).toEqual(before);
    expect((await api.as(api.operatorToken).get("/api/v1/audit?objectType=settings")).items).toHaveLength(0);
  });

  it("an SP may neither change them nor read them (rule modes say which checks only monitor)", async () => {
    const before = await stored();
    expect((await api.request("PUT", PATH, { token: sp, body: change })).status).toBe(403);
    expect(await stored()).toEqual(before);
    const read = await api.request("GET", PATH, { token: sp });
    expect(read.status).toBe(403);
    expect(read.text).not.toContain("ruleModes");
  });

  it("refuses rule names that only look like real ones (case, spaces, full-width, prototype keys)", async () => {
    const before = await stored();
    for (const name of ["Sublet", "sublet ", " sublet", "ｓｕｂｌｅｔ", "sub\u200blet", "__proto__", "constructor", "toString"]) {
      const body = `{"ruleModes":{${JSON.stringify(name)}:"off"},"quietHours":null,"dailyMarketingCap":null,"reason":"x"}`;
      const response = await api.request("PUT", PATH, { raw: body, headers: { "content-type": "application/json" } });
      expect(response.status, name).toBe(422);
    }
    expect(await stored()).toEqual(before);
  });

  it("a rule named twice in one body is not a way around validation: the stored modes are what GET shows", async () => {
    const body = '{"ruleModes":{"sublet":"off","sublet":"monitor"},"quietHours":null,"dailyMarketingCap":5,"reason":"x"}';
    const response = await api.request("PUT", PATH, { raw: body, headers: { "content-type": "application/json" } });
    expect(response.status).toBe(200);
    expect((await stored()).ruleModes).toEqual(response.body.ruleModes);
    expect(Object.keys(response.body.ruleModes)).toEqual(["sublet"]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { addContract, addEnterprise, buildRegistryWorld, type RegistryWorld } from "../../../helpers/registry.ts";

let api: TestApi;
let world: RegistryWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildRegistryWorld(api);
});
afterEach(async () => {
  await api.close();
});

const NUMBER = "13800000001";

describe("opt-outs (security)", () => {
  it("needs a token on every route", async () => {
    for (const [method, path, body] of [
      ["POST", "/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: world.enterpriseA.id }],
      ["GET", "/api/v1/opt-outs"],
      ["GET", `/api/v1/opt-outs/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`],
      ["DELETE", `/api/v1/opt-outs/${world.enterpriseA.id}`, { reason: "x" }],
    ] as [string, string, unknown?][]) {
      expect((await api.request(method, path, { token: null, body })).status, `${method} ${path}`).toBe(401);
    }
  });

  it("an SP works only with enterprises it carries or filed; the others' opt-outs are 404 or invisible", async () => {
    const ofA = await api.as(world.tokens.spA).post("/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: world.enterpriseA.id });
    const ofB = await api.as(world.tokens.spB).post("/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: world.enterpriseB.id });
    const asB = (method: string, path: string, body?: unknown) => api.request(method, path, { token: world.tokens.spB, body });

    const adding = await asB("POST", "/api/v1/opt-outs", { msisdn: "13800000009", enterpriseId: world.enterpriseA.id });
    expect(adding.status).toBe(422);
    expect(adding.body.errors[0].path).toBe("enterpriseId");
    const list = await asB("GET", "/api/v1/opt-outs");
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([ofB.id]);
    expect((await asB("GET", `/api/v1/opt-outs?enterpriseId=${world.enterpriseA.id}`)).body.items).toEqual([]);
    expect((await asB("GET", `/api/v1/opt-outs?msisdn=${NUMBER}`)).body.items.map((o: { id: string }) => o.id)).toEqual([ofB.id]);
    expect((await asB("GET", `/api/v1/opt-outs/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`)).status).toBe(404);
    expect((await asB("DELETE", `/api/v1/opt-outs/${ofA.id}`, { reason: "x" })).status).toBe(404);

    // A contract that ended no longer opens the enterprise's opt-outs.
    const former = await addEnterprise(api);
    await addContract(api, { spId: world.spB.id, enterpriseId: former.id, validFrom: "2019-01-01", validTo: "2020-12-31" });
    expect((await asB("POST", "/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: former.id })).status).toBe(422);
  });

  it("only an operator withdraws: the SP gets 403 on an opt-out it can see", async () => {
    const mine = await api.as(world.tokens.spA).post("/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: world.enterpriseA.id });
    const response = await api.request("DELETE", `/api/v1/opt-outs/${mine.id}`, { token: world.tokens.spA, body: { reason: "customer asked" } });
    expect(response.status).toBe(403);
    expect((await api.as(world.tokens.spA).get(`/api/v1/opt-outs/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`)).optedOut).toBe(true);
  });

  it("an auditor reads and checks but records and withdraws nothing", async () => {
    const created = await api.as(world.tokens.spA).post("/api/v1/opt-outs", { msisdn: NUMBER, enterpriseId: world.enterpriseA.id });
    const auditor = world.tokens.auditor;
    expect((await api.as(auditor).get("/api/v1/opt-outs")).items).toHaveLength(1);
    expect((await api.as(auditor).get(`/api/v1/opt-outs/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`)).optedOut).toBe(true);
    expect((await api.request("POST", "/api/v1/opt-outs", { token: auditor, body: { msisdn: "13800000002", enterpriseId: world.enterpriseA.id } })).status).toBe(403);
    expect((await api.request("DELETE", `/api/v1/opt-outs/${created.id}`, { token: auditor, body: { reason: "x" } })).status).toBe(403);
  });

  it("never returns a clear number, on any route or error", async () => {
    const texts: string[] = [];
    const keep = async (p: Promise<{ text: string }>) => texts.push((await p).text);
    await keep(api.request("POST", "/api/v1/opt-outs", { token: world.tokens.spA, body: { msisdn: NUMBER, enterpriseId: world.enterpriseA.id } }));
    await keep(api.request("POST", "/api/v1/opt-outs", { token: world.tokens.spA, body: { msisdn: NUMBER, enterpriseId: world.enterpriseA.id } }));
    await keep(api.request("POST", "/api/v1/opt-outs", { token: world.tokens.spB, body: { msisdn: NUMBER, enterpriseId: world.enterpriseA.id } }));
    await keep(api.request("GET", `/api/v1/opt-outs?msisdn=${NUMBER}`));
    await keep(api.request("GET", `/api/v1/opt-outs/check?msisdn=${NUMBER}&enterpriseId=${world.enterpriseA.id}`));
    await keep(api.request("GET", "/api/v1/audit"));
    for (const text of texts) expect(text).not.toContain(NUMBER);
  });
});

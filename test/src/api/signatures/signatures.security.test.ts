import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { buildRegistryWorld, fileSignature, signatureBody, type RegistryWorld } from "../../../helpers/registry.ts";

let api: TestApi;
let world: RegistryWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildRegistryWorld(api);
});
afterEach(async () => {
  await api.close();
});

const actions = ["approve", "reject", "suspend", "revoke"] as const;

describe("signatures (security)", () => {
  it("needs a token on every route", async () => {
    const signature = await fileSignature(api, world);
    const calls: [string, string, unknown?][] = [
      ["GET", "/api/v1/signatures"],
      ["GET", `/api/v1/signatures/${signature.id}`],
      ["POST", "/api/v1/signatures", signatureBody(world)],
      ["PATCH", `/api/v1/signatures/${signature.id}`, { scope: ["verification"] }],
      ...actions.map((action): [string, string, unknown] => ["POST", `/api/v1/signatures/${signature.id}/${action}`, { reason: "x" }]),
    ];
    for (const [method, path, body] of calls) {
      expect((await api.request(method, path, { token: null, body })).status, `${method} ${path}`).toBe(401);
    }
  });

  it("an SP sees and changes only its own signatures: another SP's are 404 everywhere", async () => {
    const mine = await fileSignature(api, world);
    const theirs = await fileSignature(api, world, { text: "星河电商", enterpriseId: world.enterpriseB.id, ports: [{ portId: world.portB.id }] }, world.tokens.spB);
    const list = await api.as(world.tokens.spA).get("/api/v1/signatures");
    expect(list.items.map((s: { id: string }) => s.id)).toEqual([mine.id]);
    // Filters cannot widen the scope.
    expect((await api.as(world.tokens.spA).get(`/api/v1/signatures?spId=${world.spB.id}`)).items).toEqual([]);
    expect((await api.as(world.tokens.spA).get(`/api/v1/signatures?enterpriseId=${world.enterpriseB.id}`)).items).toEqual([]);

    const asA = (method: string, path: string, body?: unknown) => api.request(method, path, { token: world.tokens.spA, body });
    expect((await asA("GET", `/api/v1/signatures/${theirs.id}`)).status).toBe(404);
    expect((await asA("PATCH", `/api/v1/signatures/${theirs.id}`, { scope: ["verification"] })).status).toBe(404);
    for (const action of actions) {
      expect((await asA("POST", `/api/v1/signatures/${theirs.id}/${action}`, { reason: "x" })).status, action).toBe(404);
    }
  });

  it("an SP cannot decide on its own signature (403) and files only for itself", async () => {
    const mine = await fileSignature(api, world);
    for (const action of actions) {
      const response = await api.request("POST", `/api/v1/signatures/${mine.id}/${action}`, { token: world.tokens.spA, body: { reason: "self-service" } });
      expect(response.status, action).toBe(403);
      expect(response.body.code).toBe("FORBIDDEN");
    }
    expect((await api.as(world.tokens.spA).get(`/api/v1/signatures/${mine.id}`)).status).toBe("pending");
    const forOther = await api.request("POST", "/api/v1/signatures", { token: world.tokens.spA, body: { ...signatureBody(world, { text: "冒名签名" }), spId: world.spB.id } });
    expect(forOther.status).toBe(403);
    // An SP filing for another SP's enterprise, or from its port, is refused as invalid (no existence leak).
    const foreignEnterprise = await api.request("POST", "/api/v1/signatures", { token: world.tokens.spA, body: signatureBody(world, { text: "星河优选", enterpriseId: world.enterpriseB.id }) });
    expect(foreignEnterprise.status).toBe(422);
  });

  it("an auditor reads everything and changes nothing", async () => {
    const mine = await fileSignature(api, world);
    await fileSignature(api, world, { text: "星河电商", enterpriseId: world.enterpriseB.id, ports: [{ portId: world.portB.id }] }, world.tokens.spB);
    const auditor = world.tokens.auditor;
    expect((await api.as(auditor).get("/api/v1/signatures")).items).toHaveLength(2);
    expect((await api.as(auditor).get(`/api/v1/signatures/${mine.id}`)).id).toBe(mine.id);
    expect((await api.request("POST", "/api/v1/signatures", { token: auditor, body: { ...signatureBody(world, { text: "审计签名" }), spId: world.spA.id } })).status).toBe(403);
    expect((await api.request("PATCH", `/api/v1/signatures/${mine.id}`, { token: auditor, body: { scope: ["verification"] } })).status).toBe(403);
    for (const action of actions) {
      expect((await api.request("POST", `/api/v1/signatures/${mine.id}/${action}`, { token: auditor, body: { reason: "x" } })).status, action).toBe(403);
    }
    expect((await api.as(auditor).get(`/api/v1/signatures/${mine.id}`)).status).toBe("pending");
  });
});

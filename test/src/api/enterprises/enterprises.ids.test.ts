import { afterEach, beforeEach, expect, it } from "vitest";
import { createEnterprise } from "../../../../src/enterprises/enterprises.service.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { makeUscc } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

it("draws the id again when it shares its last 8 bytes with another enterprise's (their recipient keys would merge), never a 409", async () => {
  const first = await api.as(api.operatorToken).post("/api/v1/enterprises", { name: "先登记企业", uscc: makeUscc(21) });
  // The service's draws: first a UUID with the first enterprise's last 8 bytes (62 random bits
  // there: it never happens by chance in a test, so it is forced), then whatever comes.
  const twin = `0fffffff-ffff-7fff-${(first.id as string).slice(19)}`;
  const draws: string[] = [];
  const drawId = () => {
    const id = draws.length === 0 ? twin : Bun.randomUUIDv7();
    draws.push(id);
    return id;
  };
  const second = await createEnterprise(api.serviceContext({ type: "operator", id: "op" }), { name: "后登记企业", uscc: makeUscc(22) }, drawId);
  expect(draws[0]).toBe(twin);
  expect(draws).toHaveLength(2);
  expect(second.id).toBe(draws[1]);
  expect((await api.as(api.operatorToken).get(`/api/v1/enterprises/${second.id}`)).name).toBe("后登记企业");
  // A real duplicate is still the caller's conflict.
  const again = await api.request("POST", "/api/v1/enterprises", { body: { name: "重复企业", uscc: makeUscc(22) } });
  expect(again.status).toBe(409);
  expect(again.body.detail).toContain("USCC");
});

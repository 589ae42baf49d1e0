import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { makeUscc } from "../../../helpers/registry.ts";

// The id an enterprise insert draws next, when armed: a UUID whose last 8 bytes another enterprise
// already has (62 random bits: it never happens by chance in a test, so it is forced here).
const forced = vi.hoisted(() => ({ next: undefined as string | undefined, used: 0 }));
vi.mock("../../../../src/lib/ids.ts", () => ({
  newId: () => {
    // Only for the call the enterprises' service makes (its one newId: the enterprise's id).
    if (forced.next && new Error().stack?.split("\n")[2]?.includes("enterprises.service")) {
      const id = forced.next;
      forced.next = undefined;
      forced.used++;
      return id;
    }
    return Bun.randomUUIDv7();
  },
}));

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

it("draws the id again when it shares its last 8 bytes with another enterprise's (their recipient keys would merge), never a 409", async () => {
  const first = await api.as(api.operatorToken).post("/api/v1/enterprises", { name: "先登记企业", uscc: makeUscc(21) });
  forced.next = `0fffffff-ffff-7fff-${(first.id as string).slice(19)}`;
  const second = await api.request("POST", "/api/v1/enterprises", { body: { name: "后登记企业", uscc: makeUscc(22) } });
  expect(forced.used).toBe(1);
  expect(second.status).toBe(201);
  expect(second.body.id.slice(19)).not.toBe((first.id as string).slice(19));
  // A real duplicate is still the caller's conflict.
  const again = await api.request("POST", "/api/v1/enterprises", { body: { name: "重复企业", uscc: makeUscc(22) } });
  expect(again.status).toBe(409);
  expect(again.body.detail).toContain("USCC");
});

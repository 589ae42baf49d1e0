import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { buildRegistryWorld, fileSignature, type RegistryWorld } from "../../../helpers/registry.ts";

/** A clock the test moves, so rows get distinct, known times. */
let current = new Date("2030-06-01T08:00:00Z");
let api: TestApi;
let world: RegistryWorld;
beforeEach(async () => {
  current = new Date("2030-06-01T08:00:00Z");
  api = await startTestApi({ now: () => current });
  world = await buildRegistryWorld(api);
});
afterEach(async () => {
  await api.close();
});

type Entry = { seq: number; action: string; objectType: string; objectId: string; actorType: string; actorId: string; at: string };

async function history() {
  current = new Date("2030-06-02T08:00:00Z");
  const signature = await fileSignature(api, world);
  current = new Date("2030-06-03T08:00:00Z");
  await api.as(api.operatorToken).post(`/api/v1/signatures/${signature.id}/approve`, { reason: "材料齐全" });
  current = new Date("2030-06-04T08:00:00Z");
  await api.as(world.tokens.spB).post("/api/v1/opt-outs", { msisdn: "13800000001", enterpriseId: world.enterpriseB.id });
  current = new Date("2030-06-05T08:00:00Z");
  await api.as(api.operatorToken).post("/api/v1/dnd", { msisdn: "13900000001", reason: "登记拒收" });
  return signature;
}

describe("audit trail (happy)", () => {
  it("lists by seq with filters on object, action, actor and time", async () => {
    const signature = await history();
    const operator = api.as(api.operatorToken);
    const all: Entry[] = (await operator.get("/api/v1/audit?limit=500")).items;
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));
    expect(all.slice(-4).map((e) => e.action)).toEqual(["signature.create", "signature.approve", "opt_out.create", "dnd.create"]);

    const actions = (page: { items: Entry[] }) => page.items.map((e) => e.action);
    expect(actions(await operator.get("/api/v1/audit?objectType=signature"))).toEqual(["signature.create", "signature.approve"]);
    expect(actions(await operator.get(`/api/v1/audit?objectId=${signature.id}`))).toEqual(["signature.create", "signature.approve"]);
    expect(actions(await operator.get("/api/v1/audit?action=signature.approve"))).toEqual(["signature.approve"]);
    const approve = all.find((e) => e.action === "signature.approve")!;
    expect(approve).toMatchObject({ actorType: "operator", reason: "材料齐全" });
    const byOperator = actions(await operator.get(`/api/v1/audit?actor=${approve.actorId}`));
    expect(byOperator).toContain("signature.approve");
    expect(byOperator).toContain("dnd.create");
    expect(byOperator).not.toContain("opt_out.create");
    expect(actions(await operator.get("/api/v1/audit?actorType=sp"))).toEqual(["signature.create", "opt_out.create"]);
    const window = `from=${encodeURIComponent("2030-06-03T08:00:00Z")}&to=${encodeURIComponent("2030-06-05T08:00:00+00:00")}`;
    expect(actions(await operator.get(`/api/v1/audit?${window}`))).toEqual(["signature.approve", "opt_out.create"]);
  });

  it("pages with a seq cursor, oldest first or newest first", async () => {
    await history();
    const operator = api.as(api.operatorToken);
    const all: Entry[] = (await operator.get("/api/v1/audit?limit=500")).items;
    const seqs = all.map((e) => e.seq);
    const walk = async (order: string) => {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Entry[]; nextCursor: string | null } = await operator.get(`/api/v1/audit?limit=3&order=${order}${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...page.items.map((e) => e.seq));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await walk("asc")).toEqual(seqs);
    expect(await walk("desc")).toEqual([...seqs].reverse());
  });

  it("verifies an intact chain for operators and auditors", async () => {
    await history();
    const total = (await api.as(api.operatorToken).get("/api/v1/audit?limit=500")).items.length;
    expect(await api.as(api.operatorToken).get("/api/v1/audit/verify")).toEqual({ ok: true, checked: total, firstBrokenSeq: null, problem: null });
    expect((await api.as(world.tokens.auditor).get("/api/v1/audit/verify")).ok).toBe(true);
  });
});

import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog } from "../../../../src/db/schema/index.ts";
import { REGISTRY_CHANNEL } from "../../../../src/db/transaction.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { addExtension, addPort, buildRegistryWorld, fileSignature, type RegistryWorld } from "../../../helpers/registry.ts";
import { driveTo, perform, transitionTable } from "./lifecycle-table.ts";

let api: TestApi;
let world: RegistryWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildRegistryWorld(api);
});
afterEach(async () => {
  await api.close();
});

async function auditRows(objectId: string) {
  return api.database.db.select().from(auditLog).where(eq(auditLog.objectId, objectId)).orderBy(auditLog.seq);
}

describe("signatures (happy)", () => {
  it("an SP files a signature: normalised, pending, scope as a set, audited", async () => {
    const response = await api.request("POST", "/api/v1/signatures", {
      token: world.tokens.spA,
      body: {
        text: " 【云端\u200B 科技】 ",
        enterpriseId: world.enterpriseA.id,
        evidence: { kind: "trademark", reference: "第12345678号", expiresOn: "2030-12-31" },
        scope: ["notification", "verification", "notification"],
        ports: [{ portId: world.portA.id }],
        expiresAt: "2030-01-01T00:00:00+08:00",
      },
    });
    expect(response.status, response.text).toBe(201);
    expect(response.body).toMatchObject({
      text: "云端科技",
      enterpriseId: world.enterpriseA.id,
      spId: world.spA.id,
      status: "pending",
      scope: ["verification", "notification"],
      evidence: { kind: "trademark", reference: "第12345678号", expiresOn: "2030-12-31" },
      ports: [{ portId: world.portA.id, extension: "" }],
      expiresAt: "2029-12-31T16:00:00.000Z",
      approvedAt: null,
    });
    const [audit] = await auditRows(response.body.id);
    expect(audit).toMatchObject({ action: "signature.create", objectType: "signature", objectSpId: world.spA.id, actorType: "sp" });
    expect((audit!.after as { text: string }).text).toBe("云端科技");

    const read = await api.request("GET", `/api/v1/signatures/${response.body.id}`, { token: world.tokens.spA });
    expect(read.body).toEqual(response.body);
  });

  it("an operator files on behalf of an SP, with an extension assigned to the enterprise", async () => {
    await addExtension(api, { portId: world.portA.id, extension: "0801", enterpriseId: world.enterpriseA.id });
    const otherPort = await addPort(api, { spId: world.spA.id });
    const created = await api.request("POST", "/api/v1/signatures", {
      body: {
        text: "云端科技",
        spId: world.spA.id,
        enterpriseId: world.enterpriseA.id,
        scope: ["marketing"],
        ports: [{ portId: world.portA.id, extension: "0801" }, { portId: otherPort.id }],
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.spId).toBe(world.spA.id);
    expect(created.body.evidence).toBeNull();
    expect(created.body.ports).toHaveLength(2);
    expect(created.body.ports).toContainEqual({ portId: world.portA.id, extension: "0801" });
  });

  it("lists with filters (status, enterprise, SP, normalised text, expiry) and a cursor", async () => {
    const a1 = await fileSignature(api, world, { text: "云端科技", expiresAt: "2040-03-01T00:00:00Z" });
    const a2 = await fileSignature(api, world, { text: "云端商城" });
    const a3 = await fileSignature(api, world, { text: "ＡＢＣ优选", expiresAt: "2045-01-01T00:00:00Z" });
    const b1 = await fileSignature(api, world, { text: "星河电商", enterpriseId: world.enterpriseB.id, ports: [{ portId: world.portB.id }] }, world.tokens.spB);
    await driveTo(api, a2.id, "approved");
    const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);
    const get = (query: string) => api.as(api.operatorToken).get(`/api/v1/signatures${query}`);

    expect(ids(await get(""))).toEqual([a1.id, a2.id, a3.id, b1.id]);
    expect(ids(await get("?status=approved"))).toEqual([a2.id]);
    expect(ids(await get(`?enterpriseId=${world.enterpriseB.id}`))).toEqual([b1.id]);
    expect(ids(await get(`?spId=${world.spA.id}`))).toEqual([a1.id, a2.id, a3.id]);
    expect(ids(await get(`?text=${encodeURIComponent("云端")}`))).toEqual([a1.id, a2.id]);
    // The filter is normalised like the stored text (full-width, spaces), and the search ignores case.
    expect(ids(await get(`?text=${encodeURIComponent("ＡＢＣ 优")}`))).toEqual([a3.id]);
    expect(ids(await get(`?text=${encodeURIComponent("ａｂｃ")}`))).toEqual([a3.id]);
    expect(ids(await get(`?text=${encodeURIComponent("100%")}`))).toEqual([]);
    expect(ids(await get(`?expiringBefore=${encodeURIComponent("2041-01-01T00:00:00Z")}`))).toEqual([a1.id]);
    expect(ids(await get("?expiringBefore=2046-01-01"))).toEqual([a1.id, a3.id]);

    const first = await get("?limit=3");
    expect(ids(first)).toEqual([a1.id, a2.id, a3.id]);
    const second = await get(`?limit=3&cursor=${first.nextCursor}`);
    expect(ids(second)).toEqual([b1.id]);
    expect(second.nextCursor).toBeNull();
  });

  describe("every allowed transition", () => {
    it.each(transitionTable.filter((row) => row.allowed))("$from → $to (by $move)", async ({ from, to, move }) => {
      const signature = await fileSignature(api, world);
      await driveTo(api, signature.id, from);
      const response = await perform(api, signature.id, move);
      expect(response.status, response.text).toBe(200);
      expect(response.body.status).toBe(to);
      const last = (await auditRows(signature.id)).at(-1)!;
      expect(last.action).toBe(move === "edit" ? "signature.update" : `signature.${move}`);
      expect((last.before as { status: string }).status).toBe(from);
      expect((last.after as { status: string }).status).toBe(to);
      expect(last.reason).toBeTruthy();
      if (move !== "edit") expect(response.body.statusReason).toBe(`operator decided to ${move}`);
    });
  });

  it("approving stamps approvedAt; suspending and reinstating keep the signature usable again", async () => {
    const signature = await fileSignature(api, world);
    const approved = await api.as(api.operatorToken).post(`/api/v1/signatures/${signature.id}/approve`, { reason: "营业执照核验通过" });
    expect(approved.approvedAt).toBeTruthy();
    await api.as(api.operatorToken).post(`/api/v1/signatures/${signature.id}/suspend`, { reason: "投诉核查中" });
    const reinstated = await api.as(api.operatorToken).post(`/api/v1/signatures/${signature.id}/approve`, { reason: "核查完毕，恢复" });
    expect(reinstated).toMatchObject({ status: "approved", statusReason: "核查完毕，恢复" });
  });

  describe("editing (PATCH)", () => {
    it("a pending filing stays pending; a rejected one is re-submitted as pending", async () => {
      const signature = await fileSignature(api, world);
      const edited = await api.as(world.tokens.spA).patch(`/api/v1/signatures/${signature.id}`, { scope: ["verification"] });
      expect(edited).toMatchObject({ status: "pending", scope: ["verification"] });
      await api.as(api.operatorToken).post(`/api/v1/signatures/${signature.id}/reject`, { reason: "证明材料不清晰" });
      const resubmitted = await api.as(world.tokens.spA).patch(`/api/v1/signatures/${signature.id}`, {
        evidence: { kind: "business_licence", reference: "91310000MA00000002" },
        reason: "重新上传营业执照",
      });
      expect(resubmitted).toMatchObject({ status: "pending", statusReason: "重新上传营业执照", evidence: { reference: "91310000MA00000002" } });
    });

    it("narrowing an approved signature keeps it approved", async () => {
      const extraPort = await addPort(api, { spId: world.spA.id });
      await addExtension(api, { portId: world.portA.id, extension: "12", enterpriseId: world.enterpriseA.id });
      const signature = await fileSignature(api, world, { ports: [{ portId: world.portA.id }, { portId: extraPort.id }], expiresAt: "2030-01-01T00:00:00Z" });
      await driveTo(api, signature.id, "approved");
      const patch = (body: unknown) => api.as(world.tokens.spA).patch(`/api/v1/signatures/${signature.id}`, body);
      expect(await patch({ scope: ["verification"] })).toMatchObject({ status: "approved", scope: ["verification"] });
      expect(await patch({ ports: [{ portId: world.portA.id }] })).toMatchObject({ status: "approved" });
      // The bare port covered every extension of the enterprise, so narrowing to one is not new.
      expect(await patch({ ports: [{ portId: world.portA.id, extension: "12" }] })).toMatchObject({ status: "approved" });
      expect(await patch({ expiresAt: "2029-01-01T00:00:00Z" })).toMatchObject({ status: "approved" });
    });

    it.each([
      ["a new category", () => ({ scope: ["verification", "notification", "marketing"] })],
      ["a new port", () => ({ ports: [{ portId: world.portA.id }, { portId: "__extra__" }] })],
      ["new evidence", () => ({ evidence: { kind: "app", reference: "com.yunduan.app" } })],
      ["a later expiry", () => ({ expiresAt: "2031-01-01T00:00:00Z" })],
      ["no expiry", () => ({ expiresAt: null })],
    ])("widening an approved signature (%s) returns it to pending", async (_what, change) => {
      const extraPort = await addPort(api, { spId: world.spA.id });
      const signature = await fileSignature(api, world, { expiresAt: "2030-01-01T00:00:00Z" });
      await driveTo(api, signature.id, "approved");
      const body = JSON.parse(JSON.stringify(change()).replace("__extra__", extraPort.id));
      const edited = await api.as(world.tokens.spA).patch(`/api/v1/signatures/${signature.id}`, body);
      expect(edited).toMatchObject({ status: "pending", approvedAt: null });
      expect(edited.statusReason).toMatch(/approval/);
    });

    it("an edit that changes nothing writes nothing", async () => {
      const signature = await fileSignature(api, world);
      await driveTo(api, signature.id, "approved");
      const before = await auditRows(signature.id);
      const same = await api.as(world.tokens.spA).patch(`/api/v1/signatures/${signature.id}`, { scope: ["notification", "verification"] });
      expect(same.status).toBe("approved");
      expect(await auditRows(signature.id)).toHaveLength(before.length);
    });
  });

  it("announces every change on the registry channel", async () => {
    const payloads: string[] = [];
    const unlisten = await api.database.listen(REGISTRY_CHANNEL, (payload) => payloads.push(payload));
    try {
      const signature = await fileSignature(api, world);
      await api.as(world.tokens.spA).patch(`/api/v1/signatures/${signature.id}`, { scope: ["verification"] });
      await driveTo(api, signature.id, "suspended");
      await perform(api, signature.id, "revoke");
      await expect.poll(() => payloads.filter((p) => p === `signatures:${signature.id}`).length, { timeout: 5000 }).toBe(5);
    } finally {
      await unlisten();
    }
    const actions = await api.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.objectType, "signature")))
      .orderBy(auditLog.seq);
    expect(actions.map((row) => row.action)).toEqual(["signature.create", "signature.update", "signature.approve", "signature.suspend", "signature.revoke"]);
  });

  it("documents the routes in the OpenAPI document", async () => {
    const doc = await api.request("GET", "/api/openapi.json", { token: null });
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.body.paths);
    for (const path of [
      "/api/v1/signatures",
      "/api/v1/signatures/{id}",
      "/api/v1/signatures/{id}/approve",
      "/api/v1/signatures/{id}/reject",
      "/api/v1/signatures/{id}/suspend",
      "/api/v1/signatures/{id}/revoke",
      "/api/v1/opt-outs",
      "/api/v1/opt-outs/check",
      "/api/v1/opt-outs/{id}",
      "/api/v1/dnd",
      "/api/v1/dnd/check",
      "/api/v1/dnd/{id}",
      "/api/v1/audit",
      "/api/v1/audit/verify",
    ]) {
      expect(paths).toContain(path);
    }
    const checkParams = doc.body.paths["/api/v1/opt-outs/check"].get.parameters.map((p: { name: string }) => p.name);
    expect(checkParams).toEqual(expect.arrayContaining(["msisdn", "enterpriseId"]));
  });
});

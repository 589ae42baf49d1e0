import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signatures } from "../../../../src/db/schema/index.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { addContract, addEnterprise, addExtension, addPort, buildRegistryWorld, fileSignature, signatureBody, type RegistryWorld } from "../../../helpers/registry.ts";
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

const file = (body: unknown, token = world.tokens.spA) => api.request("POST", "/api/v1/signatures", { token, body });

function expectProblem(response: { status: number; body: any; text: string }, status: number, code: string, path?: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.body.code).toBe(code);
  if (path) expect(response.body.errors?.map((e: { path: string }) => e.path)).toContain(path);
}

describe("signature lifecycle (error): every refused transition", () => {
  it.each(transitionTable.filter((row) => !row.allowed))("$from → $to (by $move) is 409 INVALID_TRANSITION", async ({ from, to, move }) => {
    const signature = await fileSignature(api, world);
    await driveTo(api, signature.id, from);
    const response = await perform(api, signature.id, move);
    expectProblem(response, 409, "INVALID_TRANSITION");
    expect(response.body.detail).toContain(`${from} → ${to}`);
    const [row] = await api.database.db.select({ status: signatures.status }).from(signatures).where(eq(signatures.id, signature.id));
    expect(row!.status).toBe(from);
  });
});

describe("signature actions (error)", () => {
  it.each(["approve", "reject", "suspend", "revoke"])("%s needs a reason", async (action) => {
    const signature = await fileSignature(api, world);
    const path = `/api/v1/signatures/${signature.id}/${action}`;
    expectProblem(await api.request("POST", path, { body: {} }), 422, "VALIDATION_FAILED", "reason");
    expectProblem(await api.request("POST", path, { body: { reason: "   " } }), 422, "VALIDATION_FAILED", "reason");
    expect((await api.request("POST", path)).status).toBeGreaterThanOrEqual(400);
    expect((await api.request("POST", path)).status).toBeLessThan(500);
  });

  it("approval needs evidence on file, in date, and a non-empty scope", async () => {
    const noEvidence = await fileSignature(api, world, { evidence: undefined });
    expectProblem(await perform(api, noEvidence.id, "approve"), 422, "VALIDATION_FAILED", "evidence");

    const staleEvidence = await fileSignature(api, world, { text: "云端商城" });
    await api.database.db.update(signatures).set({ evidenceExpiresOn: "2020-01-01" }).where(eq(signatures.id, staleEvidence.id));
    expectProblem(await perform(api, staleEvidence.id, "approve"), 422, "VALIDATION_FAILED", "evidence.expiresOn");

    const noScope = await fileSignature(api, world, { text: "云端优选" });
    await api.database.db.update(signatures).set({ scope: sql`'{}'::text[]` as never }).where(eq(signatures.id, noScope.id));
    expectProblem(await perform(api, noScope.id, "approve"), 422, "VALIDATION_FAILED", "scope");

    // A suspended signature whose evidence lapsed cannot be reinstated either.
    const suspended = await fileSignature(api, world, { text: "云端出行" });
    await driveTo(api, suspended.id, "suspended");
    await api.database.db.update(signatures).set({ evidenceExpiresOn: "2020-01-01" }).where(eq(signatures.id, suspended.id));
    expectProblem(await perform(api, suspended.id, "approve"), 422, "VALIDATION_FAILED", "evidence.expiresOn");
  });

  it("approval needs the contract to be still active", async () => {
    const signature = await fileSignature(api, world);
    await api.database.db.execute(sql`update contracts set status = 'terminated'`);
    expectProblem(await perform(api, signature.id, "approve"), 422, "VALIDATION_FAILED", "enterpriseId");
  });
});

describe("signature filing (error)", () => {
  it.each([
    ["云端科技", "the same text again"],
    ["【云端科技】", "with its brackets"],
    [" 云端　科技 ", "with spaces"],
    ["云端\u200B科技", "with a zero-width space"],
  ])("refuses %j for the same enterprise (%s) with 409", async (text) => {
    await fileSignature(api, world, { text: "云端科技" });
    const response = await file(signatureBody(world, { text }));
    expectProblem(response, 409, "CONFLICT");
    expect(response.body.detail).toContain("already filed for this enterprise");
  });

  it.each([
    ["【ＡＢＣ】", "full-width in brackets"],
    ["ＡＢＣ", "full-width"],
    ["A\u200BB\u200DC", "zero-width characters"],
    ["\uFEFFABC ", "a BOM and a trailing space"],
  ])("refuses %j (%s) under another enterprise when ABC exists", async (text) => {
    await fileSignature(api, world, { text: "ABC" });
    const response = await file({ ...signatureBody(world, { text }), enterpriseId: world.enterpriseB.id, ports: [{ portId: world.portB.id }] }, world.tokens.spB);
    expectProblem(response, 409, "CONFLICT");
    expect(response.body.detail).toContain("another enterprise");
  });

  it("keeps a revoked text taken", async () => {
    const signature = await fileSignature(api, world);
    await driveTo(api, signature.id, "revoked");
    expectProblem(await file(signatureBody(world)), 409, "CONFLICT");
  });

  it.each([
    ["云", "too short"],
    ["云".repeat(21), "too long"],
    ["云端【科技", "a bracket inside"],
    ["云端】科技】", "a closing bracket inside"],
    ["【云端】科技】", "brackets inside after the outer pair"],
    ["\u200B\u200B", "nothing but zero-width characters"],
  ])("refuses text %j (%s) with 422", async (text) => {
    expectProblem(await file(signatureBody(world, { text })), 422, "VALIDATION_FAILED", "text");
  });

  it("needs an active contract between the filing SP and the enterprise", async () => {
    expectProblem(await file(signatureBody(world, { enterpriseId: world.enterpriseB.id })), 422, "VALIDATION_FAILED", "enterpriseId");
    const expired = await addEnterprise(api);
    await addContract(api, { spId: world.spA.id, enterpriseId: expired.id, validFrom: "2019-01-01", validTo: "2020-12-31" });
    expectProblem(await file(signatureBody(world, { enterpriseId: expired.id })), 422, "VALIDATION_FAILED", "enterpriseId");
    const terminated = await addEnterprise(api);
    await addContract(api, { spId: world.spA.id, enterpriseId: terminated.id, status: "terminated" });
    expectProblem(await file(signatureBody(world, { enterpriseId: terminated.id })), 422, "VALIDATION_FAILED", "enterpriseId");
    const future = await addEnterprise(api);
    await addContract(api, { spId: world.spA.id, enterpriseId: future.id, validFrom: "2090-01-01" });
    expectProblem(await file(signatureBody(world, { enterpriseId: future.id })), 422, "VALIDATION_FAILED", "enterpriseId");
    // Filing an enterprise (filed_by_sp_id) is not a contract to carry it.
    const filedOnly = await addEnterprise(api, { filedBySpId: world.spA.id });
    expectProblem(await file(signatureBody(world, { enterpriseId: filedOnly.id })), 422, "VALIDATION_FAILED", "enterpriseId");
    const suspended = await addEnterprise(api, { status: "suspended" });
    await addContract(api, { spId: world.spA.id, enterpriseId: suspended.id });
    expectProblem(await file(signatureBody(world, { enterpriseId: suspended.id })), 422, "VALIDATION_FAILED", "enterpriseId");
  });

  it("needs ports of the filing SP, and extensions assigned to the enterprise on that port", async () => {
    expectProblem(await file(signatureBody(world, { ports: [{ portId: world.portB.id }] })), 422, "VALIDATION_FAILED", "ports.0.portId");
    expectProblem(await file(signatureBody(world, { ports: [{ portId: "01900000-0000-7000-8000-000000000000" }] })), 422, "VALIDATION_FAILED", "ports.0.portId");
    const revoked = await addPort(api, { spId: world.spA.id, status: "revoked" });
    expectProblem(await file(signatureBody(world, { ports: [{ portId: revoked.id }] })), 422, "VALIDATION_FAILED", "ports.0.portId");
    expectProblem(await file(signatureBody(world, { ports: [{ portId: world.portA.id, extension: "99" }] })), 422, "VALIDATION_FAILED", "ports.0.extension");
    const other = await addEnterprise(api);
    await addExtension(api, { portId: world.portA.id, extension: "77", enterpriseId: other.id });
    expectProblem(await file(signatureBody(world, { ports: [{ portId: world.portA.id, extension: "77" }] })), 422, "VALIDATION_FAILED", "ports.0.extension");
    expectProblem(await file(signatureBody(world, { ports: [{ portId: world.portA.id, extension: "7a" }] })), 422, "VALIDATION_FAILED", "ports.0.extension");
    expectProblem(await file(signatureBody(world, { ports: [{ portId: world.portA.id }, { portId: world.portA.id, extension: "" }] })), 422, "VALIDATION_FAILED", "ports.1");
    expectProblem(await file(signatureBody(world, { ports: [] })), 422, "VALIDATION_FAILED", "ports");
  });

  it("validates scope, evidence and dates", async () => {
    expectProblem(await file(signatureBody(world, { scope: [] })), 422, "VALIDATION_FAILED", "scope");
    expectProblem(await file(signatureBody(world, { scope: ["advertising"] })), 422, "VALIDATION_FAILED", "scope.0");
    expectProblem(await file(signatureBody(world, { evidence: { kind: "passport", reference: "x" } })), 422, "VALIDATION_FAILED", "evidence.kind");
    expectProblem(await file(signatureBody(world, { evidence: { kind: "app", reference: "" } })), 422, "VALIDATION_FAILED", "evidence.reference");
    expectProblem(await file(signatureBody(world, { evidence: { kind: "app", reference: "x", expiresOn: "2020-01-01" } })), 422, "VALIDATION_FAILED", "evidence.expiresOn");
    expectProblem(await file(signatureBody(world, { expiresAt: "2020-01-01T00:00:00Z" })), 422, "VALIDATION_FAILED", "expiresAt");
    expectProblem(await file(signatureBody(world, { status: "approved" })), 422, "VALIDATION_FAILED");
  });

  it("an operator must name the filing SP", async () => {
    expectProblem(await file(signatureBody(world), api.operatorToken), 422, "VALIDATION_FAILED", "spId");
    expectProblem(await file({ ...signatureBody(world), spId: "01900000-0000-7000-8000-000000000000" }, api.operatorToken), 422, "VALIDATION_FAILED", "spId");
  });
});

describe("signature editing (error)", () => {
  it("refuses an empty edit, text changes and bad ports", async () => {
    const signature = await fileSignature(api, world);
    const patch = (body: unknown) => api.request("PATCH", `/api/v1/signatures/${signature.id}`, { token: world.tokens.spA, body });
    expectProblem(await patch({}), 422, "VALIDATION_FAILED");
    expectProblem(await patch({ reason: "only a reason" }), 422, "VALIDATION_FAILED");
    expectProblem(await patch({ text: "别的名字" }), 422, "VALIDATION_FAILED");
    expectProblem(await patch({ ports: [{ portId: world.portB.id }] }), 422, "VALIDATION_FAILED", "ports.0.portId");
    expectProblem(await patch({ scope: [] }), 422, "VALIDATION_FAILED", "scope");
  });

  it("reports 404 for an unknown signature", async () => {
    const missing = "01900000-0000-7000-8000-000000000000";
    expectProblem(await api.request("GET", `/api/v1/signatures/${missing}`), 404, "NOT_FOUND");
    expectProblem(await api.request("PATCH", `/api/v1/signatures/${missing}`, { body: { scope: ["verification"] } }), 404, "NOT_FOUND");
    expectProblem(await api.request("POST", `/api/v1/signatures/${missing}/approve`, { body: { reason: "x" } }), 404, "NOT_FOUND");
    expectProblem(await api.request("GET", "/api/v1/signatures/not-a-uuid"), 422, "VALIDATION_FAILED");
  });
});

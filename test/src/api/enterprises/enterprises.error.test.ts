import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { usccCheckCharacter } from "../../../../src/lib/uscc.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { createSp, makeUscc } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

async function refusedUscc(uscc: string) {
  const res = await api.request("POST", "/api/v1/enterprises", { body: { name: "示例", uscc } });
  expect(res.status).toBe(422);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.body.code).toBe("VALIDATION_FAILED");
  expect(res.body.errors[0].path).toBe("uscc");
  return res.body as { detail: string; errors: { path: string; message: string }[] };
}

describe("enterprises (error)", () => {
  it("names the USCC rule that failed: length, character set, check character, authority, category", async () => {
    expect((await refusedUscc("91350100M000100Y4")).errors[0]!.message).toMatch(/^length:/);
    expect((await refusedUscc("91350100M000100I43")).errors[0]!.message).toMatch(/^charset:.*character 16/);
    const checkFailure = await refusedUscc("91350100M000100Y44");
    expect(checkFailure.errors[0]!.message).toMatch(/^check_character:.*'3'/);
    expect(checkFailure.detail).toContain("uscc: check_character");
    const first17 = "B1350100M000100Y4";
    expect((await refusedUscc(first17 + usccCheckCharacter(first17))).errors[0]!.message).toMatch(/^registration_authority:/);
    const badCategory = "97350100M000100Y4";
    expect((await refusedUscc(badCategory + usccCheckCharacter(badCategory))).errors[0]!.message).toMatch(/^category:/);
  });

  it("validates every field and refuses unknown ones", async () => {
    const res = await api.request("POST", "/api/v1/enterprises", { body: { name: "", uscc: makeUscc(1), contactPhone: "call me", colour: "red" } });
    expect(res.status).toBe(422);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "contactPhone"]));
    const status = await api.request("POST", "/api/v1/enterprises", { body: { name: "x", uscc: makeUscc(2), status: "deleted" } });
    expect(status.body.errors[0].path).toBe("status");
    const query = await api.request("GET", "/api/v1/enterprises?status=gone&limit=0");
    expect(query.status).toBe(422);
    expect(query.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(["status", "limit"]));
    expect((await api.request("GET", "/api/v1/enterprises/not-a-uuid")).status).toBe(422);
    expect((await api.request("GET", "/api/v1/enterprises?cursor=%%%")).status).toBe(400);
  });

  it("refuses a duplicate USCC with 409, whatever its case, and on update", async () => {
    await api.as(api.operatorToken).post("/api/v1/enterprises", { name: "甲", uscc: makeUscc(7) });
    const dup = await api.request("POST", "/api/v1/enterprises", { body: { name: "乙", uscc: makeUscc(7).toLowerCase() } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("CONFLICT");
    const { token } = await createSp(api);
    expect((await api.request("POST", "/api/v1/enterprises", { token, body: { name: "丙", uscc: makeUscc(7) } })).status).toBe(409);
    const other = await api.as(api.operatorToken).post("/api/v1/enterprises", { name: "丁", uscc: makeUscc(8) });
    expect((await api.request("PATCH", `/api/v1/enterprises/${other.id}`, { body: { uscc: makeUscc(7) } })).status).toBe(409);
  });

  it("answers 404 for an unknown enterprise", async () => {
    const res = await api.request("GET", "/api/v1/enterprises/01900000-0000-7000-8000-000000000000");
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });
});

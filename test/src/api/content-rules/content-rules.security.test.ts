import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { auditRows, createSp } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const rule = (extra: Record<string, unknown>) => ({ name: "r", category: "fraud", appliesTo: ["marketing"], reason: "test", ...extra });

describe("content rules (security and errors)", () => {
  it("an SP never reads the rules (it would write around them); an auditor reads but never writes", async () => {
    const a = await createSp(api, "A");
    const created = await api.as(api.operatorToken).post("/api/v1/content-rules", rule({ phrases: ["刷单"] }));
    for (const [method, path] of [["GET", "/api/v1/content-rules"], ["GET", `/api/v1/content-rules/${created.id}`], ["GET", "/api/v1/content-rules/counts"], ["POST", "/api/v1/content-rules/dry-run"]] as const) {
      expect((await api.request(method, path, { token: a.token, body: method === "POST" ? { phrases: ["刷单"] } : undefined })).status, path).toBe(403);
    }
    expect((await api.request("POST", "/api/v1/content-rules", { token: a.token, body: rule({ phrases: ["x"] }) })).status).toBe(403);
    const auditor = await api.tokenFor("auditor");
    expect((await api.request("GET", "/api/v1/content-rules", { token: auditor })).status).toBe(200);
    expect((await api.request("PATCH", `/api/v1/content-rules/${created.id}`, { token: auditor, body: { mode: "off", reason: "x" } })).status).toBe(403);
    expect(await auditRows(api, "content_rule")).toHaveLength(1);
  });

  it("refuses patterns that could backtrack catastrophically (422 naming why), before anything is stored", async () => {
    const attempts: [string, string][] = [
      ["(a+)+$", "pattern_nested_quantifier"],
      ["(a|a)*b", "pattern_repeated_alternation"],
      ["\\d+\\D*\\d+x", "pattern_too_costly"],
      ["(贷)\\1", "pattern_backreference"],
      ["(?=贷款)贷", "pattern_lookaround"],
      ["a{0,5000}", "pattern_repeat_too_large"],
      ["([", "pattern_invalid"],
    ];
    for (const [pattern, code] of attempts) {
      const response = await api.request("POST", "/api/v1/content-rules", { body: rule({ pattern }) });
      expect(response.status, pattern).toBe(422);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(response.body.errors[0].message, pattern).toContain(code);
      expect((await api.request("POST", "/api/v1/content-rules/dry-run", { body: { pattern } })).status).toBe(422);
    }
    const ok = await api.as(api.operatorToken).post("/api/v1/content-rules", rule({ pattern: "日息\\d{1,3}(\\.\\d{1,2})?%" }));
    expect((await api.request("PATCH", `/api/v1/content-rules/${ok.id}`, { body: { pattern: "(x+)+y", reason: "r" } })).status).toBe(422);
    expect(await auditRows(api, "content_rule")).toHaveLength(1);
  });

  it("refuses rules without phrases or pattern, phrases that fold to nothing, unknown categories and fields", async () => {
    const bad = [
      rule({}),
      rule({ phrases: ["  ", "!!"] }),
      rule({ phrases: ["ok"], category: "weather" }),
      rule({ phrases: ["ok"], appliesTo: [] }),
      rule({ phrases: ["ok"], mode: "loud" }),
      rule({ phrases: ["ok"], sneaky: true }),
      rule({ phrases: ["x".repeat(51)] }),
    ];
    for (const body of bad) expect((await api.request("POST", "/api/v1/content-rules", { body })).status, JSON.stringify(body)).toBe(422);
    const created = await api.as(api.operatorToken).post("/api/v1/content-rules", rule({ phrases: ["ok"] }));
    expect((await api.request("PATCH", `/api/v1/content-rules/${created.id}`, { body: { phrases: [], reason: "empty" } })).status).toBe(422);
    expect((await api.request("PATCH", "/api/v1/content-rules/00000000-0000-7000-8000-000000000000", { body: { mode: "off", reason: "x" } })).status).toBe(404);
  });
});

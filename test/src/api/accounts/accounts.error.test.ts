import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { createSp } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("bind accounts (error)", () => {
  it("enforces the SMPP limits on system_id and password, naming the field", async () => {
    const { sp } = await createSp(api);
    const post = (body: Record<string, unknown>) => api.request("POST", "/api/v1/accounts", { body: { spId: sp.id, systemId: "ok_id", password: "abcdef", ...body } });
    for (const [field, value] of [
      ["systemId", ""],
      ["systemId", "a".repeat(16)],
      ["systemId", "has space"],
      ["password", "12345"],
      ["password", "123456789"],
      ["password", "pässwö"],
      ["maxBinds", 0],
      ["maxSubmitsPerSecond", 1.5],
      ["defaultCategory", "spam"],
      ["status", "deleted"],
    ] as const) {
      const res = await post({ [field]: value });
      expect(res.status, `${field}=${value}`).toBe(422);
      expect(res.body.errors[0].path).toBe(field);
    }
    expect((await post({ systemId: "a".repeat(15), password: "12345678" })).status).toBe(201);
  });

  it("validates allowed IPs one by one, naming the index and the reason", async () => {
    const { sp } = await createSp(api);
    const res = await api.request("POST", "/api/v1/accounts", { body: { spId: sp.id, systemId: "ips", password: "abcdef", allowedIps: ["10.0.0.0/8", "10.0.0.1/8", "example.com", "10.0.0.0/33"] } });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["allowedIps.1", "allowedIps.2", "allowedIps.3"]);
    expect(res.body.errors[0].message).toContain("host bits");
  });

  it("refuses a duplicate system_id with 409 and an unknown SP with 422", async () => {
    const { sp } = await createSp(api);
    await api.as(api.operatorToken).post("/api/v1/accounts", { spId: sp.id, systemId: "dup", password: "abcdef" });
    const dup = await api.request("POST", "/api/v1/accounts", { body: { spId: sp.id, systemId: "dup", password: "abcdef" } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("CONFLICT");
    const unknown = await api.request("POST", "/api/v1/accounts", { body: { spId: "01900000-0000-7000-8000-000000000000", systemId: "x", password: "abcdef" } });
    expect(unknown.body.errors[0].path).toBe("spId");
  });

  it("refuses a bad rotation password and reading a password-ish field", async () => {
    const { sp } = await createSp(api);
    const account = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: sp.id, systemId: "r", password: "abcdef" });
    const res = await api.request("POST", `/api/v1/accounts/${account.id}/password`, { body: { password: "short" } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("password");
    // The password is not a field one can PATCH (the strict schema refuses it).
    const patch = await api.request("PATCH", `/api/v1/accounts/${account.id}`, { body: { password: "abcdefg" } });
    expect(patch.status).toBe(422);
  });
});

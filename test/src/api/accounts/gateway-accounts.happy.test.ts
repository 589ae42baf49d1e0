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

describe("gateway bind accounts (happy)", () => {
  it("an operator opens a gateway account with no SP, the ISMG's addresses and the SPs it carries; auditors read it", async () => {
    const a = await createSp(api, "甲");
    const b = await createSp(api, "乙");
    const gateway = await api.as(api.operatorToken).post("/api/v1/accounts", {
      kind: "gateway",
      systemId: "ismg_gd",
      password: "ismg0001",
      allowedIps: ["198.51.100.0/28"],
      carriedSpIds: [a.sp.id, b.sp.id],
      maxBinds: 16,
      maxSubmitsPerSecond: 2000,
    });
    expect(gateway).toMatchObject({ kind: "gateway", spId: null, carriedSpIds: [a.sp.id, b.sp.id], allowedIps: ["198.51.100.0/28"], maxSubmitsPerSecond: 2000 });
    expect(gateway.passwordHash).toBeUndefined();
    const auditor = await api.tokenFor("auditor");
    expect(await api.as(auditor).get(`/api/v1/accounts/${gateway.id}`)).toMatchObject({ id: gateway.id, kind: "gateway" });
    expect((await api.as(auditor).get("/api/v1/accounts?kind=gateway")).items.map((x: { id: string }) => x.id)).toEqual([gateway.id]);
    const [row] = await auditRows(api, "bind_account", gateway.id);
    expect(row).toMatchObject({ action: "bind_account.create", objectSpId: null });
  });

  it("an SP's account says kind sp, and the operator changes a gateway's carried SPs and addresses (audited)", async () => {
    const a = await createSp(api, "甲");
    const own = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: a.sp.id, systemId: "own1", password: "abcdef" });
    expect(own).toMatchObject({ kind: "sp", spId: a.sp.id, carriedSpIds: [] });
    const gateway = await api.as(api.operatorToken).post("/api/v1/accounts", { kind: "gateway", systemId: "ismg_js", password: "ismg0002", allowedIps: ["198.51.100.7"] });
    expect(gateway.carriedSpIds).toEqual([]);
    const changed = await api.as(api.operatorToken).patch(`/api/v1/accounts/${gateway.id}`, { carriedSpIds: [a.sp.id], allowedIps: ["198.51.100.8"], reason: "ISMG moved" });
    expect(changed).toMatchObject({ carriedSpIds: [a.sp.id], allowedIps: ["198.51.100.8"] });
    const rows = await auditRows(api, "bind_account", gateway.id);
    expect(rows.map((r) => r.action)).toEqual(["bind_account.create", "bind_account.update"]);
    expect(rows[1]!.reason).toBe("ISMG moved");
  });
});

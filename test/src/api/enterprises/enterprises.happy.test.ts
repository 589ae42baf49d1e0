import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { auditRows, createContract, createSp, makeUscc } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("enterprises (happy)", () => {
  it("creates, reads, lists with a cursor and filters, and updates an enterprise, auditing each change", async () => {
    const created = await api.request("POST", "/api/v1/enterprises", {
      body: { name: "福州示例科技有限公司", uscc: "91350100m000100y43", contactName: "王五", contactPhone: "+86 138-0013-8000" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "福州示例科技有限公司", uscc: "91350100M000100Y43", status: "active", filedBySpId: null, contactName: "王五" });

    for (let i = 2; i <= 5; i++) {
      expect((await api.request("POST", "/api/v1/enterprises", { body: { name: `企业 ${i}`, uscc: makeUscc(i) } })).status).toBe(201);
    }
    const first = await api.request("GET", "/api/v1/enterprises?limit=2");
    expect(first.body.items.map((e: { name: string }) => e.name)).toEqual(["福州示例科技有限公司", "企业 2"]);
    const second = await api.request("GET", `/api/v1/enterprises?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((e: { name: string }) => e.name)).toEqual(["企业 3", "企业 4"]);
    const third = await api.request("GET", `/api/v1/enterprises?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.items.map((e: { name: string }) => e.name)).toEqual(["企业 5"]);
    expect(third.body.nextCursor).toBeNull();

    const byUscc = await api.request("GET", `/api/v1/enterprises?uscc=${makeUscc(3).toLowerCase()}`);
    expect(byUscc.body.items.map((e: { name: string }) => e.name)).toEqual(["企业 3"]);
    const byName = await api.request("GET", `/api/v1/enterprises?name=${encodeURIComponent("福州")}`);
    expect(byName.body.items).toHaveLength(1);

    const got = await api.request("GET", `/api/v1/enterprises/${created.body.id}`);
    expect(got.body.uscc).toBe("91350100M000100Y43");

    const updated = await api.request("PATCH", `/api/v1/enterprises/${created.body.id}`, { body: { status: "suspended", contactPhone: null, reason: "complaints" } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ status: "suspended", contactPhone: null });
    expect((await api.request("GET", "/api/v1/enterprises?status=suspended")).body.items).toHaveLength(1);

    const audit = await auditRows(api, "enterprise", created.body.id);
    expect(audit.map((row) => row.action)).toEqual(["enterprise.create", "enterprise.update"]);
    expect(audit[1]!.reason).toBe("complaints");
    expect(audit[1]!.before).toMatchObject({ status: "active" });
    expect(audit[1]!.after).toMatchObject({ status: "suspended" });
  });

  it("lets an SP file an enterprise, see it and the ones it has contracts with, and edit what it filed", async () => {
    const { sp, token } = await createSp(api);
    const filed = await api.as(token).post("/api/v1/enterprises", { name: "SP 报备企业", uscc: makeUscc(11) });
    expect(filed.filedBySpId).toBe(sp.id);
    const carried = await api.as(api.operatorToken).post("/api/v1/enterprises", { name: "运营商登记企业", uscc: makeUscc(12) });
    await api.as(api.operatorToken).post("/api/v1/enterprises", { name: "无关企业", uscc: makeUscc(13) });
    await createContract(api, sp.id, carried.id);

    const list = await api.as(token).get("/api/v1/enterprises");
    expect(list.items.map((e: { id: string }) => e.id)).toEqual([filed.id, carried.id]);
    const renamed = await api.as(token).patch(`/api/v1/enterprises/${filed.id}`, { name: "SP 报备企业（更名）" });
    expect(renamed.name).toBe("SP 报备企业（更名）");
    const operatorView = await api.as(api.operatorToken).get(`/api/v1/enterprises?spId=${sp.id}`);
    expect(operatorView.items).toHaveLength(2);
    const [audit] = await auditRows(api, "enterprise", filed.id);
    expect(audit).toMatchObject({ actorType: "sp", objectSpId: sp.id, action: "enterprise.create" });
  });
});

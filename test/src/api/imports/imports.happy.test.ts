import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enterprises } from "../../../../src/db/schema/index.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { runImport } from "../../../../src/imports/imports.runner.ts";
import { importKinds } from "../../../../src/imports/kinds/index.ts";
import { BOM, postCsv } from "../../../helpers/csv.ts";
import { auditRows, createEnterprise, createSp, makeUscc } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("CSV imports (happy)", () => {
  it("imports enterprises from a BOM-prefixed file, keeping good rows and refusing bad ones with a code and reason", async () => {
    const csv = [
      "name,uscc,contactName,contactPhone",
      `福州示例科技有限公司,91350100M000100Y43,王五,13800138000`,
      `"示例, 带逗号的公司",${makeUscc(2)},,`,
      `校验位错误公司,91350100M000100Y44,,`,
      `重复公司,91350100M000100Y43,,`,
      `,${makeUscc(5)},,`,
      `"多行
名称公司",${makeUscc(6)},赵六,bad-phone`,
      `短行公司`,
    ].join("\r\n");
    const res = await postCsv(api, "enterprises", BOM + csv);
    expect(res.status).toBe(201);
    expect(res.body.import).toMatchObject({ kind: "enterprises", status: "done", totalRows: 7, acceptedRows: 2, refusedRows: 5, spId: null });
    expect(res.body.links.refused).toBe(`/api/v1/imports/${res.body.import.id}/rows?status=refused`);
    const rows = res.body.rows as { rowNumber: number; status: string; code: string | null; detail: string | null; objectId: string | null }[];
    expect(rows.map((r) => [r.rowNumber, r.status, r.code])).toEqual([
      [2, "accepted", null],
      [3, "accepted", null],
      [4, "refused", "VALIDATION_FAILED"],
      [5, "refused", "CONFLICT"],
      [6, "refused", "VALIDATION_FAILED"],
      [7, "refused", "VALIDATION_FAILED"],
      [8, "refused", "VALIDATION_FAILED"],
    ]);
    expect(rows[2]!.detail).toContain("uscc: check_character");
    expect(rows[4]!.detail).toContain("name:");
    expect(rows[5]!.detail).toContain("contactPhone:");
    expect(rows[6]!.detail).toContain("uscc:");

    // The header lost its BOM, and the accepted rows are real enterprises, audited one by one.
    const [first] = await api.database.db.select().from(enterprises).where(eq(enterprises.id, rows[0]!.objectId!));
    expect(first).toMatchObject({ name: "福州示例科技有限公司", uscc: "91350100M000100Y43", contactName: "王五" });
    expect((await api.as(api.operatorToken).get(`/api/v1/enterprises/${rows[1]!.objectId}`)).name).toBe("示例, 带逗号的公司");
    expect((await auditRows(api, "enterprise")).map((r) => r.action)).toEqual(["enterprise.create", "enterprise.create"]);
    expect((await auditRows(api, "import", res.body.import.id)).map((r) => r.action)).toEqual(["import.create", "import.finish"]);

    const summary = await api.as(api.operatorToken).get(`/api/v1/imports/${res.body.import.id}`);
    expect(summary).toMatchObject({ status: "done", totalRows: 7, acceptedRows: 2, refusedRows: 5 });
    expect(summary.finishedAt).not.toBeNull();
    const refused = await api.as(api.operatorToken).get(`/api/v1/imports/${res.body.import.id}/rows?status=refused&limit=2`);
    expect(refused.items.map((r: { rowNumber: number }) => r.rowNumber)).toEqual([4, 5]);
    const more = await api.as(api.operatorToken).get(`/api/v1/imports/${res.body.import.id}/rows?status=refused&limit=10&cursor=${refused.nextCursor}`);
    expect(more.items.map((r: { rowNumber: number }) => r.rowNumber)).toEqual([6, 7, 8]);
    expect(more.nextCursor).toBeNull();
    expect((await api.as(api.operatorToken).get("/api/v1/imports?kind=enterprises")).items).toHaveLength(1);
  });

  it("imports an SP's contracts for itself, refusing rows for other SPs, unknown enterprises and overlaps", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const own1 = await createEnterprise(api, 1, a.token);
    const own2 = await createEnterprise(api, 2, a.token);
    const foreign = await createEnterprise(api, 3, b.token);
    const csv = [
      "enterpriseId,validFrom,validTo,spId",
      `${own1.id},2025-01-01,2025-12-31,`,
      `${own2.id},2025-01-01,2025-12-31,${a.sp.id}`,
      `${own1.id},2025-06-01,2026-05-31,`,
      `${foreign.id},2025-01-01,2025-12-31,`,
      `${own2.id},2025-01-01,2025-12-31,${b.sp.id}`,
      `${own2.id},2026-12-31,2026-01-01,`,
    ].join("\n");
    const res = await postCsv(api, "contracts", csv, a.token);
    expect(res.status).toBe(201);
    expect(res.body.import).toMatchObject({ kind: "contracts", spId: a.sp.id, totalRows: 6, acceptedRows: 2, refusedRows: 4 });
    expect(res.body.rows.map((r: { code: string | null }) => r.code)).toEqual([null, null, "CONFLICT", "VALIDATION_FAILED", "FORBIDDEN", "VALIDATION_FAILED"]);
    expect(res.body.rows[3].detail).toContain("enterpriseId");
    expect(res.body.rows[5].detail).toContain("validTo");
    expect((await api.as(a.token).get("/api/v1/contracts")).items).toHaveLength(2);
  });

  it("streams a few thousand rows in batches, returning a summary without inline rows", async () => {
    const count = 3000;
    const lines = ["name,uscc"];
    for (let i = 1; i <= count; i++) lines.push(`批量企业${i},${i % 1000 === 0 ? "bad" : makeUscc(100_000 + i)}`);
    const started = performance.now();
    const res = await postCsv(api, "enterprises", `${lines.join("\n")}\n`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(201);
    expect(res.body.import).toMatchObject({ status: "done", totalRows: count, acceptedRows: count - 3, refusedRows: 3 });
    expect(res.body.rows).toBeUndefined();
    const refused = await api.as(api.operatorToken).get(`${res.body.links.refused}`);
    expect(refused.items.map((r: { rowNumber: number }) => r.rowNumber)).toEqual([1001, 2001, 3001]);
    const all = await api.as(api.operatorToken).get(`/api/v1/enterprises?limit=500`);
    expect(all.items).toHaveLength(500);
    console.info(`imported ${count} enterprise rows in ${Math.round(elapsed)} ms`);
  }, 120_000);

  it("documents one import route per kind, and the new resources, in the OpenAPI document", async () => {
    const doc = await api.request("GET", "/api/openapi.json", { token: null });
    const paths = Object.keys(doc.body.paths);
    expect(paths).toEqual(expect.arrayContaining(["/api/v1/imports/enterprises", "/api/v1/imports/contracts", "/api/v1/imports/{id}/rows", "/api/v1/enterprises/{id}", "/api/v1/contracts/{id}", "/api/v1/ports/{id}/extensions/{extensionId}", "/api/v1/accounts/{id}/password"]));
    expect(Object.keys(doc.body.paths["/api/v1/imports/enterprises"].post.requestBody.content)).toEqual(["text/csv"]);
  });

  it("accepts a header-only file as an empty import", async () => {
    const res = await postCsv(api, "enterprises", "name,uscc,contactName\n");
    expect(res.status).toBe(201);
    expect(res.body.import).toMatchObject({ status: "done", totalRows: 0 });
    expect(res.body.rows).toEqual([]);
  });

  it("reassembles a BOM and multi-byte characters split across chunks, and commits in batches", async () => {
    const text = `${BOM}name,uscc\n${[1, 2, 3, 4, 5].map((i) => `北京示例企业${i},${makeUscc(i)}`).join("\n")}\n"坏行,${makeUscc(9)}`;
    const bytes = new TextEncoder().encode(text);
    async function* dribble() {
      for (let i = 0; i < bytes.length; i += 1) yield bytes.subarray(i, i + 1);
    }
    const outcome = await runImport(api.serviceContext({ type: "operator", id: "test" }), importKinds.enterprises, dribble(), { batchSize: 2 });
    expect(outcome.import).toMatchObject({ status: "failed", totalRows: 6, acceptedRows: 5, refusedRows: 1 });
    expect(outcome.rows!.map((r) => r.rowNumber)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(outcome.rows![5]).toMatchObject({ code: "BAD_REQUEST" });
    const names = (await api.as(api.operatorToken).get("/api/v1/enterprises")).items.map((e: { name: string }) => e.name);
    expect(names).toEqual(["北京示例企业1", "北京示例企业2", "北京示例企业3", "北京示例企业4", "北京示例企业5"]);
  });
});

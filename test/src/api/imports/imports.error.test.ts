import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { postCsv } from "../../../helpers/csv.ts";
import { makeUscc } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("CSV imports (error)", () => {
  it("refuses a header with unknown, duplicate or missing columns before importing anything", async () => {
    const res = await postCsv(api, "enterprises", `name,uscc,colour,name\nA,${makeUscc(1)},red,A\n`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["header.3", "header.4"]);
    expect(res.body.detail).toContain("unknown column 'colour'");
    const missing = await postCsv(api, "enterprises", `name,contactName\nA,B\n`);
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toContain("required column 'uscc' is missing");
    expect((await api.as(api.operatorToken).get("/api/v1/imports")).items).toEqual([]);
  });

  it("refuses an empty body and a body that is not text/csv", async () => {
    const empty = await postCsv(api, "enterprises", "");
    expect(empty.status).toBe(422);
    const json = await api.request("POST", "/api/v1/imports/enterprises", { body: { name: "x" } });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect((await api.request("POST", "/api/v1/imports/signatures", { raw: "text", headers: { "content-type": "text/csv" } })).status).toBe(404);
  });

  it("keeps the rows read before a malformed line and marks the import failed, naming the row", async () => {
    const csv = `name,uscc\n好公司,${makeUscc(1)}\n"未闭合的引号,${makeUscc(2)}\n另一家,${makeUscc(3)}\n`;
    const res = await postCsv(api, "enterprises", csv);
    expect(res.status).toBe(201);
    expect(res.body.import).toMatchObject({ status: "failed", acceptedRows: 1, refusedRows: 1 });
    expect(res.body.rows[1]).toMatchObject({ rowNumber: 3, status: "refused", code: "BAD_REQUEST" });
    expect(res.body.rows[1].detail).toContain("malformed");
    expect((await api.as(api.operatorToken).get("/api/v1/enterprises")).items).toHaveLength(1);
  });

  it("validates import queries and answers 404 for an unknown import", async () => {
    expect((await api.request("GET", "/api/v1/imports/01900000-0000-7000-8000-000000000000")).status).toBe(404);
    expect((await api.request("GET", "/api/v1/imports/01900000-0000-7000-8000-000000000000/rows")).status).toBe(404);
    const res = await postCsv(api, "enterprises", `name,uscc\nA,${makeUscc(1)}\n`);
    expect((await api.request("GET", `/api/v1/imports/${res.body.import.id}/rows?status=maybe`)).status).toBe(422);
    expect((await api.request("GET", "/api/v1/imports?kind=people")).status).toBe(422);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { postCsv } from "../../../helpers/csv.ts";
import { auditRows, createSp, makeUscc } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("CSV imports (security)", () => {
  it("files an SP's imported enterprises under that SP and hides its imports from other SPs", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const res = await postCsv(api, "enterprises", `name,uscc\nA 的企业,${makeUscc(1)}\n`, a.token);
    expect(res.status).toBe(201);
    const id = res.body.import.id;
    const [enterprise] = (await api.as(a.token).get("/api/v1/enterprises")).items;
    expect(enterprise.filedBySpId).toBe(a.sp.id);
    expect((await api.request("GET", `/api/v1/imports/${id}`, { token: b.token })).status).toBe(404);
    expect((await api.request("GET", `/api/v1/imports/${id}/rows`, { token: b.token })).status).toBe(404);
    expect((await api.as(b.token).get("/api/v1/imports")).items).toEqual([]);
    expect((await api.as(a.token).get("/api/v1/imports")).items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await api.as(b.token).get("/api/v1/enterprises")).items).toEqual([]);
  });

  it("does not let an SP import contracts for another SP", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const enterprise = await api.as(a.token).post("/api/v1/enterprises", { name: "A 的企业", uscc: makeUscc(1) });
    const res = await postCsv(api, "contracts", `spId,enterpriseId,validFrom,validTo\n${b.sp.id},${enterprise.id},2025-01-01,2025-12-31\n`, a.token);
    expect(res.body.rows[0]).toMatchObject({ status: "refused", code: "FORBIDDEN" });
    expect(await auditRows(api, "contract")).toHaveLength(0);
  });

  it("keeps auditors out of imports but lets them read every import", async () => {
    const auditor = await api.tokenFor("auditor");
    const refused = await postCsv(api, "enterprises", `name,uscc\nX,${makeUscc(1)}\n`, auditor);
    expect(refused.status).toBe(403);
    const done = await postCsv(api, "enterprises", `name,uscc\nX,${makeUscc(1)}\n`);
    expect((await api.request("GET", `/api/v1/imports/${done.body.import.id}`, { token: auditor })).status).toBe(200);
    expect((await api.request("GET", `/api/v1/imports/${done.body.import.id}/rows`, { token: auditor })).body.items).toHaveLength(1);
    expect((await auditRows(api, "import")).length).toBe(2);
    expect((await api.request("POST", "/api/v1/imports/enterprises", { token: null, raw: "name,uscc\n", headers: { "content-type": "text/csv" } })).status).toBe(401);
  });
});

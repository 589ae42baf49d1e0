import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { BOM, postCsv } from "../../helpers/csv.ts";
import { addEnterprise, buildRegistryWorld, type RegistryWorld } from "../../helpers/registry.ts";

let api: TestApi;
let world: RegistryWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildRegistryWorld(api);
});
afterEach(async () => {
  await api.close();
});

describe("POST /imports/consents", () => {
  it("imports a realistic file: good rows recorded and chained, bad rows refused one by one with the reason", async () => {
    const other = await addEnterprise(api);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const a = world.enterpriseA.id;
    const csv = [
      "msisdn,enterpriseId,frequency,periodDays,source,evidenceRef,categories,consentedAt",
      `13800130101,${a},每周不超过2条,365,web_form,wf-1001,,${yesterday}`,
      `+86 138 0013 0102,${a},每月4条,180,app,app-77,marketing;notification,`,
      `13800130103,${a},"每周1条, 节假日除外",90,in_store,"store,receipt 9",,`,
      `1234,${a},每周1条,90,web_form,wf-1002,,`, // bad number
      `13800130104,${a},每周1条,0,web_form,wf-1003,,`, // bad period
      `13800130105,${a},每周1条,90,sms,wf-1004,,`, // bad source
      `13800130106,${other.id},每周1条,90,web_form,wf-1005,,`, // no contract
      `13800130101,${a},每周不超过2条,365,web_form,wf-1001,,${yesterday}`, // same consent again: idempotent
      `13800130107,${a},每周1条,90,contract,ct-1,,2999-01-01T00:00:00Z`, // future
    ].join("\n");
    const response = await postCsv(api, "consents", BOM + csv, world.tokens.spA);
    expect(response.status).toBe(201);
    expect(response.body.import).toMatchObject({ kind: "consents", status: "done", totalRows: 9, acceptedRows: 4, refusedRows: 5 });
    const rows = response.body.rows as { rowNumber: number; status: string; code: string | null; detail: string | null; objectId: string | null }[];
    expect(rows.map((r) => [r.rowNumber, r.status, r.code])).toEqual([
      [2, "accepted", null],
      [3, "accepted", null],
      [4, "accepted", null],
      [5, "refused", "VALIDATION_FAILED"],
      [6, "refused", "VALIDATION_FAILED"],
      [7, "refused", "VALIDATION_FAILED"],
      [8, "refused", "FORBIDDEN"],
      [9, "accepted", null],
      [10, "refused", "VALIDATION_FAILED"],
    ]);
    expect(rows[7]!.objectId).toBe(rows[0]!.objectId);
    expect(rows[3]!.detail).toContain("msisdn");
    expect(rows[3]!.detail).not.toContain("1234");
    const listed = await api.as(world.tokens.spA).get("/api/v1/consents");
    expect(listed.items.map((c: { recipientMask: string }) => c.recipientMask).sort()).toEqual(["138****0101", "138****0102", "138****0103"]);
    expect(listed.items.find((c: { recipientMask: string }) => c.recipientMask === "138****0102").categories).toEqual(["marketing", "notification"]);
    expect(await api.as(api.operatorToken).get("/api/v1/consents/verify")).toMatchObject({ ok: true, checked: 3 });
    const audit = await api.as(api.operatorToken).get("/api/v1/audit?action=consent.import");
    expect(audit.items[0].after).toMatchObject({ count: 3 });
  });

  it("an SP's import cannot replay withdrawn evidence after an opt-out", async () => {
    const a = world.enterpriseA.id;
    await api.as(world.tokens.spA).post("/api/v1/consents", { msisdn: "13800130111", enterpriseId: a, frequency: "每周1条", periodDays: 90, source: "web_form", evidenceRef: "wf-9", consentedAt: new Date(Date.now() - 86_400_000).toISOString() });
    await api.as(world.tokens.spA).post("/api/v1/opt-outs", { msisdn: "13800130111", enterpriseId: a });
    const csv = `msisdn,enterpriseId,frequency,periodDays,source,evidenceRef\n13800130111,${a},每周1条,90,web_form,wf-9\n`;
    const response = await postCsv(api, "consents", csv, world.tokens.spA);
    expect(response.body.rows[0]).toMatchObject({ status: "refused", code: "VALIDATION_FAILED" });
    expect(response.body.rows[0].detail).toContain("evidenceRef");
  });

  it("the OpenAPI document lists the consent routes and the consent import", async () => {
    const doc = (await api.request("GET", "/api/openapi.json")).body;
    for (const path of ["/api/v1/consents", "/api/v1/consents/check", "/api/v1/consents/verify", "/api/v1/consents/{id}", "/api/v1/imports/consents"]) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
  });
});

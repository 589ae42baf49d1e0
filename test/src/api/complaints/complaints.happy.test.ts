import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { complaints, optOuts } from "../../../../src/db/schema/index.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { BOM, postCsv } from "../../../helpers/csv.ts";
import { addRejections, addTraffic, buildReviewWorld, complaintBody, type ReviewWorld } from "../../../helpers/reviews-fixtures.ts";

let api: TestApi;
let world: ReviewWorld;
beforeEach(async () => {
  api = await startTestApi();
  world = await buildReviewWorld(api);
});
afterEach(async () => {
  await api.close();
});

const post = (body: unknown) => api.request("POST", "/api/v1/complaints", { body });

describe("complaints (happy)", () => {
  it("attributes a complaint with high confidence when port, extension and signature agree and the journal saw the recipient", async () => {
    const receivedAt = new Date();
    await addRejections(api, 1, {
      reason: "recipient_opted_out",
      at: new Date(receivedAt.getTime() - 3600_000),
      recipient: "13800000011",
      portId: world.portA.id,
      spId: world.spA.id,
      signatureId: world.signatureA.id,
    });
    const res = await post(complaintBody(world, { receivedAt: receivedAt.toISOString() }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      confidence: "high",
      portId: world.portA.id,
      extension: "01",
      spId: world.spA.id,
      extensionEnterpriseId: world.enterpriseA.id,
      signatureId: world.signatureA.id,
      signatureText: "云端优选",
      enterpriseId: world.enterpriseA.id,
      matchedRejections: 1,
      recipientMask: "138****0011",
      channel: "12321",
      type: "unwanted_marketing",
    });
    expect(res.body.reasons).toEqual(expect.arrayContaining(["port_signature_agree", "journal_recipient_matched", "opted_out"]));
    // Minimised: no hash in the API, no clear number or digit runs at rest.
    expect(res.body.recipientHash).toBeUndefined();
    expect(res.body.text).toBe("【云端优选】双11大促，全场5折，优惠码********，回T退订");
    const [row] = await api.database.db.select().from(complaints).where(eq(complaints.id, res.body.id));
    expect(JSON.stringify(row)).not.toContain("13800000011");
    expect(JSON.stringify(row)).not.toContain("88886666");
  });

  it("is medium without traffic, high once traffic_daily shows the port and signature carried traffic, low when port and signature disagree, none when nothing matches", async () => {
    const medium = await post(complaintBody(world, { type: "other" }));
    expect(medium.body).toMatchObject({ confidence: "medium", matchedRejections: 0, matchedAccepted: 0 });

    await addTraffic(api, { spId: world.spA.id, portId: world.portA.id, signatureId: world.signatureA.id, enterpriseId: world.enterpriseA.id, accepted: 1200 });
    const withTraffic = await post(complaintBody(world, { type: "other", recipient: "13800000012" }));
    expect(withTraffic.body).toMatchObject({ confidence: "high", matchedAccepted: 1200 });

    // 【星河银行】 (enterprise B, port B) seen from port A: the port's owner answers, the signature names the enterprise.
    const sublet = await post(complaintBody(world, { type: "fraud", text: "【星河银行】您的账户存在风险，请点击链接验证" }));
    expect(sublet.body).toMatchObject({ confidence: "low", spId: world.spA.id, enterpriseId: world.enterpriseB.id, signatureId: world.signatureB.id });
    expect(sublet.body.reasons).toEqual(expect.arrayContaining(["signature_not_bound_to_port", "extension_enterprise_differs"]));

    const none = await post(complaintBody(world, { sendingNumber: "10659999000", text: "【未知商家】贷款秒批 回T退订", type: "unwanted_marketing" }));
    expect(none.body).toMatchObject({ confidence: "none", portId: null, spId: null, signatureId: null, enterpriseId: null, optOutId: null, signatureText: "未知商家" });

    const unmatched = await api.as(api.operatorToken).get("/api/v1/complaints?attribution=none");
    expect(unmatched.items.map((c: { id: string }) => c.id)).toEqual([none.body.id]);
    const low = await api.as(api.operatorToken).get("/api/v1/complaints?attribution=low");
    expect(low.items).toHaveLength(1);
  });

  it("opts the recipient out of the attributed enterprise on an unwanted-marketing complaint, once, audited", async () => {
    const first = await post(complaintBody(world));
    expect(first.body.optOutId).toBeTruthy();
    const [optOut] = await api.database.db.select().from(optOuts).where(eq(optOuts.id, first.body.optOutId));
    expect(optOut).toMatchObject({ enterpriseId: world.enterpriseA.id, source: "complaint", signatureId: world.signatureA.id, recipientMask: "138****0011" });
    const check = await api.as(api.operatorToken).get(`/api/v1/opt-outs/check?msisdn=13800000011&enterpriseId=${world.enterpriseA.id}`);
    expect(check).toMatchObject({ optedOut: true, source: "complaint" });

    const again = await post(complaintBody(world));
    expect(again.body.optOutId).toBe(first.body.optOutId);
    const fraud = await post(complaintBody(world, { type: "fraud", recipient: "13800000099" }));
    expect(fraud.body.optOutId).toBeNull();

    const audit = await api.as(api.operatorToken).get("/api/v1/audit?objectType=complaint");
    expect(audit.items.map((r: { action: string }) => r.action)).toEqual(["complaint.create", "complaint.create", "complaint.create"]);
    expect((await api.as(api.operatorToken).get("/api/v1/audit?objectType=opt_out")).items).toHaveLength(1);
  });

  it("imports complaints from CSV with per-row results, refusing bad rows without stopping the others", async () => {
    const csv = [
      "receivedAt,channel,sendingNumber,recipient,text,type",
      `${new Date().toISOString()},12321,${world.portA.number}01,13800000021,"【云端优选】618大促, 回T退订",unwanted_marketing`,
      `${new Date().toISOString()},10086,${world.portB.number},13800000022,【星河银行】您尾号1234的账户有风险,fraud`,
      `not-a-date,12321,${world.portA.number},13800000023,【云端优选】hi,other`,
      `${new Date().toISOString()},weibo,${world.portA.number},13800000024,【云端优选】hi,other`,
      `${new Date().toISOString()},10010,${world.portA.number},not-a-number,【云端优选】hi,other`,
      `${new Date().toISOString()},other,10650000,13800000025,没有签名,other`,
    ].join("\r\n");
    const res = await postCsv(api, "complaints", BOM + csv);
    expect(res.status).toBe(201);
    expect(res.body.import).toMatchObject({ kind: "complaints", status: "done", totalRows: 6, acceptedRows: 3, refusedRows: 3 });
    expect(res.body.rows.map((r: { rowNumber: number; status: string; code: string | null }) => [r.rowNumber, r.status, r.code])).toEqual([
      [2, "accepted", null],
      [3, "accepted", null],
      [4, "refused", "VALIDATION_FAILED"],
      [5, "refused", "VALIDATION_FAILED"],
      [6, "refused", "VALIDATION_FAILED"],
      [7, "accepted", null],
    ]);
    expect(res.body.rows[2].detail).toContain("receivedAt");
    expect(res.body.rows[3].detail).toContain("channel");
    expect(res.body.rows[4].detail).toContain("recipient");
    const first = await api.as(api.operatorToken).get(`/api/v1/complaints/${res.body.rows[0].objectId}`);
    expect(first).toMatchObject({ confidence: "medium", spId: world.spA.id, text: "【云端优选】618大促, 回T退订" });
    expect(first.optOutId).toBeTruthy();
    const bank = await api.as(api.operatorToken).get(`/api/v1/complaints/${res.body.rows[1].objectId}`);
    expect(bank).toMatchObject({ confidence: "medium", spId: world.spB.id, enterpriseId: world.enterpriseB.id, text: "【星河银行】您尾号****的账户有风险" });
    expect((await api.as(api.operatorToken).get("/api/v1/complaints?attribution=none")).items).toHaveLength(1);
  });
});

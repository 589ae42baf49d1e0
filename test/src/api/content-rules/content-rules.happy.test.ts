import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { auditRows, createSp } from "../../../helpers/registry.ts";
import { loadSnapshot } from "../../../../src/registry/loader.ts";
import { rejections } from "../../../../src/db/schema/index.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const loan = { name: "网贷", category: "loan", phrases: ["秒批贷款", "无抵押"], appliesTo: ["marketing"], reason: "loan ads" };

describe("content rules (happy)", () => {
  it("creates a rule in monitor mode by default, patches it, and the snapshot compiles every phrase into one automaton", async () => {
    const op = api.as(api.operatorToken);
    const created = await op.post("/api/v1/content-rules", loan);
    expect(created).toMatchObject({ mode: "monitor", category: "loan", pattern: null });
    const other = await op.post("/api/v1/content-rules", { name: "引流", category: "contact_diversion", phrases: ["加微信"], pattern: "加\\s?v\\d{0,3}", appliesTo: ["marketing", "notification"], mode: "enforce", reason: "WeChat diversion" });
    const patched = await api.as(api.operatorToken).patch(`/api/v1/content-rules/${created.id}`, { mode: "enforce", phrases: ["秒批贷款", "无抵押", "免息借款"], reason: "enforce" });
    expect(patched).toMatchObject({ mode: "enforce", phrases: ["秒批贷款", "无抵押", "免息借款"] });
    const snapshot = await loadSnapshot(api.database.db);
    expect(snapshot.content.phrases.phraseCount).toBe(4);
    expect(snapshot.content.patternRules.map((r) => r.id)).toEqual([other.id]);
    expect((await op.get("/api/v1/content-rules")).items).toHaveLength(2);
    expect((await auditRows(api, "content_rule", created.id)).map((r: { action: string }) => r.action)).toEqual(["content_rule.create", "content_rule.update"]);
  });

  it("dry run: counts the last day's journaled texts a draft matches, per SP, on the same fold as the proxy", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const now = Date.now();
    const row = (spId: string, text: string, hoursAgo: number, category = "marketing") => ({
      eventId: `t:${Math.random()}`,
      at: new Date(now - hoursAgo * 3_600_000),
      reason: "opt_out_hint_missing",
      command: "submit_sm",
      spId,
      category,
      text,
    });
    await api.database.db.insert(rejections).values([
      row(a.sp.id, "【云端商城】秒批貸款，當天到賬", 1),
      row(a.sp.id, "【云端商城】秒 批 贷 款", 2),
      row(b.sp.id, "【远景】秒批贷款", 3),
      row(b.sp.id, "【远景】秒批贷款", 30), // older than a day
      row(b.sp.id, "【远景】秒批贷款", 4, "verification"), // not a category the draft applies to
      row(b.sp.id, "【远景】新品上市", 5),
    ]);
    const result = await api.as(api.operatorToken).post("/api/v1/content-rules/dry-run", { phrases: ["秒批贷款"], appliesTo: ["marketing"] });
    expect(result).toMatchObject({ scanned: 5, matched: 3, truncated: false });
    expect(result.bySp).toEqual([
      { spId: a.sp.id, count: 2 },
      { spId: b.sp.id, count: 1 },
    ]);
    const byPattern = await api.as(api.operatorToken).post("/api/v1/content-rules/dry-run", { pattern: "新品.{0,3}市" });
    expect(byPattern.matched).toBe(1);
  });

  it("per-rule counts read the journal's detail", async () => {
    const rule = await api.as(api.operatorToken).post("/api/v1/content-rules", loan);
    const at = new Date();
    const detail = `content rule ${rule.id} (loan): phrase "秒批贷款"`;
    await api.database.db.insert(rejections).values([
      { eventId: "c:1", at, reason: "content_prohibited", command: "submit_sm", monitor: true, detail },
      { eventId: "c:2", at, reason: "content_prohibited", command: "submit_sm", monitor: true, detail },
      { eventId: "c:3", at, reason: "content_prohibited", command: "submit_sm", monitor: false, detail },
    ]);
    expect(await api.as(api.operatorToken).get("/api/v1/content-rules/counts")).toEqual([{ ruleId: rule.id, monitored: 2, refused: 1 }]);
  });
});

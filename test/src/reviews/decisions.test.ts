import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ports, signatures } from "../../../src/db/schema/index.ts";
import { runDueSchedules } from "../../../src/reviews/schedules.service.ts";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { addRejections, addTraffic, buildReviewWorld, type ReviewWorld } from "../../helpers/reviews-fixtures.ts";

let api: TestApi;
let world: ReviewWorld;
let clock: Date;
const DAY = 86_400_000;

beforeEach(async () => {
  clock = new Date();
  api = await startTestApi({ now: () => clock });
  world = await buildReviewWorld(api);
  await addTraffic(api, { spId: world.spA.id, portId: world.portA.id, signatureId: world.signatureA.id, enterpriseId: world.enterpriseA.id, accepted: 100, at: clock });
  await addTraffic(api, { spId: world.spB.id, portId: world.portB.id, signatureId: world.signatureB.id, enterpriseId: world.enterpriseB.id, accepted: 100, at: clock });
  const at = new Date(clock.getTime() - 3600_000);
  await addRejections(api, 3, { reason: "scope_exceeded", at, spId: world.spA.id, portId: world.portA.id, signatureId: world.signatureA.id });
  await addRejections(api, 2, { reason: "sublet_extension_mismatch", at, spId: world.spB.id, portId: world.portB.id, signatureId: world.signatureB.id });
});
afterEach(async () => {
  await api.close();
});

type Finding = { id: string; type: string; subjectId: string; status: string; decision: string | null; dueDate: string | null };

async function openReview(token = api.operatorToken) {
  const review = await api.as(token).post("/api/v1/reviews", { title: "2025年第二季度回头看", from: new Date(clock.getTime() - 7 * DAY).toISOString(), to: new Date(clock.getTime() + 60_000).toISOString() });
  const findings = (await api.as(token).get(`/api/v1/reviews/${review.id}/findings`)).items as Finding[];
  const byType = (type: string) => findings.find((f) => f.type === type)!;
  return { review, byType };
}

const decide = (reviewId: string, findingId: string, body: unknown, token = api.operatorToken) =>
  api.request("POST", `/api/v1/reviews/${reviewId}/findings/${findingId}/decision`, { token, body });

describe("review decisions", () => {
  it("suspends the signature and the port through the audited services, and refuses a second decision", async () => {
    const { review, byType } = await openReview();
    const scope = byType("scope_exceeded");
    const res = await decide(review.id, scope.id, { decision: "suspend", reason: "超范围发送营销短信" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "decided", decision: "suspend", decisionReason: "超范围发送营销短信" });
    const [signature] = await api.database.db.select().from(signatures).where(eq(signatures.id, world.signatureA.id));
    expect(signature).toMatchObject({ status: "suspended" });
    expect(signature!.statusReason).toContain("超范围发送营销短信");

    const sublet = byType("port_sublet_refusals");
    expect((await decide(review.id, sublet.id, { decision: "suspend", reason: "扩展号转租" })).status).toBe(200);
    const [port] = await api.database.db.select().from(ports).where(eq(ports.id, world.portB.id));
    expect(port).toMatchObject({ status: "suspended", statusReason: expect.stringContaining("扩展号转租") });

    expect((await decide(review.id, scope.id, { decision: "no_action", reason: "again" })).status).toBe(409);
    const audit = await api.as(api.operatorToken).get(`/api/v1/audit?objectType=review_finding&objectId=${scope.id}`);
    expect(audit.items.map((r: { action: string }) => r.action)).toEqual(["review_finding.decide"]);
    expect((await api.as(api.operatorToken).get(`/api/v1/audit?objectType=signature&objectId=${world.signatureA.id}`)).items.at(-1).action).toBe("signature.suspend");
  });

  it("lets auditors open reviews and decide no_action or rectify, but not suspend; SPs only read their findings", async () => {
    const { review, byType } = await openReview(world.tokens.auditor);
    const scope = byType("scope_exceeded");
    expect((await decide(review.id, scope.id, { decision: "suspend", reason: "x" }, world.tokens.auditor)).status).toBe(403);
    expect((await decide(review.id, scope.id, { decision: "rectify", reason: "限期整改" }, world.tokens.auditor)).status).toBe(422); // no dueDate
    const ok = await decide(review.id, scope.id, { decision: "rectify", reason: "限期整改", dueDate: new Date(clock.getTime() + 7 * DAY).toISOString().slice(0, 10) }, world.tokens.auditor);
    expect(ok.status).toBe(200);
    // The SP reads the review holding its finding, in the minimal view (see reviews-sp.*.test.ts), and decides nothing.
    const asSp = await api.request("GET", `/api/v1/reviews/${review.id}`, { token: world.tokens.spA });
    expect(asSp.status).toBe(200);
    expect(asSp.body).not.toHaveProperty("title");
    expect((await decide(review.id, scope.id, { decision: "no_action", reason: "已整改" }, world.tokens.spA)).status).toBe(403);
    expect((await api.request("POST", "/api/v1/reviews", { token: world.tokens.spA, body: { from: clock.toISOString(), to: new Date(clock.getTime() + 1).toISOString() } })).status).toBe(403);
  });

  it("reopens a rectification whose deadline has passed, when the review is read", async () => {
    const { review, byType } = await openReview();
    const scope = byType("scope_exceeded");
    const dueDate = new Date(clock.getTime() + 2 * DAY).toISOString().slice(0, 10);
    expect((await decide(review.id, scope.id, { decision: "rectify", reason: "补充退订提示", dueDate })).status).toBe(200);
    expect((await api.as(api.operatorToken).get(`/api/v1/reviews/${review.id}`)).summary).toMatchObject({ decided: 1, reopened: 0 });

    clock = new Date(clock.getTime() + 4 * DAY);
    const read = await api.as(api.operatorToken).get(`/api/v1/reviews/${review.id}`);
    expect(read.summary).toMatchObject({ decided: 0, reopened: 1 });
    const finding = await api.as(api.operatorToken).get(`/api/v1/reviews/${review.id}/findings/${scope.id}`);
    expect(finding).toMatchObject({ status: "reopened", decision: "rectify", dueDate });
    const audit = await api.as(api.operatorToken).get(`/api/v1/audit?objectType=review_finding&objectId=${scope.id}`);
    expect(audit.items.map((r: { action: string; actorType: string }) => [r.action, r.actorType])).toEqual([
      ["review_finding.decide", "operator"],
      ["review_finding.reopen", "system"],
    ]);
    // A reopened finding is decided again.
    expect((await decide(review.id, scope.id, { decision: "suspend", reason: "逾期未整改" })).body).toMatchObject({ status: "decided", decision: "suspend" });
  });

  it("closes a review and reports it as JSON, CSV (formula-safe) and HTML (escaped)", async () => {
    const { review, byType } = await openReview();
    await decide(review.id, byType("scope_exceeded").id, { decision: "suspend", reason: "=HYPERLINK(\"http://evil\")" });
    await decide(review.id, byType("port_sublet_refusals").id, { decision: "no_action", reason: "<script>alert(1)</script>已核实" });
    const closed = await api.request("POST", `/api/v1/reviews/${review.id}/close`, { body: { reason: "检查结束" } });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: "closed", closedAt: expect.any(String) });
    expect((await api.request("POST", `/api/v1/reviews/${review.id}/close`, { body: {} })).status).toBe(409);
    const late = await decide(review.id, byType("scope_exceeded").id, { decision: "no_action", reason: "late" });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain("review is closed");

    const report = await api.as(api.operatorToken).get(`/api/v1/reviews/${review.id}/report`);
    expect(report.review).toMatchObject({ id: review.id, status: "closed" });
    expect(report.countsByType.scope_exceeded).toMatchObject({ total: 1 });
    expect(report.countsByType.port_sublet_refusals).toMatchObject({ total: 1 });
    expect(report.actionsTaken).toMatchObject({ suspend: 1, no_action: 1 });
    expect(report.findings.length).toBe(review.summary.total);

    const csv = await api.request("GET", `/api/v1/reviews/${review.id}/report.csv`);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = csv.text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("findingId,type,severity,subjectType,subjectId,subject,spId,recommendedAction,status,decision,decisionReason,dueDate,decidedBy,decidedAt,counts");
    expect(lines).toHaveLength(report.findings.length + 1);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv.text).not.toMatch(/,=HYPERLINK/);

    const html = await api.request("GET", `/api/v1/reviews/${review.id}/report.html`);
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(html.text).toContain("2025年第二季度回头看");
    expect(html.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;已核实");
    expect(html.text).not.toContain("<script>");
    expect(html.text).toMatch(/<td>scope_exceeded<\/td><td>1<\/td>/);
    expect(html.text).toMatch(/<td>suspend<\/td><td>1<\/td>/);
  });

  it("opens scheduled reviews when they fall due, once per period", async () => {
    const created = await api.request("POST", "/api/v1/reviews/schedules", { body: { cadence: "monthly", scope: { spId: world.spA.id } } });
    expect(created.status).toBe(201);
    const nextRunAt = new Date(created.body.nextRunAt);
    expect(nextRunAt.getTime()).toBeGreaterThan(clock.getTime());
    expect((await api.as(api.operatorToken).get("/api/v1/reviews/schedules")).items).toHaveLength(1);
    expect((await api.request("POST", "/api/v1/reviews/schedules", { token: world.tokens.spA, body: { cadence: "quarterly" } })).status).toBe(403);

    const ctx = api.serviceContext();
    expect(await runDueSchedules(ctx, new Date(nextRunAt.getTime() - 1000))).toEqual([]);
    const opened = await runDueSchedules(ctx, new Date(nextRunAt.getTime() + 60_000));
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ kind: "campaign", scopeSpId: world.spA.id, scheduleId: created.body.id, createdBy: "reviews:schedules" });
    expect(opened[0]!.periodTo!.getTime()).toBe(nextRunAt.getTime());
    expect(opened[0]!.title).toContain("月度回头看");
    expect(await runDueSchedules(ctx, new Date(nextRunAt.getTime() + 120_000))).toEqual([]);
    const schedule = (await api.as(api.operatorToken).get("/api/v1/reviews/schedules")).items[0];
    expect(new Date(schedule.nextRunAt).getTime()).toBeGreaterThan(nextRunAt.getTime() + 27 * DAY);
  });
});

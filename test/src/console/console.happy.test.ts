import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reasons } from "../../../src/policy/reasons.ts";
import { signedIn, startConsoleWorld, type ConsoleWorld } from "./helpers.ts";

let w: ConsoleWorld;
beforeAll(async () => {
  w = await startConsoleWorld();
});
afterAll(async () => {
  await w.close();
});

const pages = ["/console/dashboard", "/console/refusals", "/console/signatures", "/console/sps", "/console/ports", "/console/reviews", "/console/complaints", "/console/audit"];

describe("the console (happy paths)", () => {
  it.each(["operator", "auditor", "spA"] as const)("renders every page for the %s role", async (role) => {
    const client = await signedIn(w.api.url, w.tokens[role]);
    for (const path of pages) {
      const page = await client.get(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/text\/html/);
      expect(page.text).toContain('<html lang="zh-CN">');
      expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    }
    for (const path of [`/console/sps/${w.world.spA.id}`, `/console/ports/${w.world.portA.id}`, "/console/reviews/rv-1"]) {
      expect((await client.get(path)).status, path).toBe(200);
    }
  });

  it("draws the dashboard's charts as inline SVG from the journal, with the top reasons", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const page = await client.get("/console/dashboard");
    expect(page.text.match(/<svg class="chart"/g)?.length).toBe(3);
    expect(page.text).toContain(reasons.scope_exceeded.sentenceZh);
    expect(page.text).toContain("(scope_exceeded)");
    expect(page.text).toMatch(/<rect [^>]*fill="#2e7d32"/);
  });

  it("switches to English with ?lang=en and keeps it in a cookie", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const english = await client.get("/console/refusals?lang=en");
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain("Refusals");
    const still = await client.get("/console/signatures");
    expect(still.text).toContain("Signature approval queue");
    expect((await client.get("/console/signatures?lang=zh")).text).toContain("签名审核队列");
  });

  it("filters refusals by reason and SP, and pages with a cursor", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const sublet = await client.get(`/console/refusals?reason=sublet_no_contract&spId=${w.world.spB.id}`);
    expect(sublet.status).toBe(200);
    expect(sublet.text).toContain("10690002");
    expect(sublet.text).not.toContain("138****0001");
    const first = await client.get("/console/refusals?format=json");
    const all = JSON.parse(first.text) as unknown[];
    expect(all.length).toBe(21);
    const seen = new Set<string>();
    let path: string | undefined = "/console/refusals?limit=8";
    let pages = 0;
    while (path) {
      const page = await client.get(path);
      for (const match of page.text.matchAll(/<td>(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})<\/td>/g)) seen.add(match[1]!);
      path = /href="([^"]*cursor=[^"]+)" rel="next"/.exec(page.text)?.[1]?.replaceAll("&amp;", "&");
      if (path) expect(path).toContain("limit=8");
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen.size).toBeGreaterThan(15);
  });

  it("exports refusals as CSV (BOM, labels, escaped formulas) and JSON with the same filters", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const csv = await client.get("/console/refusals?reason=signature_missing&format=csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="refusals-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    expect(csv.text).toContain("时间,原因");
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")<script>alert(1)</script>"`);
    const json = JSON.parse((await client.get("/console/refusals?reason=signature_missing&format=json")).text);
    expect(json).toHaveLength(1);
    expect(json[0].text).toMatch(/^=HYPERLINK/);
  });

  it("approves a pending signature from the queue with a reason", async () => {
    const operator = w.api.as(w.tokens.operator);
    const filed = await operator.post("/api/v1/signatures", {
      text: "云端出行",
      enterpriseId: w.world.cloud.id,
      spId: w.world.spA.id,
      scope: ["notification"],
      ports: [{ portId: w.world.portA.id }],
      evidence: { kind: "trademark", reference: "TM-2026-0001" },
    });
    const client = await signedIn(w.api.url, w.tokens.operator);
    const queue = await client.get("/console/signatures");
    expect(queue.text).toContain("【云端出行】");
    expect(queue.text).toContain("TM-2026-0001");
    const approved = await client.post(`/console/signatures/${filed.id}/approve`, { reason: "商标证书核验无误" });
    expect(approved.status).toBe(303);
    expect(approved.location).toBe("/console/signatures?notice=approved");
    expect((await operator.get(`/api/v1/signatures/${filed.id}`)).status).toBe("approved");
    const audit = await operator.get(`/api/v1/audit?objectId=${filed.id}&action=signature.approve`);
    expect(audit.items[0].reason).toBe("商标证书核验无误");
  });

  it("records a review decision and closes the review once every finding is decided", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const review = await client.get("/console/reviews/rv-2");
    expect(review.text).toContain("远景短信 转租排查");
    const decided = await client.post("/console/reviews/rv-2/findings/rv-2-f1/decision", { outcome: "rectify", reason: "责令限期整改" });
    expect(decided.status).toBe(303);
    expect(w.reviews.decisions).toContainEqual(expect.objectContaining({ reviewId: "rv-2", findingId: "rv-2-f1", outcome: "rectify", reason: "责令限期整改" }));
    const closed = await client.post("/console/reviews/rv-2/close", { conclusion: "已整改" });
    expect(closed.status).toBe(303);
    const after = await client.get("/console/reviews/rv-2");
    expect(after.text).toContain('href="/api/v1/reviews/rv-2/report"');
    expect(after.text).not.toContain("/findings/rv-2-f1/decision");
  });

  it("starts a review from the form", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    await client.get("/console/reviews");
    const started = await client.post("/console/reviews", { subject: `port:${w.world.portB.id}`, periodFrom: "2026-01-01", periodTo: "2026-01-31", title: "端口抽查" });
    expect(started.status).toBe(303);
    expect(started.location).toMatch(/^\/console\/reviews\/rv-\d+\?notice=started$/);
  });

  it("shows the audit trail and verifies the hash chain for operators and auditors", async () => {
    for (const token of [w.tokens.operator, w.tokens.auditor]) {
      const client = await signedIn(w.api.url, token);
      const page = await client.get("/console/audit?verify=1&objectType=signature");
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/哈希链校验通过：共 \d+ 条/);
      expect(page.text).toContain("signature.approve");
    }
  });
});

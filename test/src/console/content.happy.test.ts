import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejections } from "../../../src/db/schema/index.ts";
import { signedIn, startConsoleWorld, type ConsoleWorld } from "./helpers.ts";

let w: ConsoleWorld;
beforeAll(async () => {
  w = await startConsoleWorld();
});
afterAll(async () => {
  await w.close();
});

describe("console: content control (approval queues, rules, dry run, per-rule counts)", () => {
  it("an operator approves a link domain and a template from the queues; the API shows them approved with the reason audited", async () => {
    const op = w.api.as(w.tokens.operator);
    const domain = await w.api.as(w.tokens.spA).post("/api/v1/link-domains", { enterpriseId: w.world.cloud.id, domain: "yunduan-keji.com", icpNumber: "沪ICP备20261001号-1" });
    const template = await w.api.as(w.tokens.spB).post("/api/v1/templates", { signatureId: w.world.signatures.bank.id, text: "您的验证码是{code}" });
    const client = await signedIn(w.api.url, w.tokens.operator);
    const page = await client.get("/console/content");
    expect(page.status).toBe(200);
    expect(page.text).toContain("yunduan-keji.com");
    expect(page.text).toContain("您的验证码是{code}");
    expect((await client.post(`/console/content/link-domains/${domain.id}/approve`, { reason: "ICP 核验无误" })).status).toBe(303);
    expect((await client.post(`/console/content/templates/${template.id}/revoke`, { reason: "模板含糊" })).status).toBe(303);
    expect((await op.get(`/api/v1/link-domains/${domain.id}`)).status).toBe("approved");
    expect((await op.get(`/api/v1/templates?signatureId=${w.world.signatures.bank.id}`)).items[0].status).toBe("revoked");
    const audit = await op.get(`/api/v1/audit?objectId=${domain.id}&action=link_domain.approve`);
    expect(audit.items[0].reason).toBe("ICP 核验无误");
    expect((await client.get("/console/content")).text).not.toContain("yunduan-keji.com");
  });

  it("adds a rule in monitor, switches its mode, shows its last-day counts, and dry-runs a draft on the journal per SP", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    expect((await client.post("/console/content/rules", { name: "大促", category: "other", phrases: "双11大促\n全场5折", appliesTo: "marketing", reason: "观察" })).status).toBe(303);
    const rule = (await w.api.as(w.tokens.operator).get("/api/v1/content-rules")).items[0];
    expect(rule).toMatchObject({ mode: "monitor", phrases: ["双11大促", "全场5折"] });
    await w.api.database.db.insert(rejections).values([
      { eventId: "cr-1", at: new Date(), reason: "content_prohibited", command: "submit_sm", monitor: true, detail: `content rule ${rule.id} (other): phrase "双11大促"` },
    ]);
    expect((await client.post(`/console/content/rules/${rule.id}/mode`, { mode: "enforce", reason: "证据充分" })).status).toBe(303);
    const page = await client.get("/console/content");
    expect(page.text).toMatch(new RegExp(`rule-${rule.id}[\\s\\S]*?enforce[\\s\\S]*?<td>1</td>[\\s\\S]*?<td>0</td>`));
    // The console world's journal holds 【云端科技】双11大促 refusals from SP A over the last week.
    const dry = await client.post("/console/content/dry-run", { phrases: "双11大促", appliesTo: "marketing" });
    expect(dry.status).toBe(200);
    expect(dry.text).toContain('data-testid="dry-run-result"');
    expect(dry.text).toContain(w.world.spA.id);
    expect(dry.text).not.toContain(`${w.world.spB.id} ×`);
  });

  it("an auditor reads without forms; an SP gets 403; an auditor's post is refused", async () => {
    const auditor = await signedIn(w.api.url, w.tokens.auditor);
    const page = await auditor.get("/console/content");
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("/console/content/rules\"");
    expect((await auditor.post("/console/content/rules", { name: "x", category: "other", phrases: "x", reason: "x" })).status).toBe(403);
    const sp = await signedIn(w.api.url, w.tokens.spA);
    expect((await sp.get("/console/content")).status).toBe(403);
    expect((await sp.post("/console/content/dry-run", { phrases: "双11大促" })).status).toBe(403);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localDate } from "../../../../src/lib/dates.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { addRejections, addTraffic, buildReviewWorld, type ReviewWorld } from "../../../helpers/reviews-fixtures.ts";

let api: TestApi;
let world: ReviewWorld;
const DAY = 86_400_000;
const now = Date.now();
const hourAgo = new Date(now - 3600_000);

beforeEach(async () => {
  api = await startTestApi();
  world = await buildReviewWorld(api);
});
afterEach(async () => {
  await api.close();
});

type Finding = { type: string; subjectType: string; subjectId: string; subjectLabel: string | null; spId: string | null; evidence: any };

async function findings() {
  const review = await api.as(api.operatorToken).post("/api/v1/reviews", { scope: {}, from: new Date(now - 10 * DAY).toISOString(), to: new Date(now + 60_000).toISOString() });
  const items = (await api.as(api.operatorToken).get(`/api/v1/reviews/${review.id}/findings?limit=500`)).items as Finding[];
  return (type: string) => items.filter((f) => f.type === type);
}

describe("review findings about what messages say", () => {
  it("unapproved_links, shortener_use, content_rule_hits and port_purpose_violations, each with samples, shortener use told apart", async () => {
    const { spA, portA, signatureA, enterpriseA } = world;
    const base = { at: hourAgo, spId: spA.id, portId: portA.id, signatureId: signatureA.id, enterpriseId: enterpriseA.id, signatureText: "云端优选" };
    await addRejections(api, 3, { ...base, reason: "link_not_allowed", monitor: true, text: "【云端优选】详见 evil.cn/x 回T退订", detail: "link to evil.cn is not approved" });
    await addRejections(api, 2, { ...base, reason: "link_shortener_not_allowed", text: "【云端优选】详见 t.cn/x 回T退订" });
    await addRejections(api, 4, { ...base, reason: "content_prohibited", monitor: true, text: "【云端优选】秒批贷款 回T退订", detail: "content rule x (loan): phrase" });
    await addRejections(api, 5, { ...base, reason: "port_category_not_allowed", text: "【云端优选】新品上市 回T退订" });
    const of = await findings();
    const links = of("unapproved_links");
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ subjectType: "signature", subjectId: signatureA.id, spId: spA.id });
    expect(links[0]!.evidence.counts).toMatchObject({ link_not_allowed: 3 });
    expect(links[0]!.evidence.counts.link_shortener_not_allowed).toBeUndefined();
    expect(links[0]!.evidence.samples[0].text).toContain("evil.cn");
    const shorteners = of("shortener_use");
    expect(shorteners).toHaveLength(1);
    expect(shorteners[0]!.evidence.counts).toEqual(expect.objectContaining({ link_shortener_not_allowed: 2, total: 2 }));
    expect(shorteners[0]!.evidence.samples[0].text).toContain("t.cn");
    expect(of("content_rule_hits")[0]!.evidence.counts).toMatchObject({ content_prohibited: 4 });
    expect(of("content_rule_hits")[0]!.evidence.samples).toHaveLength(4);
    const purpose = of("port_purpose_violations");
    expect(purpose).toHaveLength(1);
    expect(purpose[0]).toMatchObject({ subjectType: "port", subjectId: portA.id });
    expect(purpose[0]!.evidence.samples.length).toBeGreaterThan(0);
  });

  it("template_drift: a signature that sent codes before and marketing on the last day; none for a steady signature", async () => {
    const { spA, portA, signatureA, enterpriseA, spB, portB, signatureB, enterpriseB } = world;
    const traffic = (days: number, category: string, accepted: number, who = { spId: spA.id, portId: portA.id, signatureId: signatureA.id, enterpriseId: enterpriseA.id }) =>
      addTraffic(api, { ...who, day: localDate(new Date(now - days * DAY)), category, accepted });
    await traffic(3, "verification", 50);
    await traffic(2, "verification", 40);
    await traffic(0, "marketing", 30);
    await traffic(0, "verification", 2);
    const steady = { spId: spB.id, portId: portB.id, signatureId: signatureB.id, enterpriseId: enterpriseB.id };
    await traffic(3, "notification", 50, steady);
    await traffic(0, "notification", 50, steady);
    await addRejections(api, 2, { at: hourAgo, reason: "opt_out_hint_missing", monitor: true, spId: spA.id, portId: portA.id, signatureId: signatureA.id, text: "【云端优选】秒批贷款" });
    const drift = (await findings())("template_drift");
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ subjectId: signatureA.id, evidence: { from: "verification", to: "marketing" } });
    expect(drift[0]!.evidence.samples[0].text).toContain("秒批贷款");
  });
});

/**
 * `bun test/bench/content.ts` — cost of the content engines (src/policy/content), printed as JSON:
 *   phrases:   Aho–Corasick build and match for 10, 1,000 and 10,000 phrases;
 *   templates: index build and matchTemplate with 100,000 templates over 1,000 signatures, and the
 *              skewed case of 10,000 templates under one signature sharing one prefix;
 *   extract:   extractLinks + extractPhoneNumbers on typical messages.
 * Times are medians over repeated runs on this machine; nothing is asserted.
 */
import { extractLinks } from "../../src/policy/content/links.ts";
import { extractPhoneNumbers } from "../../src/policy/content/phones.ts";
import { buildPhraseMatcher } from "../../src/policy/content/phrases.ts";
import { buildTemplateIndex, matchTemplate } from "../../src/policy/content/templates.ts";

function median(runs: number, fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
const us = (ms: number) => Math.round(ms * 1000 * 10) / 10;

const SHORT = "【云端商城】尊敬的会员，您的订单已发货，点击查看物流详情，如有疑问请联系客服，回T退订";
const LONG = SHORT.repeat(8);
const HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你说年着";

function phrase(i: number): string {
  let s = "";
  for (let n = i + 7, k = 0; k < 4; k++, n = Math.floor(n / HANZI.length) + k * 13) s += HANZI[n % HANZI.length];
  return `${s}${i}`;
}

const phrases: Record<string, unknown> = {};
for (const count of [10, 1_000, 10_000]) {
  const entries = Array.from({ length: count }, (_, i) => ({ phrase: phrase(i), ruleId: `r${i % 100}` }));
  let matcher = buildPhraseMatcher(entries);
  const build = median(5, () => (matcher = buildPhraseMatcher(entries)));
  phrases[count] = {
    build_ms: Math.round(build * 10) / 10,
    states: matcher.stateCount,
    match_short_us: us(median(2000, () => matcher.match(SHORT))),
    match_long_us: us(median(500, () => matcher.match(LONG))),
  };
}

const checks = { isApprovedDomain: (d: string) => d === "example.com", isRegisteredCallback: (n: string) => n === "95588" };
const SHAPES = [
  (i: number) => `您的验证码是{code}，{number:2}分钟内有效，业务${i}。`,
  (i: number) => `尊敬的{name}，您尾号{code}的账户于{date} {time}支出{amount}元，详询{phone}，编号${i}。`,
  (i: number) => `订单{number}已发货，查看物流：{url}（${i}）`,
  (i: number) => `${HANZI[i % HANZI.length]}${HANZI[(i >> 4) % HANZI.length]}活动${i}：{name}您好，积分{amount}即将到期`,
];
function spread(total: number, signatures: number) {
  return Array.from({ length: total }, (_, i) => ({ id: `t${i}`, signatureId: `s${i % signatures}`, text: SHAPES[i % SHAPES.length]!(i) }));
}
function templateBench(total: number, signatures: number, sig: string, hit: string) {
  const list = spread(total, signatures);
  let index = buildTemplateIndex(list);
  const build = median(1, () => (index = buildTemplateIndex(list)));
  const miss = "您的验证码是123456，请加微信领取红包。";
  const invalid = hit.replace("123456", "1234567890");
  const results = [matchTemplate(index, sig, hit, checks), matchTemplate(index, sig, miss, checks), matchTemplate(index, sig, invalid, checks)];
  return {
    templates: total,
    signatures,
    build_ms: Math.round(build),
    outcomes: results.map((r) => (r.ok ? "ok" : r.reason)),
    hit_us: us(median(500, () => matchTemplate(index, sig, hit, checks))),
    miss_us: us(median(500, () => matchTemplate(index, sig, miss, checks))),
    invalid_us: us(median(500, () => matchTemplate(index, sig, invalid, checks))),
  };
}
const templates = {
  spread: templateBench(100_000, 1_000, "s0", "您的验证码是123456，5分钟内有效，业务0。"),
  // One signature holding 10,000 templates that all start with 您的验证码是: the bucket is the whole list.
  skewed: templateBench(10_000, 1, "s0", "您的验证码是123456，5分钟内有效，业务9996。"),
};

const extract = {
  links_short_us: us(median(2000, () => extractLinks(SHORT))),
  phones_short_us: us(median(2000, () => extractPhoneNumbers(SHORT))),
  links_obfuscated_us: us(median(2000, () => extractLinks("点击ｗｗｗ。ｅｘａｍｐｌｅ。ｃｏｍ/a 或 hxxps://t[.]cn/x 领取"))),
  phones_obfuscated_us: us(median(2000, () => extractPhoneNumbers("加V：+86 138-0000-0001 或致电４００－１２３－４５６７，验证码123456"))),
  links_long_us: us(median(500, () => extractLinks(LONG))),
};

console.log(JSON.stringify({ bun: Bun.version, phrases, templates, extract }, null, 2));

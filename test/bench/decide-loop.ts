/**
 * `bun test/bench/decide-loop.ts` — decide() alone, in a tight loop over the in-memory registry of
 * the policy unit tests (no database, no snapshot): a fixed mix of accepted verification and
 * marketing, a submit_multi of 10 recipients, and early and late refusals. Prints the best and
 * median µs per decision of several rounds, wall clock and CPU time of the process (on a shared
 * machine compare the best CPU figure: other processes inflate wall time, far less CPU time).
 *
 * `bun test/bench/decide-loop.ts [rounds] [off|empty|full]` sets what the content groups (links,
 * callbacks, content, templates, port_purpose) see: `off` — the groups off (decide() as before
 * they existed); `empty` — the groups on (monitor, their default) with nothing registered;
 * `full` (default) — 10,000 content phrases in 100 rules plus a pattern, 100,000 templates over
 * 1,000 signatures (【云端科技】 template-only, with templates fitting its texts) and 100,000 approved
 * link domains over 10,000 enterprises (云端科技's own among them).
 */
import { decide } from "../../src/policy/decide.ts";
import type { Submission } from "../../src/policy/types.ts";
import { counters, marketing, shanghai, submission, world } from "../src/policy/fixtures.ts";

const registry = world().quietHours("21:00", "08:00").dailyCap(5).optOut("hash-bob", "ent-yunduan").dnd("hash-carol");
const contentMode = (process.argv[3] ?? "full") as "off" | "empty" | "full";
if (contentMode === "off") for (const group of ["links", "callbacks", "content", "templates", "port_purpose"]) registry.mode(group, "off");
if (contentMode === "full") fillContent(registry);

/** 10,000 phrases, 100,000 templates and 100,000 link domains, as the snapshot would hold them. */
function fillContent(target: typeof registry): void {
  const chars = "贷款博彩刷单返利加微信兼职日结代开发票高仿网赌彩票私服裸聊套现";
  const phrase = (n: number) => Array.from({ length: 4 }, (_, k) => chars[(n * 7 + k * 13 + Math.floor(n / (k + 1))) % chars.length]).join("") + n.toString(36);
  const rules = Array.from({ length: 100 }, (_, r) => ({
    id: `rule-${r}`,
    category: "loan",
    phrases: Array.from({ length: 100 }, (_, p) => phrase(r * 100 + p)),
    pattern: r === 0 ? "日息\\d{1,3}(\\.\\d{1,2})?%" : null,
    appliesTo: ["marketing", "notification"] as ("marketing" | "notification")[],
    mode: "monitor" as const,
  }));
  target.withContent((c) => {
    c.setContentRules(rules);
    for (let i = 0; i < 100_000; i++) c.templates.put(`tpl-${i}`, `sig-${i % 1000}`, `尊敬的客户${i}，您的订单{number}已发货，运单号{number}`);
    c.templates.put("tpl-otp", "sig-yunduan", "您的验证码是{code}，{number:2}分钟内有效，请勿泄露。");
    c.templates.put("tpl-parcel", "sig-yunduan", "您的包裹已到达菜鸟驿站，取件码{number}。");
    for (let i = 0; i < 100_000; i++) c.linkDomains.put(`d-${i}`, `ent-${i % 10_000}`, `site${i}.com`);
    c.linkDomains.put("d-own", "ent-yunduan", "yunduan.com");
  });
  target.signatures.set("云端科技", { ...target.signatures.get("云端科技")!, templateRequired: true });
}
const sent = counters({ "hash-dave|ent-yunduan": 5 });
const ten = Array.from({ length: 10 }, (_, i) => ({ hash: `hash-r${i}` }));
const mix: Submission[] = [
  submission(),
  submission({ text: "【云端科技】您的包裹已到达菜鸟驿站，取件码 3-2-1024。" }),
  marketing(),
  marketing({ text: "【云端商城】会员日全场5折，详见 https://m.yunduan.com/vip 回T退订" }),
  marketing({ recipients: ten, command: "submit_multi" }),
  marketing({ recipients: [{ hash: "hash-bob" }, { hash: "hash-carol" }, { hash: "hash-dave" }, { hash: "hash-alice" }], command: "submit_multi" }),
  submission({ sourceAddr: "1069099999" }),
  submission({ text: "【不存在】您的验证码是1234" }),
  marketing({ text: "【云端商城】会员日全场5折" }),
  marketing({ at: shanghai(22, 30) }),
  submission({ text: "【云端科技】会员日全场5折，回T退订" }),
];

const perRound = 20_000;
const rounds = Number(process.argv[2] ?? 9);
let sink = 0;
for (let i = 0; i < perRound; i++) sink += decide(mix[i % mix.length]!, registry, sent).recipients.length; // warm-up
const wall: number[] = [];
const cpu: number[] = [];
for (let round = 0; round < rounds; round++) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < perRound; i++) sink += decide(mix[i % mix.length]!, registry, sent).recipients.length;
  const used = process.cpuUsage(cpuStarted);
  wall.push(((performance.now() - started) * 1000) / perRound);
  cpu.push((used.user + used.system) / perRound);
}
const best = (values: number[]) => Math.round(Math.min(...values) * 1000) / 1000;
const median = (values: number[]) => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]! * 1000) / 1000;
console.log(JSON.stringify({ content: contentMode, wall_us_best: best(wall), wall_us_median: median(wall), cpu_us_best: best(cpu), cpu_us_median: median(cpu), rounds, perRound, sink: sink > 0 }));

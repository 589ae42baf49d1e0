/**
 * `bun test/bench/decide-loop.ts` — decide() alone, in a tight loop over the in-memory registry of
 * the policy unit tests (no database, no snapshot): a fixed mix of accepted verification and
 * marketing, a submit_multi of 10 recipients, and early and late refusals. Prints the best and
 * median µs per decision of several rounds, wall clock and CPU time of the process (on a shared
 * machine compare the best CPU figure: other processes inflate wall time, far less CPU time).
 */
import { decide } from "../../src/policy/decide.ts";
import type { Submission } from "../../src/policy/types.ts";
import { counters, marketing, shanghai, submission, world } from "../src/policy/fixtures.ts";

const registry = world().quietHours("21:00", "08:00").dailyCap(5).optOut("hash-bob", "ent-yunduan").dnd("hash-carol");
const sent = counters({ "hash-dave|ent-yunduan": 5 });
const ten = Array.from({ length: 10 }, (_, i) => ({ hash: `hash-r${i}` }));
const mix: Submission[] = [
  submission(),
  submission({ text: "【云端科技】您的包裹已到达菜鸟驿站，取件码 3-2-1024。" }),
  marketing(),
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
console.log(JSON.stringify({ wall_us_best: best(wall), wall_us_median: median(wall), cpu_us_best: best(cpu), cpu_us_median: median(cpu), rounds, perRound, sink: sink > 0 }));

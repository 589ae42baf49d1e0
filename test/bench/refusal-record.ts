/**
 * `bun test/bench/refusal-record.ts` — what the gateway's thread spends writing down one refused
 * submit_sm (VerdictRecorder.record: the journal row with its redacted text and masked recipient,
 * the refusal counted), alone in a tight loop: nine rounds of 200,000, CPU time per call, best and
 * median. The journal is never started, so nothing reaches a database; the rows are dropped after
 * each round. Under a flood of refusals (the bench's "journal under load") this runs once per
 * refusal on the thread that also answers the SP.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal } from "../../src/journal/journal.ts";
import { VerdictRecorder } from "../../src/gateway/verdict-recorder.ts";
import { createPiiProtector } from "../../src/lib/pii.ts";
import { DailyMarketingCounters } from "../../src/gateway/recipient-counters.ts";
import { VelocityCounters } from "../../src/velocity/velocity-counters.ts";
import { LastSenders } from "../../src/gateway/last-senders.ts";
import type { PortEntry, SignatureEntry } from "../../src/policy/types.ts";
import type { Verdict } from "../../src/policy/verdict.ts";
import { BENCH_PII_KEY } from "./registry-seed.ts";
const pii = createPiiProtector(BENCH_PII_KEY);
const spoolDir = mkdtempSync(join(tmpdir(), "bench-refusal-"));
/** A recorder over a journal of its own, never started nor flushed: no database is touched. */
function recorder(): VerdictRecorder {
  const journal = new Journal({ database: undefined as never, spoolDir, instanceId: "bench", maxBatchRows: Number.POSITIVE_INFINITY });
  return new VerdictRecorder({ journal, pii, counters: new DailyMarketingCounters(), velocity: new VelocityCounters(), lastSender: new LastSenders(1000, 1e9) });
}
const session = { accountId: "00000000-0000-4000-8000-000000000001", spId: "00000000-0000-4000-8000-000000000002", systemId: "sp1", defaultCategory: "notification" as const, remoteAddress: "127.0.0.1" };
const input = { command: "submit_sm" as const, serviceType: "", sourceAddr: "1069000001", destinations: ["13800001234"], text: "【企业1签0】双11大促，全场5折，领取优惠券 t.cn/abc 回T退订 验证码482913" };
const port = { id: "00000000-0000-4000-8000-000000000003" } as PortEntry;
const signature = { id: "00000000-0000-4000-8000-000000000004", text: "企业1签0" } as SignatureEntry;
const verdict = { outcome: "reject", reason: "scope_exceeded", commandStatus: 0x45a, detail: "x", category: "marketing", port, signature, enterpriseId: "00000000-0000-4000-8000-000000000005", recipients: [{ outcome: "reject", reason: "scope_exceeded", commandStatus: 0x45a, detail: "port 1069000001 not in scope" }], monitored: [] } as unknown as Verdict;
const recipients = [{ address: "13800001234", hash: pii.hash("13800001234") }];
const N = 200_000; const results: number[] = [];
for (let round = 0; round < 9; round++) {
  // A fresh journal each round: the last round's rows (which the journal would have written) go.
  const rec = recorder();
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) rec.record(session, input, recipients, verdict, 1764700000000 + i);
  const c = process.cpuUsage(c0);
  results.push(((c.user + c.system) * 1000) / N);
}
results.sort((a, b) => a - b);
console.log(`record (refusal): best ${results[0]!.toFixed(0)} ns, median ${results[4]!.toFixed(0)} ns`);

/**
 * Journal throughput: refusals recorded as fast as the journal takes them, until the database holds
 * every one (count(*) on rejections) and nothing is spooled. Rate = refusals / (first record → last
 * row committed). The journal runs here in-process against a fresh database (PostgreSQL with
 * BENCH_DATABASE_URL, PGlite otherwise).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { resultRows } from "../../src/db/rows.ts";
import { Journal, type RejectionEvent } from "../../src/journal/journal.ts";
import { createPiiProtector, redactText } from "../../src/lib/pii.ts";
import { createBenchDatabase } from "./databases.ts";
import { benchId, BENCH_PII_KEY, KIND, portNumber } from "./registry-seed.ts";

export async function runJournalBench(options: { refusals: number; reps: number; log: (line: string) => void }) {
  const pii = createPiiProtector(BENCH_PII_KEY);
  const reasons = ["sublet_no_contract", "scope_exceeded", "signature_unregistered", "recipient_opted_out", "opt_out_hint_missing", "port_not_owned"];
  const hashes = Array.from({ length: 1000 }, (_, i) => pii.hash(`1380000${String(i).padStart(4, "0")}`));
  const text = redactText("【企业1签0】双11大促，全场5折，领取优惠券 t.cn/abc 回T退订 验证码482913");
  const results: { perSecond: number; rows: number; seconds: number }[] = [];
  let kind = "";
  for (let rep = 0; rep < options.reps; rep++) {
    const bench = await createBenchDatabase("journal");
    kind = bench.kind;
    const database = await bench.open(10);
    await database.migrate();
    const journal = new Journal({ database, spoolDir: mkdtempSync(join(tmpdir(), "bench-spool-")), instanceId: `bench-${rep}`, flushIntervalMs: 200 });
    journal.start();
    const started = performance.now();
    const base: Omit<RejectionEvent, "reason" | "recipientHash" | "recipientMask"> = {
      at: new Date(),
      monitor: false,
      command: "submit_sm",
      spId: benchId(KIND.sp, 1),
      accountId: benchId(KIND.account, 1),
      portId: benchId(KIND.port, 1),
      sourceAddr: portNumber(1),
      signatureId: benchId(KIND.signature, 5),
      signatureText: "企业1签0",
      enterpriseId: benchId(KIND.enterprise, 1),
      category: "marketing",
      text,
      remoteAddress: "127.0.0.1",
    };
    // Offered in bursts of 1000 per event-loop turn, as the proxy would under load.
    for (let i = 0; i < options.refusals; i++) {
      journal.recordRejection({ ...base, at: new Date(), reason: reasons[i % reasons.length]!, recipientHash: hashes[i % 1000]!, recipientMask: "138****0000" });
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await journal.stop();
    const stats = journal.stats();
    const seconds = (performance.now() - started) / 1000;
    const [row] = resultRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from rejections`));
    const rows = Number(row?.n ?? 0);
    results.push({ perSecond: rows / seconds, rows, seconds });
    options.log(`journal rep ${rep + 1}: ${rows}/${options.refusals} rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)}/s (spooled batches ${stats.spooledBatches})`);
    await database.close();
    await bench.drop();
    if (rows !== options.refusals || stats.spooledBatches !== 0) throw new Error(`journal lost refusals: ${rows} of ${options.refusals} written`);
  }
  const sorted = [...results].sort((a, b) => a.perSecond - b.perSecond);
  return {
    database: kind,
    refusals_per_rep: options.refusals,
    journal_refusals_per_s: Math.round(sorted[Math.floor(sorted.length / 2)]!.perSecond),
    journal_runs_per_s: results.map((r) => Math.round(r.perSecond)),
    journal_lost: 0,
  };
}

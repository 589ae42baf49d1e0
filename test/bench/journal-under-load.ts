/**
 * The journal while the proxy is under load: a second load generator sends only messages the
 * registry refuses (the refused part of the mix, over 2 binds, windows full) at the same time as
 * the main generator keeps the proxy busy with the usual mix (accepted traffic, receipts, its own
 * 10% refusals). Rate = journal rows committed in the gateway from the start of the run until the
 * journal has caught up with every refusal answered (none in memory, none spooled), over that time.
 * Every refusal answered must become a row: the bench's final count(*) checks it.
 */
import { loadavg } from "node:os";
import { LoadGenerator } from "./load.ts";
import type { MixEntry } from "./mix.ts";

interface JournalStats {
  rejections: number;
  inMemory: number;
  spooledBatches: number;
}

export interface JournalUnderLoadOptions {
  port: number;
  password: string;
  mix: MixEntry[];
  seconds: number;
  /** The generator that keeps the proxy busy meanwhile (its refusals are journaled too). */
  busy: LoadGenerator;
  journalStats: () => Promise<JournalStats>;
  log: (line: string) => void;
}

export async function measureJournalUnderLoad(options: JournalUnderLoadOptions) {
  const refusing = await LoadGenerator.connect({
    port: options.port,
    systemId: "sp1",
    password: options.password,
    binds: 2,
    window: 100,
    mix: options.mix.filter((entry) => entry.expect !== "accept"),
    receiptShare: 0,
    // Transmitter binds: as transceivers of the same account they took a share of the busy
    // generator's receipts, which its ledger then counted as lost (291-816 per run).
    mode: "transmitter",
  });
  // Start from a journal that has caught up with the earlier phases, so only this run's rows count.
  let before = await options.journalStats();
  // (Until then, every refusal row came from the busy generator: a batch being written is neither in memory nor counted yet.)
  for (let waited = 0; (before.rejections < options.busy.refused || before.inMemory > 0 || before.spooledBatches > 0) && waited < 10_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    before = await options.journalStats();
  }
  const refused0 = refusing.refused + options.busy.refused;
  const started = performance.now();
  const [busy, refusals] = await Promise.all([options.busy.saturate(options.seconds), refusing.saturate(options.seconds)]);
  const loadSeconds = (performance.now() - started) / 1000;
  const answered = refusing.refused + options.busy.refused - refused0;
  // Until every refusal answered meanwhile is committed (or 30 s: then it is reported as behind).
  let stats = await options.journalStats();
  while ((stats.rejections - before.rejections < answered || stats.inMemory > 0 || stats.spooledBatches > 0) && performance.now() - started < (options.seconds + 30) * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    stats = await options.journalStats();
  }
  const seconds = (performance.now() - started) / 1000;
  const written = stats.rejections - before.rejections;
  await refusing.close();
  const result = {
    journal_under_load_refusals_per_s: Math.round(written / seconds),
    journal_under_load_refusals_answered: answered,
    // The two bounds on the rate above: how fast the proxy answered refusals while busy, and how
    // long after the load stopped the journal still had rows to commit.
    journal_under_load_refusals_answered_per_s: Math.round(answered / loadSeconds),
    journal_under_load_catch_up_s: Math.round((seconds - loadSeconds) * 100) / 100,
    journal_under_load_rows_written: written,
    journal_under_load_caught_up: written >= answered && stats.inMemory === 0 && stats.spooledBatches === 0,
    journal_under_load_proxy_msgs_per_s: Math.round(busy.perSecond),
    journal_under_load_refused_answers_per_s: Math.round(refusals.perSecond),
    journal_under_load_refusing_generator_refusals: refusing.refused,
  };
  options.log(
    `smpp: journal under load: ${written} refusal rows committed in ${seconds.toFixed(2)} s = ${result.journal_under_load_refusals_per_s}/s ` +
      `(answered ${answered}, ${result.journal_under_load_refusals_answered_per_s}/s over the ${loadSeconds.toFixed(1)} s of load, the last row committed ${result.journal_under_load_catch_up_s} s after it; the refusing generator ${Math.round(refusals.perSecond)}/s next to ${Math.round(busy.perSecond)} msg/s of the usual mix; caught up: ${result.journal_under_load_caught_up}; load ${loadavg()[0]!.toFixed(1)})`,
  );
  return result;
}

/**
 * SMSC faults under load: restart, dropped links, silence, slowness. Every message carries a
 * unique marker; the simulator counts what it received by marker, so each SP-visible outcome is
 * checked against what the SMSC really got.
 *
 * The guarantee the code gives (smpp/upstream/pool.ts):
 * - status 0 with a message_id ⇒ the SMSC took the message, exactly once;
 * - any failure of the link or of the SMSC to answer ⇒ upstream_unavailable (ESME_RMSGQFUL 0x14), retryable; the SMSC's
 *   own temporary refusals (0x08, 0x14, 0x58, 0x64) pass through as they are;
 * - a retryable answer means the SMSC got the message 0 or 1 times: when the link dies or the answer
 *   comes after UPSTREAM_REQUEST_TIMEOUT_MS, the SMSC may have taken it. An ESME that retries then
 *   delivers it twice: at-least-once, never lost. The tests count those "ambiguous" messages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandStatus } from "../../../smpp/wire/commands.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { cloudMessage, markerOf, report, sleep, startFaultGateway, waitFor, type FaultWorld } from "./helpers.ts";

const REQUEST_TIMEOUT_MS = 1000;
const RETRYABLE = new Set<number>([CommandStatus.ESME_RTHROTTLED, CommandStatus.ESME_RMSGQFUL, CommandStatus.ESME_RSYSERR, CommandStatus.ESME_RX_T_APPN]);

let f: FaultWorld;
let esmes: Esme[] = [];
let runId = 0;

beforeAll(async () => {
  f = await startFaultGateway({ UPSTREAM_BINDS: "2", UPSTREAM_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  await f.gateway.upstream.waitForBinds(2);
  esmes = await Promise.all(Array.from({ length: 4 }, () => connectEsme(f.gateway.smppPort, f.world.accountA)));
}, 60_000);
afterAll(async () => {
  for (const esme of esmes) await esme.close();
  await f?.gateway.close();
});

interface Outcome {
  marker: string;
  status: number;
  messageId: string;
}

/**
 * Submits `total` uniquely marked messages over the ESMEs, `window` in flight per ESME, and calls
 * `fault` once `faultAfter` answers have come back. Resolves with every outcome.
 */
async function load(total: number, window: number, faultAfter: number, fault: () => Promise<void>): Promise<{ outcomes: Outcome[]; faultDone: Promise<void> }> {
  const run = ++runId;
  const outcomes: Outcome[] = [];
  let next = 0;
  let faultDone: Promise<void> = Promise.resolve();
  let faulted = false;
  const worker = async (esme: Esme) => {
    while (next < total) {
      const marker = `r${run}m${next++}`;
      const result = await Promise.race([
        esme.submit(cloudMessage(marker)),
        sleep(15_000).then(() => ({ status: -1, messageId: "" })),
      ]);
      outcomes.push({ marker, status: result.status, messageId: result.messageId });
      // Like Kannel on a temporary error, pause this slot a moment (the message is not retried
      // here: each outcome is checked as the SP saw it).
      if (result.status !== 0) await sleep(50);
      if (!faulted && outcomes.length >= faultAfter) {
        faulted = true;
        faultDone = fault();
      }
    }
  };
  await Promise.all(esmes.flatMap((esme) => Array.from({ length: window }, () => worker(esme))));
  return { outcomes, faultDone };
}

/** Checks every outcome against what the SMSC received; returns the counts. */
function account(outcomes: Outcome[]) {
  const atSmsc = f.gateway.simulator!.received.countBy((m) => markerOf(m.text) ?? "");
  const counts = { sent: outcomes.length, succeeded: 0, succeededExactlyOnceAtSmsc: 0, failedRetryable: 0, failedOther: 0, failedNotAtSmsc: 0, failedButAtSmscOnce: 0, atSmscMoreThanOnce: 0, failureStatuses: {} as Record<string, number> };
  for (const o of outcomes) {
    const n = atSmsc.get(o.marker) ?? 0;
    if (n > 1) counts.atSmscMoreThanOnce++;
    if (o.status === 0 && o.messageId) {
      counts.succeeded++;
      if (n === 1) counts.succeededExactlyOnceAtSmsc++;
      continue;
    }
    counts.failureStatuses[`0x${o.status.toString(16)}`] = (counts.failureStatuses[`0x${o.status.toString(16)}`] ?? 0) + 1;
    if (RETRYABLE.has(o.status)) counts.failedRetryable++;
    else counts.failedOther++;
    if (n === 0) counts.failedNotAtSmsc++;
    else if (n === 1) counts.failedButAtSmscOnce++;
  }
  return counts;
}

function expectTheGuarantee(counts: ReturnType<typeof account>) {
  expect(counts.succeeded + counts.failedRetryable + counts.failedOther).toBe(counts.sent);
  expect(counts.succeededExactlyOnceAtSmsc).toBe(counts.succeeded);
  expect(counts.failedOther).toBe(0);
  expect(counts.atSmscMoreThanOnce).toBe(0);
  expect(counts.failedNotAtSmsc + counts.failedButAtSmscOnce).toBe(counts.failedRetryable);
}

/** After a fault: binds back, a fresh message goes through and its receipt reaches the ESME. */
async function receiptStillRoutes(): Promise<boolean> {
  await f.gateway.upstream.waitForBinds(2, 15_000);
  const esme = esmes[0]!;
  const result = await esme.submit({ ...cloudMessage(`receipt${runId}`), registered_delivery: 1 });
  expect(result.status).toBe(0);
  // The proxy hands a receipt to any receiver bind of the account (round-robin): watch them all.
  const isReceipt = (m: { esm_class: number; receipted_message_id?: string }) => (m.esm_class & 0x04) !== 0 && m.receipted_message_id?.toLowerCase() === result.messageId.toLowerCase();
  const receipt = await Promise.any(esmes.map((e) => e.waitForDelivery(isReceipt, 5000)));
  return receipt !== undefined;
}

describe("SMSC faults under load", () => {
  it("SMSC killed and restarted mid-load: successes reached it exactly once, the rest got a retryable status", { timeout: 90_000 }, async () => {
    const sim = f.gateway.simulator!;
    let downMs = 0;
    const { outcomes, faultDone } = await load(3000, 10, 1000, async () => {
      const t0 = performance.now();
      sim.script.dropAllLinks();
      await sim.script.stopListener();
      await sleep(500);
      await sim.script.startListener();
      downMs = Math.round(performance.now() - t0);
    });
    await faultDone;
    const counts = account(outcomes);
    const receipt = await receiptStillRoutes();
    report("smsc-faults: restart under load", { ...counts, downMs, receiptAfterwards: receipt });
    expectTheGuarantee(counts);
    expect(counts.failedRetryable).toBeGreaterThan(0);
    // Load went on after the restart: more succeeded than before the fault.
    expect(counts.succeeded).toBeGreaterThan(1100);
    expect(receipt).toBe(true);
  });

  it("links dropped mid-load: same accounting", { timeout: 60_000 }, async () => {
    const { outcomes, faultDone } = await load(2000, 10, 600, async () => f.gateway.simulator!.script.dropAllLinks());
    await faultDone;
    const counts = account(outcomes);
    const receipt = await receiptStillRoutes();
    report("smsc-faults: links dropped under load", { ...counts, receiptAfterwards: receipt });
    expectTheGuarantee(counts);
    expect(counts.failedRetryable).toBeGreaterThan(0);
    expect(receipt).toBe(true);
  });

  it("SMSC stops answering: every submit is answered 0x14 (upstream_unavailable) within the upstream timeout; what the SMSC takes after it recovers is counted", { timeout: 60_000 }, async () => {
    const sim = f.gateway.simulator!;
    sim.script.stopAnswering(true);
    const started = performance.now();
    const { outcomes } = await load(400, 25, Infinity, async () => {});
    const elapsedMs = Math.round(performance.now() - started);
    const silentCounts = account(outcomes);
    sim.script.stopAnswering(false);
    // A silent SMSC that stopped reading its socket (back-pressure) processes the submits still
    // buffered once it recovers, long after the proxy answered 0x14 for them: the ambiguous case.
    await sleep(1000);
    const counts = account(outcomes);
    const receipt = await receiptStillRoutes();
    report("smsc-faults: SMSC silent", { ...counts, whileSilent: { failedNotAtSmsc: silentCounts.failedNotAtSmsc }, elapsedMs, requestTimeoutMs: REQUEST_TIMEOUT_MS, receiptAfterwards: receipt });
    expectTheGuarantee(counts);
    expect(counts.failureStatuses).toEqual({ "0x14": counts.sent });
    // While it was silent, nothing was taken.
    expect(silentCounts.failedNotAtSmsc).toBe(counts.sent);
    expect(receipt).toBe(true);
  });

  it("SMSC answers slowly: within the timeout all succeed; beyond it the SP gets 0x14 (upstream_unavailable) although the SMSC took the message", { timeout: 60_000 }, async () => {
    const sim = f.gateway.simulator!;
    sim.script.delayAll(300);
    const slowStarted = performance.now();
    const slow = await load(200, 5, Infinity, async () => {});
    const slowMs = Math.round(performance.now() - slowStarted);
    sim.script.delayAll(REQUEST_TIMEOUT_MS + 500);
    const late = await load(100, 5, Infinity, async () => {});
    // Let the late answers (and the messages they carry) arrive at the simulator's clock.
    await sleep(800);
    sim.script.delayAll(0);
    const slowCounts = account(slow.outcomes);
    const lateCounts = account(late.outcomes);
    const receipt = await receiptStillRoutes();
    report("smsc-faults: SMSC slow", { delayWithinTimeout: { delayMs: 300, ...slowCounts, elapsedMs: slowMs }, delayBeyondTimeout: { delayMs: REQUEST_TIMEOUT_MS + 500, ...lateCounts }, receiptAfterwards: receipt });
    expectTheGuarantee(slowCounts);
    expect(slowCounts.succeeded).toBe(slowCounts.sent);
    expectTheGuarantee(lateCounts);
    // The ambiguous case, exactly: every one was answered 0x14, and every one reached the SMSC once.
    expect(lateCounts.failureStatuses).toEqual({ "0x14": lateCounts.sent });
    expect(lateCounts.failedButAtSmscOnce).toBe(lateCounts.sent);
    expect(receipt).toBe(true);
  });

  it("SMSC throttles: its 0x58 reaches the SP unchanged and nothing was taken", { timeout: 30_000 }, async () => {
    const sim = f.gateway.simulator!;
    sim.script.throttleAll(true);
    const { outcomes } = await load(200, 5, Infinity, async () => {});
    sim.script.throttleAll(false);
    const counts = account(outcomes);
    report("smsc-faults: SMSC throttling", counts);
    expectTheGuarantee(counts);
    expect(counts.failureStatuses).toEqual({ "0x58": counts.sent });
    expect(counts.failedNotAtSmsc).toBe(counts.sent);
    await waitFor(() => f.gateway.upstream.state().bindsUp === 2);
  });
});

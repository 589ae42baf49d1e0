/**
 * Malformed-SMPP fuzz against the running gateway. `npm run fuzz` runs the same test longer
 * (FUZZ_PDUS, default 2,000,000 there; FUZZ_SEED picks another seed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { runFuzz } from "./fuzz-runner.ts";
import { bankMessage, cloudMessage, createAccount, markerOf, percentile, report, sleep, startFaultGateway, type FaultWorld } from "./helpers.ts";

const PDUS = Number(process.env.FUZZ_PDUS ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed5);
const WINDOW = 32;
const CONNECTIONS = Number(process.env.FUZZ_CONNECTIONS ?? 12);
/**
 * Memory bounds, measured after a forced GC. Part of the growth is the test database itself: the
 * tests run PGlite in memory, and every refusal the fuzz provokes is a journal row in it (~27 MB of
 * RSS and ~7 MB of heap per 100k PDUs, measured by running 400k PDUs with and without the journal).
 * The rest is bounded by design (simulator log ≤ 100k messages, receipt routes, concatenation
 * ≤ 4 MiB per account) plus the allocator's high-water mark from bursts of 16 KiB PDUs.
 * Measured at 100k: RSS +38…142 MB, heap +7…14 MB; at 400k: RSS +265 MB, heap +50 MB
 * (+151 MB / +22 MB without the journal).
 */
const RSS_BOUND_MB = 200 + (40 * PDUS) / 100_000;
const HEAP_BOUND_MB = 32 + (12 * PDUS) / 100_000;

let f: FaultWorld;

beforeAll(async () => {
  f = await startFaultGateway({
    // Bad binds are part of the fuzz: the lockout (tested in abuse/security) would end it early.
    SMPP_BIND_LOCKOUT_FAILURES: "1000000000",
    SMPP_BIND_ACCOUNT_LOCKOUT_FAILURES: "1000000000",
    // Concatenated parts the fuzz leaves incomplete are refused after 0.3 s rather than 8 s.
    SMPP_CONCAT_TIMEOUT_MS: "300",
  });
}, 60_000);
afterAll(async () => {
  await f?.gateway.close();
});

function gc() {
  (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc(true);
}

describe("malformed SMPP fuzz", () => {
  it(`answers or cleanly closes on every one of ${PDUS} fuzzed PDUs while other sessions keep working`, { timeout: Math.max(120_000, PDUS / 1000 * 1000) }, async () => {
    const { gateway, world } = f;
    const fuzzAccount = await createAccount(gateway, { spId: world.spA.id, systemId: "fuzz_sp", password: "fz123456", maxBinds: 100, maxSubmitsPerSecond: 10_000 });
    let handlerErrors = 0;
    const serverCloseReasons: Record<string, number> = {};
    gateway.proxy.server.on("sessionClosed", (_s, reason) => void (serverCloseReasons[reason.replace(/\d+/g, "N")] = (serverCloseReasons[reason.replace(/\d+/g, "N")] ?? 0) + 1));
    gateway.proxy.server.on("handlerError", () => handlerErrors++);

    // Warm up (the first bind of an account pays one argon2 verify, ~0.6 s here; later binds
    // check a SHA-256 of the password against the cached result), then measure memory.
    const warm = await connectEsme(gateway.smppPort, world.accountB);
    expect((await warm.submit(bankMessage("warmup"))).status).toBe(0);
    await warm.close();
    await (await connectEsme(gateway.smppPort, fuzzAccount)).close();
    gc();
    const before = process.memoryUsage();

    // A well-behaved SP submits throughout the fuzz, one message at a time.
    const bystander: Esme = await connectEsme(gateway.smppPort, world.accountB);
    const bystanderLatencies: number[] = [];
    const bystanderStatuses: Record<string, number> = {};
    const bystanderIds = new Set<string>();
    let fuzzDone = false;
    const bystanderLoop = (async () => {
      for (let n = 0; !fuzzDone; n++) {
        const t0 = performance.now();
        const result = await Promise.race([bystander.submit(bankMessage(`by${n}`)), sleep(5000).then(() => ({ status: -1, messageId: "" }))]);
        bystanderLatencies.push(performance.now() - t0);
        bystanderStatuses[result.status] = (bystanderStatuses[result.status] ?? 0) + 1;
        if (result.status === 0) bystanderIds.add(`by${n}`);
        await sleep(5);
      }
    })();

    const stats = await runFuzz({ port: gateway.smppPort, pdus: PDUS, connections: CONNECTIONS, seed: SEED, credentials: fuzzAccount, window: WINDOW, answerTimeoutMs: 5000 });
    fuzzDone = true;
    await bystanderLoop;

    // After the fuzz: a fresh bind works and a valid message goes through end to end.
    const fresh = await connectEsme(gateway.smppPort, world.accountA);
    const after = await fresh.submit({ ...cloudMessage("after-fuzz"), registered_delivery: 1 });
    const receipt = await fresh.waitForDelivery((m) => (m.esm_class & 0x04) !== 0 && m.receipted_message_id?.toLowerCase() === after.messageId.toLowerCase());
    await fresh.close();
    await bystander.close();

    await gateway.journal.flush();
    const journal = gateway.journal.backlog();
    gc();
    const afterMemory = process.memoryUsage();
    const rssGrowthMb = (afterMemory.rss - before.rss) / 2 ** 20;
    const heapGrowthMb = (afterMemory.heapUsed - before.heapUsed) / 2 ** 20;
    const bystanderReached = gateway.simulator!.received.countBy((m) => markerOf(m.text) ?? "");
    const bystanderDuplicates = [...bystanderIds].filter((id) => bystanderReached.get(id) !== 1).length;

    const byMutation: Record<string, number> = {};
    for (const [kind, n] of Object.entries(stats.kinds)) {
      const mutation = kind.includes("+") ? kind.slice(kind.indexOf("+") + 1) : kind.startsWith("bad_") || kind.startsWith("oversize") || kind.startsWith("random_bytes") ? kind : "none";
      byMutation[mutation] = (byMutation[mutation] ?? 0) + n;
    }
    const { kinds: _kinds, ...numbers } = stats;
    report("fuzz", {
      seed: SEED, ...numbers, byMutation, handlerErrors,
      bystander: { submits: bystanderLatencies.length, statuses: bystanderStatuses, p50Ms: +percentile(bystanderLatencies, 50).toFixed(1), p99Ms: +percentile(bystanderLatencies, 99).toFixed(1), maxMs: +Math.max(...bystanderLatencies).toFixed(1), notExactlyOnceAtSmsc: bystanderDuplicates },
      afterFuzz: { status: after.status, receipt: receipt.receipted_message_id !== undefined },
      memory: { rssBoundMb: RSS_BOUND_MB, heapBoundMb: HEAP_BOUND_MB, rssBeforeMb: +(before.rss / 2 ** 20).toFixed(1), rssAfterMb: +(afterMemory.rss / 2 ** 20).toFixed(1), rssGrowthMb: +rssGrowthMb.toFixed(1), heapGrowthMb: +heapGrowthMb.toFixed(1) },
      journal, journalError: gateway.journal.stats().lastError, serverCloseReasons,
      simulatorReceived: gateway.simulator!.received.count,
    });

    // Every PDU was generated and the run covered bound and unbound sessions.
    expect(stats.pdusGenerated).toBe(PDUS);
    expect(stats.connectionsBoundAtStart).toBeGreaterThan(0);
    expect(stats.connectionsOpened - stats.connectionsBoundAtStart).toBeGreaterThan(0);
    // Every framed request was answered, or its connection was closed for a reason the client saw.
    expect(stats.lostAnswers).toBe(0);
    expect(stats.unexplainedCloses).toBe(0);
    expect(stats.answered + stats.closedBeforeAnswer).toBe(stats.requestsExpectingAnswer);
    // Only requests behind a close on their own connection go unanswered: at most one window each.
    const serverCloses = Object.values(stats.serverCloses).reduce((a, b) => a + b, 0);
    expect(stats.closedBeforeAnswer).toBeLessThanOrEqual(serverCloses * WINDOW);
    expect(stats.wrongResponseId).toBe(0);
    expect(stats.unexpectedAnswers).toBe(0);
    // Response frames that answer nothing get generic_nack ESME_RINVCMDID in bound sessions.
    expect(stats.responsesNacked).toBeGreaterThan(0);
    // Each stream broken by a bad command_length got generic_nack ESME_RINVCMDLEN, then a close
    // (unless an earlier unbind or third refused bind on that connection had closed it already).
    expect(stats.serverCloses.framing_error).toBe(stats.framingErrorsNacked);
    expect(stats.serverCloses.framing_error_without_nack ?? 0).toBe(0);
    // Bad input is never answered with a "try again" system error, and no handler threw.
    expect(stats.answeredByStatus["0x08"] ?? 0).toBe(0);
    expect(handlerErrors).toBe(0);
    // The other SP was served throughout: every submit accepted, reached the SMSC exactly once.
    expect(Object.keys(bystanderStatuses)).toEqual(["0"]);
    expect(bystanderLatencies.length).toBeGreaterThan(20);
    expect(bystanderDuplicates).toBe(0);
    expect(percentile(bystanderLatencies, 99)).toBeLessThan(1000);
    // A fresh bind after the fuzz works end to end.
    expect(after.status).toBe(0);
    // The journal took every refusal (no poison row stuck in the spool).
    expect(journal.spooledBatches).toBe(0);
    // Memory: see the bounds' justification at the top of the file.
    expect(rssGrowthMb).toBeLessThan(RSS_BOUND_MB);
    expect(heapGrowthMb).toBeLessThan(HEAP_BOUND_MB);
  });
});

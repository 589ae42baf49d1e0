/**
 * Abusive clients: connections that never bind, half-sent PDUs, connection floods, password
 * guessing, and one account flooding submits. Each test prints one JSON line with its numbers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommandStatus } from "../../../smpp/wire/commands.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { Cmd, pdu } from "./fuzz-generator.ts";
import { bankMessage, cloudMessage, createAccount, percentile, rawBind, rawSmpp, report, sleep, startFaultGateway, waitFor, type FaultWorld, type RawSmpp } from "./helpers.ts";

const BIND_TIMEOUT_MS = 500;
const PARTIAL_TIMEOUT_MS = 500;
const PER_ADDRESS = 6;
const TOTAL = 10;
const LOCKOUT_FAILURES = 5;
const LOCKOUT_MS = 2000;

let f: FaultWorld;
let many: { systemId: string; password: string };

beforeAll(async () => {
  f = await startFaultGateway({
    SMPP_BIND_TIMEOUT_MS: String(BIND_TIMEOUT_MS),
    SMPP_PARTIAL_PDU_TIMEOUT_MS: String(PARTIAL_TIMEOUT_MS),
    SMPP_MAX_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS),
    SMPP_MAX_CONNECTIONS: String(TOTAL),
    SMPP_BIND_LOCKOUT_FAILURES: String(LOCKOUT_FAILURES),
    SMPP_BIND_LOCKOUT_MS: String(LOCKOUT_MS),
  });
  many = await createAccount(f.gateway, { spId: f.world.spA.id, systemId: "many_sp", password: "mn123456", maxBinds: 50 });
  // Pay the account's first argon2 verify now, not inside a timed test. Under load it can take
  // longer than the short bind timeout, which then closes the connection mid-authentication; the
  // verify still completes and is cached, so the next attempt binds at once.
  for (let attempt = 1; ; attempt++) {
    const warm = await rawSmpp(f.gateway.smppPort);
    const status = await rawBind(warm, many.systemId, many.password).catch(() => -1);
    warm.destroy();
    if (status === 0) break;
    if (attempt >= 20) throw new Error(`warm-up bind failed: ${status}`);
    await sleep(250);
  }
}, 60_000);
afterAll(async () => {
  await f?.gateway.close();
});
beforeEach(async () => {
  // Every test starts with no connection held from the one before.
  await waitFor(() => f.gateway.proxy.server.connectionCount === 0, 5000, "no live SMPP connections");
});

describe("abusive SMPP clients", () => {
  it("closes connections that never bind after the bind timeout, even if they keep sending enquire_link", async () => {
    const idle = await Promise.all(Array.from({ length: 4 }, () => rawSmpp(f.gateway.smppPort)));
    const chatty = await rawSmpp(f.gateway.smppPort);
    const keepAlive = setInterval(() => chatty.send(pdu(Cmd.enquire_link, 1, new Uint8Array(0))), 100);
    const peers = [...idle, chatty];
    const closedAfter = await Promise.all(peers.map(async (p) => (await Promise.race([p.closed, sleep(5000).then(() => NaN)])) - p.openedAt));
    clearInterval(keepAlive);
    report("abuse: never-binding connections", { bindTimeoutMs: BIND_TIMEOUT_MS, connections: peers.length, closedAfterMs: closedAfter.map((ms) => Math.round(ms)) });
    for (const ms of closedAfter) {
      expect(ms).toBeGreaterThanOrEqual(BIND_TIMEOUT_MS - 20);
      expect(ms).toBeLessThan(BIND_TIMEOUT_MS + 1000);
    }
  });

  it("closes a connection whose PDU stays half-sent, including one dribbled a byte at a time", async () => {
    const stalled = await rawSmpp(f.gateway.smppPort);
    expect(await rawBind(stalled, many.systemId, many.password)).toBe(0);
    stalled.send(pdu(Cmd.enquire_link, 2, new Uint8Array(0)).subarray(0, 10));
    const sentAt = performance.now();

    const dribbler = await rawSmpp(f.gateway.smppPort);
    expect(await rawBind(dribbler, many.systemId, many.password)).toBe(0);
    const slow = pdu(Cmd.submit_sm, 2, new Uint8Array(200));
    const dribbleStart = performance.now();
    let dribbled = 0;
    const timer = setInterval(() => {
      if (dribbled < slow.length && !dribbler.isClosed()) dribbler.send(slow.subarray(dribbled, ++dribbled));
    }, 40);
    const [stalledAt, dribblerAt] = await Promise.all([
      Promise.race([stalled.closed, sleep(5000).then(() => NaN)]),
      Promise.race([dribbler.closed, sleep(5000).then(() => NaN)]),
    ]);
    clearInterval(timer);
    const numbers = { partialTimeoutMs: PARTIAL_TIMEOUT_MS, stalledClosedAfterMs: Math.round(stalledAt - sentAt), dribblerClosedAfterMs: Math.round(dribblerAt - dribbleStart), bytesDribbled: dribbled };
    report("abuse: half-sent PDUs", numbers);
    expect(numbers.stalledClosedAfterMs).toBeGreaterThanOrEqual(PARTIAL_TIMEOUT_MS - 20);
    expect(numbers.stalledClosedAfterMs).toBeLessThan(PARTIAL_TIMEOUT_MS + 1000);
    // Trickling bytes does not reset the clock: the PDU's first byte starts it.
    expect(numbers.dribblerClosedAfterMs).toBeLessThan(PARTIAL_TIMEOUT_MS + 1000);
    expect(dribbled).toBeLessThan(slow.length);
  });

  it("caps connections per remote address and in total; refused connections are closed at once", async () => {
    let refusedEvents = { perAddress: 0, total: 0 };
    const onRefused = (_address: string, reason: string) => {
      if (reason === "max_connections_per_address") refusedEvents.perAddress++;
      if (reason === "max_connections") refusedEvents.total++;
    };
    f.gateway.proxy.server.on("connectionRefused", onRefused);
    const attempt = async (localAddress: string) => {
      const peer = await rawSmpp(f.gateway.smppPort, localAddress);
      const status = await rawBind(peer, many.systemId, many.password).catch(() => "refused" as const);
      return { peer, accepted: status === 0 };
    };
    // 10 from 127.0.0.1: the per-address cap lets 6 in.
    const first: { peer: RawSmpp; accepted: boolean }[] = [];
    for (let i = 0; i < 10; i++) first.push(await attempt("127.0.0.1"));
    // 10 more from 127.0.0.2: only the 4 left under the total cap of 10 get in.
    const second: { peer: RawSmpp; accepted: boolean }[] = [];
    for (let i = 0; i < 10; i++) second.push(await attempt("127.0.0.2"));
    const live = f.gateway.proxy.server.connectionCount;
    // Sessions that got in still work.
    const inside = first.find((a) => a.accepted)!.peer;
    inside.send(pdu(Cmd.enquire_link, 9, new Uint8Array(0)));
    const answer = await inside.next();
    // Once they leave, new connections are accepted again.
    for (const a of [...first, ...second]) a.peer.destroy();
    await waitFor(() => f.gateway.proxy.server.connectionCount === 0, 3000, "connections released");
    const again = await attempt("127.0.0.2");
    again.peer.destroy();
    f.gateway.proxy.server.off("connectionRefused", onRefused);
    const numbers = {
      perAddressCap: PER_ADDRESS, totalCap: TOTAL,
      from127_0_0_1: { tried: 10, accepted: first.filter((a) => a.accepted).length },
      from127_0_0_2: { tried: 10, accepted: second.filter((a) => a.accepted).length },
      liveAtPeak: live, refusedEvents, acceptedAfterRelease: again.accepted,
    };
    report("abuse: connection floods", numbers);
    expect(numbers.from127_0_0_1.accepted).toBe(PER_ADDRESS);
    expect(numbers.from127_0_0_2.accepted).toBe(TOTAL - PER_ADDRESS);
    expect(live).toBe(TOTAL);
    expect(refusedEvents).toEqual({ perAddress: 10 - PER_ADDRESS, total: 10 - (TOTAL - PER_ADDRESS) });
    expect(answer.commandId).toBe(0x80000015);
    expect(again.accepted).toBe(true);
  });

  it("locks an address out after repeated wrong passwords, even for the right one, until the lockout ends", async () => {
    const attacker = "127.0.0.5";
    const bindFrom = async (address: string, password: string) => {
      const peer = await rawSmpp(f.gateway.smppPort, address);
      const status = await rawBind(peer, many.systemId, password);
      peer.destroy();
      return status;
    };
    const wrong: number[] = [];
    for (let i = 0; i < LOCKOUT_FAILURES; i++) wrong.push(await bindFrom(attacker, `bad${i}pw`));
    const lockedAt = performance.now();
    const rightWhileLocked = await bindFrom(attacker, many.password);
    const otherAddress = await bindFrom("127.0.0.6", many.password);
    await sleep(Math.max(0, LOCKOUT_MS - (performance.now() - lockedAt)) + 100);
    const rightAfterLockout = await bindFrom(attacker, many.password);
    const numbers = { lockoutFailures: LOCKOUT_FAILURES, lockoutMs: LOCKOUT_MS, wrongPasswordStatuses: wrong, rightWhileLocked, otherAddress, rightAfterLockout };
    report("abuse: password guessing lockout", numbers);
    expect(wrong).toEqual(Array(LOCKOUT_FAILURES).fill(CommandStatus.ESME_RINVPASWD));
    expect(rightWhileLocked).toBe(CommandStatus.ESME_RBINDFAIL);
    expect(otherAddress).toBe(0);
    expect(rightAfterLockout).toBe(0);
  });

  it("throttles one account's submit flood with ESME_RTHROTTLED without slowing another account", async () => {
    const RATE = 50;
    const flood = await createAccount(f.gateway, { spId: f.world.spA.id, systemId: "flood_sp", password: "fl123456", maxSubmitsPerSecond: RATE });
    const flooder: Esme = await connectEsme(f.gateway.smppPort, flood);
    const other: Esme = await connectEsme(f.gateway.smppPort, f.world.accountB);
    const measure = async (label: string, ms: number) => {
      const latencies: number[] = [];
      const statuses: Record<string, number> = {};
      const until = performance.now() + ms;
      // Paced at ≤ 1,000/s, well under the other account's own limit (5,000/s): on a fast, quiet
      // machine an unpaced loop exceeds it and is (rightly) throttled for its own sake.
      for (let n = 0; performance.now() < until; n++) {
        const t0 = performance.now();
        const result = await other.submit(bankMessage(`${label}${n}`));
        latencies.push(performance.now() - t0);
        statuses[result.status] = (statuses[result.status] ?? 0) + 1;
        const spare = 1 - (performance.now() - t0);
        if (spare > 0) await new Promise((resolve) => setTimeout(resolve, spare));
      }
      return { submits: latencies.length, perSecond: Math.round(latencies.length / (ms / 1000)), p50Ms: +percentile(latencies, 50).toFixed(2), p95Ms: +percentile(latencies, 95).toFixed(2), statuses };
    };
    const baseline = await measure("base", 1500);
    // The flood: 1,000 submits a second, 20 times the account's limit, for as long as the
    // measurement runs. (An unpaced flood from this same process would measure the test's own
    // CPU — client encoding, three peers on one thread — rather than the gateway's isolation.)
    const floodStatuses: Record<string, number> = {};
    const floodStarted = performance.now();
    let floodRunning = true;
    const floodLoop = (async () => {
      const pending: Promise<void>[] = [];
      for (let n = 0; floodRunning; ) {
        for (let i = 0; i < 50; i++) {
          pending.push(flooder.submit(cloudMessage(`flood${n++}`)).then((result) => void (floodStatuses[result.status] = (floodStatuses[result.status] ?? 0) + 1)));
        }
        await sleep(50);
      }
      await Promise.all(pending);
    })();
    const during = await measure("during", 1500);
    floodRunning = false;
    await floodLoop;
    const floodSeconds = (performance.now() - floodStarted) / 1000;
    await flooder.close();
    await other.close();
    const accepted = floodStatuses[0] ?? 0;
    const throttled = floodStatuses[CommandStatus.ESME_RTHROTTLED] ?? 0;
    const numbers = { rateLimitPerSecond: RATE, flood: { seconds: +floodSeconds.toFixed(2), accepted, throttled, statuses: floodStatuses }, otherAccount: { baseline, duringFlood: during } };
    report("abuse: submit flood throttled", numbers);
    // The flooder gets at most its rate (plus a one-second burst), the rest ESME_RTHROTTLED.
    expect(throttled).toBeGreaterThan(accepted * 5);
    expect(accepted).toBeLessThanOrEqual(RATE * (floodSeconds + 1) + 1);
    expect(accepted).toBeGreaterThan(0);
    expect(Object.keys(floodStatuses).sort()).toEqual(["0", String(CommandStatus.ESME_RTHROTTLED)].sort());
    // The other account is unaffected: all accepted, latency and throughput near its baseline.
    expect(Object.keys(during.statuses)).toEqual(["0"]);
    // Latency is the isolation measure: the flooder's refusals cost the other account nothing.
    // Throughput of a one-at-a-time client in this process also depends on the CPU the test
    // process gets (the flooding client runs here too, other test files run alongside), so it only
    // gets a sanity bound.
    expect(during.p50Ms).toBeLessThan(baseline.p50Ms * 3 + 5);
    expect(during.perSecond).toBeGreaterThan(baseline.perSecond * 0.2);
  });
});

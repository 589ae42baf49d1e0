/** The upstream pool against the simulator: forwarding, receipts, restarts, and never hanging. */
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator, type SimulatorOptions } from "../../../smpp/simulator/index.ts";
import { createUpstreamPool, UPSTREAM_UNAVAILABLE_STATUS, type UpstreamPool, type UpstreamPoolOptions } from "../../../smpp/upstream/pool.ts";
import { CommandStatus as S, encodeSubmitSm, receiptedMessageId, tlvBytes, type Pdu } from "../../../smpp/wire/index.ts";
import { ucs2, waitFor } from "../../helpers/raw-peer.ts";

let simulator: RunningSimulator | undefined;
let pool: UpstreamPool | undefined;
afterEach(async () => {
  await pool?.stop(300);
  pool = undefined;
  await simulator?.stop();
  simulator = undefined;
});

async function setup(poolOptions: Partial<UpstreamPoolOptions> = {}, simOptions: SimulatorOptions = {}) {
  simulator = await startSimulator({ receiptDelayMs: 20, receiptRetryMs: 50, ...simOptions });
  pool = createUpstreamPool({
    url: `smpp://gatekeeper:secret@127.0.0.1:${simulator.port}`, binds: 2, windowSize: 10, requestTimeoutMs: 500,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, onReceived: () => 0, ...poolOptions,
  });
  await pool.waitForBinds(poolOptions.binds ?? 2, 3000);
  return { simulator, pool };
}

const submitFrame = (to: string, text: string, registeredDelivery = 0) =>
  encodeSubmitSm(1234, { sourceAddr: "1069000012345", destinationAddr: to, dataCoding: 8, registeredDelivery, shortMessage: ucs2(text), tlvs: [tlvBytes(0x1401, new Uint8Array([7, 7]))] });

describe("upstream pool", () => {
  it("forwards the ESME's frame unchanged (vendor TLV kept) and returns the SMSC's message id", async () => {
    const { simulator, pool } = await setup();
    const frame = submitFrame("13800000001", "【示例】转发测试");
    const result = await pool.submit(frame);
    expect(result).toMatchObject({ status: 0, retryable: false });
    expect(result.messageId).toMatch(/^[0-9A-F]{8}$/);
    const got = simulator.received.all()[0]!;
    expect(got.text).toBe("【示例】转发测试");
    expect(got.tlvs).toEqual([{ tag: 0x1401, value: new Uint8Array([7, 7]) }]);
    expect(Buffer.from(frame.subarray(12, 16)).readUInt32BE(0)).toBe(1234); // the caller's frame is untouched
  });

  it("relays receipts to its handler and answers with the handler's status, so the SMSC redelivers", async () => {
    const received: Pdu[] = [];
    let answer: number = S.ESME_RX_T_APPN;
    const { simulator, pool } = await setup({ onReceived: (pdu) => (received.push(pdu), answer) });
    const { messageId } = await pool.submit(submitFrame("13800000002", "回执测试", 1));
    await waitFor(() => received.length === 1, 2000, "first receipt");
    answer = 0;
    await waitFor(() => simulator.stats().receiptsAcked === 1, 2000, "redelivered receipt acked");
    expect(received.length).toBe(2);
    const receipt = received[1]!;
    expect(receipt.command === "deliver_sm" && receiptedMessageId(receipt.body.tlvs)).toBe(messageId);
  });

  it("answers a retryable status at once when the SMSC is unreachable", async () => {
    simulator = await startSimulator();
    const port = simulator.port;
    await simulator.stop();
    simulator = undefined;
    pool = createUpstreamPool({ url: `smpp://gk:pw@127.0.0.1:${port}`, binds: 1, reconnect: { initialDelayMs: 1000 }, onReceived: () => 0 });
    const started = Date.now();
    const result = await pool.submit(submitFrame("13800000003", "hello"));
    expect(result).toEqual({ status: UPSTREAM_UNAVAILABLE_STATUS, retryable: true, failure: "no_bind" });
    expect(UPSTREAM_UNAVAILABLE_STATUS).toBe(S.ESME_RTHROTTLED);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it("rebinds after the SMSC restarts, and the message goes through exactly once", async () => {
    const { simulator, pool } = await setup();
    const downs: number[] = [];
    pool.on("bindDown", (i) => downs.push(i));
    await simulator.script.stopListener();
    await waitFor(() => pool.state().bindsUp === 0, 2000, "binds down");
    expect((await pool.submit(submitFrame("13800000004", "重启测试"))).failure).toBe("no_bind");
    await simulator.script.startListener();
    await pool.waitForBinds(2, 3000);
    expect(downs.sort()).toEqual([0, 1]);
    expect((await pool.submit(submitFrame("13800000004", "重启测试"))).status).toBe(0);
    expect(simulator.received.countByText("重启测试")).toBe(1);
  });

  it("resolves a submit the SMSC never answers with a retryable status after the timeout", async () => {
    const { pool } = await setup({ requestTimeoutMs: 150 }, { numbers: { "13800000005": { noResponse: true } } });
    const result = await pool.submit(submitFrame("13800000005", "无响应"));
    expect(result).toEqual({ status: S.ESME_RTHROTTLED, retryable: true, failure: "timeout" });
  });

  it("passes the SMSC's own refusals through, flagged retryable when they are", async () => {
    const { pool } = await setup({}, { numbers: { "13800000006": { status: S.ESME_RMSGQFUL }, "13800000007": { status: S.ESME_RINVDSTADR } } });
    expect(await pool.submit(submitFrame("13800000006", "x"))).toEqual({ status: S.ESME_RMSGQFUL, retryable: true });
    expect(await pool.submit(submitFrame("13800000007", "x"))).toEqual({ status: S.ESME_RINVDSTADR, retryable: false });
  });

  it("holds a submit briefly when windows are full, and refuses beyond the short queue", async () => {
    const { simulator, pool } = await setup({ binds: 1, windowSize: 1, queueLimit: 1, queueWaitMs: 1000 });
    simulator.script.delayAll(100);
    const first = pool.submit(submitFrame("13800000008", "1"));
    const second = pool.submit(submitFrame("13800000008", "2"));
    const third = await pool.submit(submitFrame("13800000008", "3"));
    expect(third).toMatchObject({ status: S.ESME_RTHROTTLED, failure: "window_full" });
    expect(pool.state()).toMatchObject({ inFlight: 1, queued: 1 });
    expect((await first).status).toBe(0);
    expect((await second).status).toBe(0);
  });

  it("gives up on a held submit after the queue wait", async () => {
    const { simulator, pool } = await setup({ binds: 1, windowSize: 1, queueWaitMs: 60 });
    simulator.script.delayAll(400);
    const first = pool.submit(submitFrame("13800000009", "1"));
    const started = Date.now();
    expect(await pool.submit(submitFrame("13800000009", "2"))).toMatchObject({ failure: "window_full", retryable: true });
    expect(Date.now() - started).toBeLessThan(300);
    expect((await first).status).toBe(0);
  });

  it("spreads submits over its binds", async () => {
    const { simulator, pool } = await setup({ binds: 3 });
    simulator.script.delayAll(30);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => pool.submit(submitFrame(`138000001${String(i).padStart(2, "0")}`, `m${i}`))));
    expect(results.every((r) => r.status === 0)).toBe(true);
    expect(simulator.stats().sessions).toBe(3);
    expect(pool.state()).toMatchObject({ bindsUp: 3, bindsTotal: 3, inFlight: 0 });
  });
});

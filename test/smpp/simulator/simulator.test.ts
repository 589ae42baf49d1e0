/** The SMSC simulator as the proxy's upstream sees it: ids, receipts, MO, and every scripted fault. */
import { afterEach, describe, expect, it } from "vitest";
import { connectSmpp, type SmppClient, type SmppClientOptions } from "../../../smpp/session/client.ts";
import { startSimulator, type RunningSimulator, type SimulatorOptions } from "../../../smpp/simulator/index.ts";
import { ucs2Decode } from "../../../smpp/simulator/text.ts";
import { CommandStatus as S, latin1, messageState, receiptedMessageId, type Pdu } from "../../../smpp/wire/index.ts";
import { nodeSmppCall, nodeSmppSession, ucs2, waitFor, type NodeSmppSession } from "../../helpers/raw-peer.ts";

let simulator: RunningSimulator | undefined;
const clients: SmppClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await simulator?.stop();
  simulator = undefined;
});

async function start(options: SimulatorOptions = {}) {
  simulator = await startSimulator({ receiptDelayMs: 20, ...options });
  return simulator;
}

async function client(extra: Partial<SmppClientOptions> = {}) {
  const c = await connectSmpp({ port: simulator!.port, systemId: "gk", password: "pw", requestTimeoutMs: 1000, ...extra });
  clients.push(c);
  return c;
}

const text = "【示例】您的订单已发货，回T退订";
const message = (to: string, registeredDelivery = 1) => ({ sourceAddr: "1069000012345", destinationAddr: to, dataCoding: 8, registeredDelivery, shortMessage: ucs2(text) });

describe("SMSC simulator", () => {
  it("accepts a submit with a hex message id and sends a DELIVRD receipt to the same bind", async () => {
    await start();
    const receipts: Pdu<"deliver_sm">[] = [];
    const c = await client({ onDeliverSm: (pdu) => (receipts.push(pdu), { status: 0 }) });
    const result = await c.submitSm(message("13800000001"));
    expect(result.status).toBe(0);
    expect(result.messageId).toMatch(/^[0-9A-F]{8}$/);
    await waitFor(() => receipts.length === 1, 2000, "receipt");
    const receipt = receipts[0]!.body;
    expect(receipt.esmClass).toBe(0x04);
    expect(receiptedMessageId(receipt.tlvs)).toBe(result.messageId);
    expect(messageState(receipt.tlvs)).toBe(2);
    expect(latin1(receipt.shortMessage, 0, receipt.shortMessage.length)).toMatch(
      new RegExp(`^id:${result.messageId} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:`),
    );
    expect(receipt).toMatchObject({ sourceAddr: "13800000001", destinationAddr: "1069000012345" });
    expect(simulator!.received.countByText(text)).toBe(1);
    await waitFor(() => simulator!.stats().receiptsAcked === 1);
  });

  it("writes the receipt id in decimal when asked, as some SMSCs do", async () => {
    await start({ receiptIdFormat: "decimal" });
    const receipts: string[] = [];
    const c = await client({ onDeliverSm: (pdu) => (receipts.push(latin1(pdu.body.shortMessage, 0, pdu.body.shortMessage.length)), { status: 0 }) });
    const { messageId } = await c.submitSm(message("13800000002"));
    await waitFor(() => receipts.length === 1);
    expect(receipts[0]).toContain(`id:${parseInt(messageId, 16)} `);
  });

  it("scripts numbers: late, never, throttled, queue full, undelivered", async () => {
    await start({
      numbers: {
        "13800000010": { delayMs: 200 },
        "13800000011": { noResponse: true },
        "13800000012": { status: S.ESME_RTHROTTLED },
        "13800000013": { status: S.ESME_RMSGQFUL },
        "13800000014": { receipt: "UNDELIV", receiptErr: "013" },
      },
    });
    const receipts: string[] = [];
    const c = await client({ requestTimeoutMs: 300, onDeliverSm: (pdu) => (receipts.push(latin1(pdu.body.shortMessage, 0, pdu.body.shortMessage.length)), { status: 0 }) });
    const startedAt = Date.now();
    expect((await c.submitSm(message("13800000010"))).status).toBe(0);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(180);
    await expect(c.submitSm(message("13800000011"))).rejects.toMatchObject({ reason: "timeout" });
    expect((await c.submitSm(message("13800000012"))).status).toBe(S.ESME_RTHROTTLED);
    expect((await c.submitSm(message("13800000013"))).status).toBe(S.ESME_RMSGQFUL);
    expect((await c.submitSm(message("13800000014"))).status).toBe(0);
    await waitFor(() => receipts.some((r) => r.includes("stat:UNDELIV err:013")), 2000, "UNDELIV receipt");
    expect(simulator!.stats()).toMatchObject({ refused: 2, unanswered: 1 });
  });

  it("switches at run time: refuse binds, throttle all, delay all, stop answering", async () => {
    await start();
    const c = await client({ requestTimeoutMs: 300 });
    simulator!.script.refuseBinds();
    await expect(client()).rejects.toMatchObject({ status: S.ESME_RBINDFAIL });
    simulator!.script.refuseBinds(false);
    simulator!.script.throttleAll();
    expect((await c.submitSm(message("13800000020"))).status).toBe(S.ESME_RTHROTTLED);
    simulator!.script.throttleAll(false);
    simulator!.script.delayAll(150);
    const t = Date.now();
    expect((await c.submitSm(message("13800000020"))).status).toBe(0);
    expect(Date.now() - t).toBeGreaterThanOrEqual(130);
    simulator!.script.delayAll(0);
    simulator!.script.stopAnswering();
    await expect(c.submitSm(message("13800000020"))).rejects.toMatchObject({ reason: "timeout" });
    simulator!.script.stopAnswering(false);
    expect((await c.submitSm(message("13800000020"))).status).toBe(0);
  });

  it("drops all links, and stops and restarts its listener on the same port", async () => {
    await start();
    const c = await client();
    const closed = new Promise<string>((resolve) => c.connection.once("close", resolve));
    simulator!.script.dropAllLinks();
    await closed;
    const port = simulator!.port;
    await simulator!.script.stopListener();
    await expect(client()).rejects.toThrow();
    await simulator!.script.startListener();
    expect(simulator!.port).toBe(port);
    expect((await (await client()).submitSm(message("13800000030"))).status).toBe(0);
  });

  it("redelivers a receipt the ESME could not take", async () => {
    await start({ receiptRetryMs: 50 });
    let answers = 0;
    const c = await client({ onDeliverSm: () => ({ status: ++answers === 1 ? S.ESME_RX_T_APPN : 0 }) });
    await c.submitSm(message("13800000040"));
    await waitFor(() => simulator!.stats().receiptsAcked === 1, 2000, "redelivered receipt");
    expect(simulator!.stats().receiptsRetried).toBe(1);
    expect(answers).toBe(2);
  });

  it("keeps retrying an unacknowledged receipt past five tries, with a growing back-off, as an SMSC does", async () => {
    await start({ receiptRetryMs: 20, receiptRetryMaxMs: 200 });
    const answeredAt: number[] = [];
    // Refuses the receipt eight times (an SMSC's ESME that is not ready), then takes it.
    const c = await client({ onDeliverSm: () => ({ status: answeredAt.push(Date.now()) <= 8 ? S.ESME_RX_T_APPN : 0 }) });
    await c.submitSm(message("13800000041"));
    await waitFor(() => simulator!.stats().receiptsAcked === 1, 5000, "receipt acked after nine tries");
    expect(answeredAt).toHaveLength(9);
    expect(simulator!.stats()).toMatchObject({ receiptsRetried: 8, receiptsAbandoned: 0 });
    const gaps = answeredAt.slice(1).map((t, i) => t - answeredAt[i]!);
    // 20, 40, 80, 160, then capped at 200 ms (timer slack aside).
    expect(gaps[0]!).toBeLessThan(gaps[3]!);
    expect(Math.max(...gaps)).toBeLessThan(400);
    expect(gaps[7]!).toBeGreaterThanOrEqual(190);
  });

  it("waits for room in the receiver's window instead of counting a full window as a failed try", async () => {
    // Window 2, five tries at most: before, 40 receipts to a slow receiver lost most of them.
    await start({ windowSize: 2, receiptMaxAttempts: 5, receiptRetryMs: 1000 });
    let taken = 0;
    const c = await client({ windowSize: 100, onDeliverSm: async () => (await new Promise((resolve) => setTimeout(resolve, 10)), taken++, { status: 0 }) });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => c.submitSm(message(`138000001${String(i).padStart(2, "0")}`))));
    expect(results.every((r) => r.status === 0)).toBe(true);
    await waitFor(() => simulator!.stats().receiptsAcked === 40, 5000, "40 receipts acked");
    expect(taken).toBe(40);
    expect(simulator!.stats()).toMatchObject({ receiptsRetried: 0, receiptsAbandoned: 0 });
  });

  it("sends MO from a national mobile number with TON 2 and an unknown form with TON 0, an international one with TON 1", async () => {
    await start();
    const mo: Pdu<"deliver_sm">[] = [];
    await client({ mode: "receiver", onDeliverSm: (pdu) => (mo.push(pdu), { status: 0 }) });
    expect(await simulator!.inject({ from: "13800000051", to: "1069000012345", text: "T" })).toBe(0);
    expect(await simulator!.inject({ from: "8613800000052", to: "1069000012345", text: "T" })).toBe(0);
    expect(await simulator!.inject({ from: "10086", to: "1069000012345", text: "T" })).toBe(0);
    expect(mo.map((p) => [p.body.sourceAddr, p.body.sourceAddrTon, p.body.sourceAddrNpi])).toEqual([
      ["13800000051", 2, 1],
      ["8613800000052", 1, 1],
      ["10086", 0, 1],
    ]);
  });

  it("checks credentials and injects MO to a node-smpp receiver", async () => {
    await start({ accounts: { sp_mo: "pw" } });
    const esme: NodeSmppSession = await nodeSmppSession(simulator!.port);
    const mo: NodeSmppSession[] = [];
    esme.on("deliver_sm", (pdu: NodeSmppSession) => {
      mo.push(pdu);
      esme.send(pdu.response());
    });
    expect((await nodeSmppCall(esme, "bind_receiver", { system_id: "sp_mo", password: "nope" })).command_status).toBe(S.ESME_RINVPASWD);
    expect((await nodeSmppCall(esme, "bind_receiver", { system_id: "sp_mo", password: "pw" })).command_status).toBe(0);
    expect(await simulator!.inject({ from: "13800000050", to: "10690000123451", text: "退订", systemId: "sp_mo" })).toBe(0);
    expect(mo[0].short_message.message).toBe("退订");
    expect(mo[0]).toMatchObject({ source_addr: "13800000050", destination_addr: "10690000123451", data_coding: 8 });
    esme.destroy();
    await expect(client()).rejects.toMatchObject({ status: S.ESME_RINVSYSID });
  });

  it("records accepted messages with text decoded for counting", async () => {
    await start();
    const c = await client();
    await c.submitSm(message("13800000070"));
    await c.submitSm(message("13800000071"));
    await c.submitSm({ destinationAddr: "13800000072", shortMessage: Buffer.from("plain ascii") });
    expect(simulator!.received.count).toBe(3);
    expect(simulator!.received.countByText(text)).toBe(2);
    expect(simulator!.received.countBy((m) => m.destinationAddr).get("13800000072")).toBe(1);
    expect(ucs2Decode(ucs2("验证"))).toBe("验证");
  });
});

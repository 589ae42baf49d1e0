/**
 * Long messages, the link, and deliveries while the SP is away, over real sockets: 8- and 16-bit
 * UDH and Pk_total/Pk_number parts reassembled and judged whole, ACTIVE_TEST both ways and a dead
 * link dropped, TERMINATE, and a status report stored while the SP is not connected and delivered
 * when it connects again.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { activeTestFrame, activeTestRespFrame, ID, terminateFrame, type Version } from "../spec-client.ts";
import { base, connectSp, startCmppWorld, takeDeliver, ucs2, type CmppWorld } from "./cmpp-world.ts";

let w: CmppWorld;
beforeAll(async () => {
  w = await startCmppWorld({ CMPP_ACTIVE_TEST_INTERVAL_MS: "300", CMPP_ACTIVE_TEST_TIMEOUT_MS: "200", CMPP_DELIVER_TIMEOUT_MS: "300" });
}, 120_000);
afterAll(async () => {
  await w?.close();
});

const udh8 = (ref: number, total: number, seq: number) => Buffer.from([5, 0, 3, ref, total, seq]);
const udh16 = (ref: number, total: number, seq: number) => Buffer.from([6, 8, 4, ref >> 8, ref & 0xff, total, seq]);

it.each([
  ["8-bit UDH", 3 as Version, (seq: number) => ({ tpUdhi: 1, content: (t: string) => Buffer.concat([udh8(0x31, 2, seq), ucs2(t)]) })],
  ["16-bit UDH", 2 as Version, (seq: number) => ({ tpUdhi: 1, content: (t: string) => Buffer.concat([udh16(0x1234, 2, seq), ucs2(t)]) })],
  ["Pk_total/Pk_number alone", 2 as Version, () => ({ tpUdhi: 0, content: (t: string) => ucs2(t) })],
])("reassembles a long message sent with %s and judges the whole text", async (_name, version, shape) => {
  const client = await connectSp(w.port, version);
  const destination = `1380013${2000 + Math.floor(Math.random() * 7000)}`;
  // The signature is only in part 1; part 2 alone would be refused (no signature) if judged on its own.
  const parts = ["【云端科技】您的快递已到达小区东门驿站，", "请凭取件码8866在今天18点前取件。"];
  const answers = await Promise.all(parts.map((text, index) => {
    const s = shape(index + 1);
    return client.submit(300 + index, version, { ...base, pkTotal: 2, pkNumber: index + 1, tpUdhi: s.tpUdhi, dest: [destination], content: s.content(text) });
  }));
  expect(answers.map((a) => a.result)).toEqual([0, 0]);
  expect(answers[0]!.msgId).not.toBe(answers[1]!.msgId);
  const sent = w.gateway.simulator!.received.all().filter((m) => m.destinationAddr === destination);
  expect(sent).toHaveLength(2);
  for (const part of sent) expect(part.esmClass & 0x40).toBe(shape(1).tpUdhi ? 0x40 : 0);
  client.close();
});

it("accepts a marketing message whose opt-out hint is only in its last part (judged whole, not per part)", async () => {
  const client = await connectSp(w.port, 3);
  // Part 1 alone is marketing without 回T退订 (opt_out_hint_missing); the whole message has it.
  const parts = ["【云端商城】会员日全场8折，", "回T退订"];
  const answers = await Promise.all(parts.map((text, index) => client.submit(310 + index, 3, { ...base, serviceId: "MKT", tpUdhi: 1, pkTotal: 2, pkNumber: index + 1, dest: ["13800139001"], content: Buffer.concat([udh8(0x44, 2, index + 1), ucs2(text)]) })));
  expect(answers.map((a) => a.result)).toEqual([0, 0]);
  const alone = await client.submit(312, 3, { ...base, serviceId: "MKT", dest: ["13800139003"], content: ucs2(parts[0]!) });
  expect(alone.result).not.toBe(0);
  client.close();
});

it("answers the SP's ACTIVE_TEST, probes a silent SP, and drops a link that stops answering", async () => {
  const client = await connectSp(w.port, 2);
  client.send(activeTestFrame(900));
  const response = await client.next((f) => f.commandId === ID.ACTIVE_TEST_RESP && f.sequenceId === 900);
  expect(response.body.length).toBe(1);
  // Silent for C = 300 ms: the gateway probes; we answer once, then stop answering.
  const probe = await client.next((f) => f.commandId === ID.ACTIVE_TEST, 2000);
  client.send(activeTestRespFrame(probe.sequenceId));
  await client.next((f) => f.commandId === ID.ACTIVE_TEST, 2000);
  const started = Date.now();
  await client.closedPromise;
  expect(Date.now() - started).toBeLessThan(3000);
});

it("TERMINATE from the SP is answered and the link closes", async () => {
  const client = await connectSp(w.port, 3);
  client.send(terminateFrame(901));
  await client.next((f) => f.commandId === ID.TERMINATE_RESP && f.sequenceId === 901);
  await client.closedPromise;
});

it("keeps a status report for an SP that is away and delivers it when it connects again", async () => {
  const client = await connectSp(w.port, 2);
  const answer = await client.submit(320, 2, { ...base, registeredDelivery: 1, dest: ["13800139002"], content: ucs2("【云端科技】您的订单已发货") });
  expect(answer.result).toBe(0);
  client.close(); // gone before the receipt comes back (the simulator sends it after 20 ms)
  await new Promise((resolve) => setTimeout(resolve, 500));
  const again = await connectSp(w.port, 3); // back over the other version: stored reports are version-neutral
  const report = await takeDeliver(again, 3, (d) => d.registeredDelivery === 1 && d.report?.destTerminalId === "13800139002");
  expect(report.report).toMatchObject({ msgId: answer.msgId, stat: "DELIVRD" });
  again.close();
});

/**
 * An SP over CMPP 2.0 and 3.0, end to end over real sockets: CONNECT, SUBMIT judged by the same
 * policy as SMPP, forwarded to the SMSC simulator as submit_sm, and the status report back with the
 * Msg_Id the SP was given.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unpackMsgId } from "../../../cmpp/wire/msg-id.ts";
import { chinaTimestamp, SpecClient, type Version } from "../spec-client.ts";
import { base, connectSp, gbk, GATEWAY_CODE, SP_CODE, SP_SECRET, startCmppWorld, takeDeliver, ucs2, type CmppWorld } from "./cmpp-world.ts";

let w: CmppWorld;
beforeAll(async () => {
  w = await startCmppWorld();
}, 120_000);
afterAll(async () => {
  await w?.close();
});

describe.each([2, 3] as Version[])("CMPP %d.0", (version) => {
  it("accepts CONNECT with a good authenticator and signs AuthenticatorISMG per the spec", async () => {
    const client = await SpecClient.open(w.port);
    const answer = await client.connect({ sourceAddr: SP_CODE, secret: SP_SECRET, versionByte: version === 2 ? 0x20 : 0x30, timestamp: chinaTimestamp(Date.now()) });
    expect(answer.status).toBe(0);
    expect(Buffer.from(answer.authIsmg).equals(answer.expectedAuth)).toBe(true);
    expect(answer.version).toBe(version === 2 ? 0x20 : 0x30);
    client.close();
  });

  it("forwards an accepted UCS2 message as submit_sm and returns its status report under the SP's Msg_Id", async () => {
    const client = await connectSp(w.port, version);
    const destination = version === 2 ? "13800130001" : "13800130002";
    const text = `【云端科技】您的验证码是${version}12345，5分钟内有效`;
    const answer = await client.submit(10, version, { ...base, serviceId: "VER", registeredDelivery: 1, dest: [destination], content: ucs2(text) });
    expect(answer.result).toBe(0);
    expect(unpackMsgId(answer.msgId).gatewayCode).toBe(GATEWAY_CODE);
    const sent = w.gateway.simulator!.received.all().find((m) => m.destinationAddr === destination)!;
    expect(sent).toMatchObject({ sourceAddr: "10690001", dataCoding: 8, registeredDelivery: 1, text });
    const report = await takeDeliver(client, version, (d) => d.registeredDelivery === 1);
    expect(report.report).toMatchObject({ msgId: answer.msgId, stat: "DELIVRD", destTerminalId: destination });
    expect(report.destId).toBe("10690001");
    expect(report.report!.submitTime).toMatch(/^\d{10}$/);
    client.close();
  });
});

it("reads GBK (Msg_Fmt 15) and forwards it with data_coding 15", async () => {
  const client = await connectSp(w.port, 2);
  const text = "【云端科技】您的订单已发货，请注意查收";
  const answer = await client.submit(11, 2, { ...base, msgFmt: 15, dest: ["13800130003"], content: gbk(text) });
  expect(answer.result).toBe(0);
  const sent = w.gateway.simulator!.received.all().find((m) => m.destinationAddr === "13800130003")!;
  expect(sent.dataCoding).toBe(15);
  // The simulator shows bytes that are not UCS2 as latin1: the octets must be the SP's GBK, unchanged.
  expect(Buffer.from(sent.text, "latin1").equals(gbk(text))).toBe(true);
  client.close();
});

it("sends no status report when Registered_Delivery is 0", async () => {
  const client = await connectSp(w.port, 2);
  const answer = await client.submit(12, 2, { ...base, registeredDelivery: 0, dest: ["13800130004"], content: ucs2("【云端科技】您的订单已发货") });
  expect(answer.result).toBe(0);
  expect(w.gateway.simulator!.received.all().find((m) => m.destinationAddr === "13800130004")!.registeredDelivery).toBe(0);
  await expect(takeDeliver(client, 2, () => true, 800)).rejects.toThrow(/no matching frame/);
  client.close();
});

it("judges DestUsr_tl > 1 per destination: a refused one gets a GK: status report, the others go on", async () => {
  const client = await connectSp(w.port, 3);
  // 13800130006 replies "T" to a marketing message of 云端科技 from this port: it opts out.
  const first = await client.submit(20, 3, { ...base, serviceId: "MKT", dest: ["13800130006"], content: ucs2("【云端商城】会员日全场8折，回T退订") });
  expect(first.result).toBe(0);
  const injected = w.gateway.simulator!.injectMo({ from: "13800130006", to: "10690001", text: "T" });
  const mo = await takeDeliver(client, 3, (d) => d.registeredDelivery === 0);
  expect(await injected).toBe(0);
  expect(mo).toMatchObject({ destId: "10690001", srcTerminalId: "13800130006" });
  expect(mo.content.toString("latin1")).toBe("T");
  const answer = await client.submit(21, 3, { ...base, serviceId: "MKT", registeredDelivery: 1, dest: ["13800130006", "13800130007"], content: ucs2("【云端优选】新品上市，限时特价，回T退订") });
  expect(answer.result).toBe(0);
  const reports = [await takeDeliver(client, 3, (d) => d.registeredDelivery === 1), await takeDeliver(client, 3, (d) => d.registeredDelivery === 1)];
  const byDest = new Map(reports.map((r) => [r.report!.destTerminalId, r.report!]));
  expect(byDest.get("13800130006")).toMatchObject({ msgId: answer.msgId, stat: "GK:0129" }); // recipient_opted_out 0x441 → 64 + 0x41 = 129
  expect(byDest.get("13800130007")).toMatchObject({ msgId: answer.msgId, stat: "DELIVRD" });
  expect(w.gateway.simulator!.received.all().filter((m) => m.text.includes("新品上市")).map((m) => m.destinationAddr)).toEqual(["13800130007"]);
  client.close();
});

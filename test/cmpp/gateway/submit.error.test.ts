/**
 * Every refusal an SP can provoke over CMPP, over real sockets: the SUBMIT_RESP Result is the one the
 * README's table gives its reason (cmpp/gateway/results.ts), the journal names the reason, and
 * nothing reaches the SMSC. Plus the SMSC's own answers (throttled, refused) and an UNDELIV report.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { submitResultFor, UPSTREAM_REFUSED_RESULT } from "../../../cmpp/gateway/results.ts";
import type { ReasonCode } from "../../../src/policy/reasons.ts";
import { waitFor } from "../../helpers/world.ts";
import type { SpecClient, SubmitSpec } from "../spec-client.ts";
import { base, connectSp, startCmppWorld, takeDeliver, ucs2, type CmppWorld } from "./cmpp-world.ts";

let w: CmppWorld;
let client: SpecClient;
let seq = 100;
let phone = 13800131000;
beforeAll(async () => {
  w = await startCmppWorld({ SMPP_CONCAT_TIMEOUT_MS: "400" });
  client = await connectSp(w.port, 3);
}, 120_000);
afterAll(async () => {
  client?.close();
  await w?.close();
});

const otp = ucs2("【云端科技】您的验证码是123456，5分钟内有效");
const cases: { name: string; reason: ReasonCode; result?: number; spec: Partial<SubmitSpec> }[] = [
  { name: "a source port no SP owns", reason: "port_unknown", spec: { srcId: "10699999" } },
  { name: "another SP's port", reason: "port_not_owned", spec: { srcId: "10690002" } },
  { name: "no signature", reason: "signature_missing", spec: { content: ucs2("您的验证码是123456") } },
  { name: "an unregistered signature", reason: "signature_unregistered", spec: { content: ucs2("【无名公司】您的验证码是123456") } },
  { name: "another SP's enterprise's signature (sublet)", reason: "sublet_no_contract", spec: { content: ucs2("【星河银行】您的验证码是123456") } },
  { name: "Msg_src naming another SP (sublet, Result 11)", reason: "sublet_no_contract", result: 11, spec: { msgSrc: "902222" } },
  { name: "marketing under a notification Service_Id", reason: "scope_exceeded", spec: { serviceId: "NTF", content: ucs2("【云端科技】双11大促，全场5折，回T退订") } },
  { name: "an invalid destination", reason: "invalid_destination", spec: { dest: ["12ab"] } },
  { name: "binary Msg_Fmt 4", reason: "undecodable_text", spec: { msgFmt: 4 } },
  { name: "At_Time (judged now, sent later)", reason: "scheduled_delivery", spec: { atTime: "261231235959032+" } },
  { name: "a silent message (TP_pId 0x40)", reason: "message_ambiguous", spec: { tpPid: 0x40 } },
  { name: "UDH part numbers that contradict Pk_number", reason: "message_ambiguous", spec: { tpUdhi: 1, pkTotal: 2, pkNumber: 1, content: Buffer.concat([Buffer.from([5, 0, 3, 9, 2, 2]), otp]) } },
];

it.each(cases)("refuses $name with its Result and journals $reason", async ({ reason, result, spec }) => {
  const destination = String(phone++);
  const answer = await client.submit(seq++, 3, { ...base, dest: [destination], content: otp, ...spec });
  expect(answer.result).toBe(result ?? submitResultFor(reason));
  await waitFor(async () => {
    const rows = await w.gateway.api.get<{ items: { reason: string; command: string }[] }>(`/rejections?reason=${reason}&limit=100`);
    return rows.items.some((r) => r.command === "cmpp_submit");
  }, 5000, `${reason} journaled`);
  expect(w.gateway.simulator!.received.all().some((m) => m.destinationAddr === destination)).toBe(false);
});

it("refuses every part of a long message whose other parts never come (concatenation_incomplete)", async () => {
  const udh = Buffer.from([5, 0, 3, 0x21, 3, 1]);
  // The answer comes when the gateway's sweep (every 500 ms) finds the set older than 400 ms. The
  // client's usual 3 s wait timed out once while benchmarks shared the two cores: what is held
  // here is the answer, not its timing, so the wait is longer.
  const answer = await client.submit(seq++, 3, { ...base, tpUdhi: 1, pkTotal: 3, pkNumber: 1, dest: ["13800131900"], content: Buffer.concat([udh, ucs2("【云端科技】第一部分")]) }, 15_000);
  expect(answer.result).toBe(submitResultFor("concatenation_incomplete"));
});

it("answers flow control (8) when the SMSC throttles, and 99 when the SMSC refuses", async () => {
  w.gateway.simulator!.script.number("13800131950", { status: 0x58 });
  w.gateway.simulator!.script.number("13800131951", { status: 0x45 });
  expect((await client.submit(seq++, 3, { ...base, dest: ["13800131950"], content: otp })).result).toBe(8);
  expect((await client.submit(seq++, 3, { ...base, dest: ["13800131951"], content: otp })).result).toBe(UPSTREAM_REFUSED_RESULT);
});

it("carries the SMSC's UNDELIV into the status report's Stat", async () => {
  w.gateway.simulator!.script.number("13800131960", { receipt: "UNDELIV" });
  const answer = await client.submit(seq++, 3, { ...base, registeredDelivery: 1, dest: ["13800131960"], content: otp });
  expect(answer.result).toBe(0);
  const report = await takeDeliver(client, 3, (d) => d.report?.destTerminalId === "13800131960");
  expect(report.report).toMatchObject({ msgId: answer.msgId, stat: "UNDELIV" });
});

it("declares the category through the operator's Service_Id mapping (policy settings)", async () => {
  const settings = await w.gateway.api.get<Record<string, unknown>>("/settings/policy");
  expect(settings.serviceIdCategories).toEqual({});
  const bad = await w.gateway.api.put("/settings/policy", { ...settings, serviceIdCategories: { JSYZM: "spam" }, reason: "test" }).catch((error) => error);
  expect(bad.status).toBe(422);
  await w.gateway.api.put("/settings/policy", { ...settings, serviceIdCategories: { JSYZM: "marketing" }, reason: "test: CMPP Service_Id mapping" });
  await waitFor(() => w.gateway.registry.snapshot.settings.serviceIdCategories?.JSYZM === "marketing", 3000, "mapping in the snapshot");
  // 【云端科技】 is approved for verification and notification: declared marketing through JSYZM, it is out of scope.
  const mapped = await client.submit(seq++, 3, { ...base, serviceId: "JSYZM", dest: ["13800131970"], content: otp });
  expect(mapped.result).toBe(submitResultFor("scope_exceeded"));
  const unmapped = await client.submit(seq++, 3, { ...base, serviceId: "VER", dest: ["13800131971"], content: otp });
  expect(unmapped.result).toBe(0);
});

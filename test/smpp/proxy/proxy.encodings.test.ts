import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DemoWorld } from "../../../demo/seed.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { buildConcatUdh, encodeText } from "../../../src/text/index.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

let gateway: TestGateway;
let world: DemoWorld;
let esme: Esme;

beforeEach(async () => {
  gateway = await startTestGateway({ env: { SMPP_CONCAT_TIMEOUT_MS: "600" } });
  world = await seedAndSync(gateway);
  esme = await connectEsme(gateway.smppPort, world.accountA);
});
afterEach(async () => {
  await esme.close();
  await gateway.close();
});

function ucs2Parts(text: string, perPart: number, ref: number): Buffer[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += perPart) chunks.push(text.slice(i, i + perPart));
  return chunks.map((chunk, index) => Buffer.concat([buildConcatUdh(ref, chunks.length, index + 1, 8), encodeText(chunk, 8)]));
}

describe("text encodings and long messages", () => {
  it("judges a long UCS2 message split in three parts with the signature only in the first, and forwards all parts", async () => {
    const text = `【云端商城】${"年终盛典，全场商品限时特价，会员专享多重好礼，".repeat(6)}拒收请回复R`;
    const parts = ucs2Parts(text, 67, 42);
    expect(parts).toHaveLength(3);
    const results = await Promise.all(
      parts.map((part) => esme.submit({ source_addr: "1069000101", destination_addr: "13800000011", service_type: "MKT", esm_class: 0x40, data_coding: 8, short_message: part })),
    );
    expect(results.map((r) => r.status)).toEqual([0, 0, 0]);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(3);
    expect(gateway.simulator!.received.count).toBe(3);
  });

  it("refuses every part of a long message whose whole text is out of scope", async () => {
    const text = `【云端科技】${"双十一大促，全场五折，领取优惠券，".repeat(8)}回T退订`;
    const parts = ucs2Parts(text, 67, 43);
    const results = await Promise.all(parts.map((part) => esme.submit({ source_addr: "1069000101", destination_addr: "13800000012", esm_class: 0x40, data_coding: 8, short_message: part })));
    expect(results.map((r) => r.status)).toEqual(parts.map(() => commandStatusFor("scope_exceeded")));
    expect(gateway.simulator!.received.count).toBe(0);
  });

  it("answers held parts of an incomplete message with concatenation_incomplete after the timeout", async () => {
    const parts = ucs2Parts(`【云端科技】${"您的订单已发货，请注意查收。".repeat(12)}`, 67, 44);
    const started = Date.now();
    const result = await esme.submit({ source_addr: "1069000101", destination_addr: "13800000013", esm_class: 0x40, data_coding: 8, short_message: parts[0] });
    expect(result.status).toBe(commandStatusFor("concatenation_incomplete"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(gateway.simulator!.received.count).toBe(0);
  });

  it("decodes GBK (data_coding 15), UCS2 with surrogate pairs, and the message_payload TLV of data_sm-style submits", async () => {
    const gbk = await esme.submit({ source_addr: "1069000101", destination_addr: "13800000014", data_coding: 15, short_message: iconv.encode("【云端科技】您的验证码是 906512。", "gbk") });
    expect(gbk.status).toBe(0);
    const emoji = await esme.submit({ source_addr: "1069000101", destination_addr: "13800000015", data_coding: 8, short_message: Buffer.from(encodeText("【云端科技】您的包裹已签收 📦", 8)) });
    expect(emoji.status).toBe(0);
    const payload = await esme.submit({ source_addr: "1069000101", destination_addr: "13800000016", data_coding: 8, short_message: Buffer.alloc(0), message_payload: Buffer.from(encodeText("【云端科技】验证码 771203，请勿泄露。", 8)) });
    expect(payload.status).toBe(0);
    const lone = await esme.submit({ source_addr: "1069000101", destination_addr: "13800000017", data_coding: 8, short_message: Buffer.from([0xd8, 0x3d, 0x00, 0x41]) });
    expect(lone.status).toBe(commandStatusFor("undecodable_text"));
    await waitFor(() => gateway.simulator!.received.count === 3);
  });

  it("recognises the signature through full-width letters and zero-width characters", async () => {
    const result = await esme.submit({ source_addr: "1069000101", destination_addr: "13800000018", data_coding: 8, short_message: Buffer.from(encodeText("【 云端\u200B科技 】您的验证码是 112233。", 8)) });
    expect(result.status).toBe(0);
  });
});

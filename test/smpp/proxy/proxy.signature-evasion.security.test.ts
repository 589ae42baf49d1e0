import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoWorld } from "../../../demo/seed.ts";
import { commandStatusFor, type ReasonCode } from "../../../src/policy/reasons.ts";
import { buildConcatUdh, encodeText } from "../../../src/text/index.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync } from "../../helpers/world.ts";

/**
 * Issue 11 items 2, 4 and 10 end to end: node-smpp as the SP's ESME, the whole gateway in process.
 * SP A (port 10690001) holds 【云端科技】 (verification, notification) and 【云端商城】 (marketing)
 * of 云端科技有限公司; 13800000091 opted out of that enterprise through the API.
 */
let gateway: TestGateway;
let world: DemoWorld;
let esme: Esme;
const OPTED_OUT = "13800000091";

beforeAll(async () => {
  gateway = await startTestGateway();
  world = await seedAndSync(gateway);
  await gateway.api.post("/opt-outs", { msisdn: OPTED_OUT, enterpriseId: world.cloud.id, source: "api" });
  esme = await connectEsme(gateway.smppPort, world.accountA);
});
afterAll(async () => {
  await esme.close();
  await gateway.close();
});

async function submit(text: string, serviceType: string, destination = "13800000090") {
  return esme.submit({
    source_addr: "10690001",
    destination_addr: destination,
    service_type: serviceType,
    data_coding: 8,
    short_message: Buffer.from(encodeText(text, 8)),
  });
}

async function journaled(reason: ReasonCode) {
  await gateway.journal.flush();
  return (await gateway.api.get<{ items: { reason: string; signatureText: string | null; recipientMask: string }[] }>(`/rejections?reason=${reason}`)).items;
}

describe("signature and classification evasions over SMPP (security)", () => {
  it("refuses a stacked signature 【A】【A】【B】 with signature_multiple and journals both texts", async () => {
    const result = await submit("【云端科技】【云端科技】【云端商城】您的验证码是 123456。", "VER");
    expect(result.status).toBe(commandStatusFor("signature_multiple"));
    const rows = await journaled("signature_multiple");
    expect(rows.map((row) => row.signatureText)).toContain("云端科技 / 云端科技");
  });

  it("refuses a trailing signature followed by punctuation after a leading one, and an emoji-tailed one", async () => {
    expect((await submit("【云端科技】您的验证码是 123456【云端商城】。", "VER")).status).toBe(commandStatusFor("signature_multiple"));
    expect((await submit("【云端科技】您的验证码是 123456〖云端商城〗😀", "VER")).status).toBe(commandStatusFor("signature_multiple"));
    const rows = await journaled("signature_multiple");
    expect(rows.map((row) => row.signatureText)).toContain("云端科技 / 云端商城");
  });

  it("journals the text of an unregistered signature", async () => {
    expect((await submit("【雲端科技集团】您的验证码是 123456。", "VER")).status).toBe(commandStatusFor("signature_unregistered"));
    expect((await journaled("signature_unregistered")).map((row) => row.signatureText)).toContain("雲端科技集团");
  });

  it("reads traditional-Chinese marketing declared VER as marketing: out of scope under 【云端科技】", async () => {
    const result = await submit("【云端科技】會員專屬：限時特價，搶購紅包", "VER");
    expect(result.status).toBe(commandStatusFor("scope_exceeded"));
  });

  it("and refuses it to an opted-out recipient under the marketing signature 【云端商城】", async () => {
    const result = await submit("【云端商城】會員專屬：限時特價，搶購紅包，回T退訂", "VER", OPTED_OUT);
    expect(result.status).toBe(commandStatusFor("recipient_opted_out"));
    expect((await journaled("recipient_opted_out")).map((row) => row.recipientMask)).toContain("138****0091");
  });

  it("refuses separator, spaced-letter and emoji evasions declared VER to the opted-out recipient", async () => {
    for (const body of ["优-惠来袭：限.时特.价", "S A L E 50 percent off", "全场半价…", "红😀包 抢😀购"]) {
      const result = await submit(`【云端商城】${body} 回T退订`, "VER", OPTED_OUT);
      expect(result.status, body).toBe(commandStatusFor("recipient_opted_out"));
    }
  });

  it("refuses a second tag hidden in the last part of a concatenated message (splitting)", async () => {
    const thanks = "感谢您的使用，祝您生活愉快。".repeat(2);
    const text = `【云端科技】您的验证码是 482913，5分钟内有效，请勿泄露。${thanks}【云端商城】${thanks}`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 40) chunks.push(text.slice(i, i + 40));
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks[0]).not.toContain("云端商城"); // the second tag is only in a later part
    const results = await Promise.all(
      chunks.map((chunk, index) =>
        esme.submit({
          source_addr: "10690001",
          destination_addr: "13800000092",
          service_type: "VER",
          esm_class: 0x40,
          data_coding: 8,
          short_message: Buffer.concat([buildConcatUdh(77, chunks.length, index + 1, 8), Buffer.from(encodeText(chunk, 8))]),
        }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(chunks.map(() => commandStatusFor("signature_multiple")));
  });

  it("still delivers a real verification code, and forwarded none of the refused messages", async () => {
    const before = gateway.simulator!.received.count;
    expect((await submit("【云端科技】您的验证码是 482913，5分钟内有效，请勿泄露。", "VER")).status).toBe(0);
    expect(gateway.simulator!.received.count).toBe(before + 1);
    expect(before).toBe(0);
  });
});

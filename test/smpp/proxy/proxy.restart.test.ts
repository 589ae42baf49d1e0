import { describe, expect, it } from "vitest";
import { encodeText } from "../../../src/text/index.ts";
import { useSharedProxies } from "../../helpers/proxies.ts";
import { seedAndSync } from "../../helpers/world.ts";

const proxies = useSharedProxies();

describe("proxy restart", () => {
  it("routes a receipt to the SP after the proxy that forwarded the message has restarted", async () => {
    await proxies.start({ receiptDelayMs: 2500, receiptRetryMs: 300, receiptRetryMaxMs: 1000 });
    const first = await proxies.gateway();
    const world = await seedAndSync(first);
    const sender = await proxies.bind(first, world.accountA, "transmitter");
    const sent = await sender.submit({
      source_addr: "1069000101",
      destination_addr: "13800000071",
      service_type: "VER",
      registered_delivery: 1,
      data_coding: 8,
      short_message: Buffer.from(encodeText("【云端科技】您的验证码是 314159。", 8)),
    });
    expect(sent.status).toBe(0);
    // Graceful stop flushes the journal, which persists the message_id → account route.
    await proxies.stop(first);

    const second = await proxies.gateway();
    const receiver = await proxies.bind(second, world.accountA, "receiver");
    const receipt = await receiver.waitForDelivery((m) => (m.esm_class & 0x04) === 0x04, 8000);
    expect(receipt.receipted_message_id?.toLowerCase()).toBe(sent.messageId.toLowerCase());
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { encodeText } from "../../../src/text/index.ts";
import { startSimulator, type RunningSimulator } from "../../../smpp/simulator/index.ts";
import { connectEsme } from "../../helpers/esme.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync } from "../../helpers/world.ts";

let simulator: RunningSimulator | undefined;
let database: TestDatabase | undefined;
const gateways: TestGateway[] = [];

afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close().catch(() => {});
  await simulator?.stop();
  await database?.destroy();
});

describe("proxy restart", () => {
  it("routes a receipt to the SP after the proxy that forwarded the message has restarted", async () => {
    simulator = await startSimulator({ host: "127.0.0.1", port: 0, receiptDelayMs: 2500, receiptRetryMs: 300, receiptRetryMaxMs: 1000 });
    database = await createTestDatabase();
    const env = { UPSTREAM_SMSC_URL: `smpp://gatekeeper:secret@127.0.0.1:${simulator.port}`, UPSTREAM_BINDS: "1" };
    const first = await startTestGateway({ env, database });
    gateways.push(first);
    const world = await seedAndSync(first);
    const sender = await connectEsme(first.smppPort, world.accountA, "transmitter");
    const sent = await sender.submit({
      source_addr: "1069000101",
      destination_addr: "13800000071",
      service_type: "VER",
      registered_delivery: 1,
      data_coding: 8,
      short_message: Buffer.from(encodeText("【云端科技】您的验证码是 314159。", 8)),
    });
    expect(sent.status).toBe(0);
    await sender.close();
    // Graceful stop flushes the journal, which persists the message_id → account route.
    await first.close();
    gateways.splice(0);

    const second = await startTestGateway({ env, database });
    gateways.push(second);
    const receiver = await connectEsme(second.smppPort, world.accountA, "receiver");
    const receipt = await receiver.waitForDelivery((m) => (m.esm_class & 0x04) === 0x04, 8000);
    expect(receipt.receipted_message_id?.toLowerCase()).toBe(sent.messageId.toLowerCase());
    await receiver.close();
  });
});

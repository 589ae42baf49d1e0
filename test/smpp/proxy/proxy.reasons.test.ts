import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoWorld } from "../../../demo/seed.ts";
import { commandStatusFor, type ReasonCode } from "../../../src/policy/reasons.ts";
import { encodeText } from "../../../src/text/index.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync } from "../../helpers/world.ts";

// One gateway for the table: each case is independent of the others (no state is changed).
let gateway: TestGateway;
let world: DemoWorld;
let esme: Esme;

beforeAll(async () => {
  gateway = await startTestGateway();
  world = await seedAndSync(gateway);
  esme = await connectEsme(gateway.smppPort, world.accountA);
});
afterAll(async () => {
  await esme.close();
  await gateway.close();
});

const cases: { reason: ReasonCode; source: string; destination?: string; serviceType?: string; text: string }[] = [
  { reason: "port_unknown", source: "10699999", text: "【云端科技】您的验证码是 123456。" },
  { reason: "port_not_owned", source: "10690002", text: "【云端科技】您的验证码是 123456。" },
  { reason: "extension_unassigned", source: "1069000177", text: "【云端科技】您的验证码是 123456。" },
  { reason: "signature_missing", source: "10690001", text: "您的验证码是 123456。" },
  { reason: "signature_multiple", source: "10690001", text: "【云端科技】您的验证码是 123456。【云端商城】" },
  { reason: "signature_unregistered", source: "10690001", text: "【未知公司】您的验证码是 123456。" },
  { reason: "sublet_no_contract", source: "10690001", text: "【星河银行】您的验证码是 123456。" },
  { reason: "scope_exceeded", source: "10690001", serviceType: "MKT", text: "【云端科技】新品上市，回T退订" },
  { reason: "opt_out_hint_missing", source: "10690001", serviceType: "MKT", text: "【云端商城】新品上市，全场8折" },
  { reason: "invalid_destination", source: "10690001", destination: "", text: "【云端科技】您的验证码是 123456。" },
];

describe("refusal reasons over the wire", () => {
  it.each(cases)("$reason", async ({ reason, source, destination, serviceType, text }) => {
    const result = await esme.submit({
      source_addr: source,
      destination_addr: destination ?? "13800000081",
      service_type: serviceType ?? "",
      data_coding: 8,
      short_message: Buffer.from(encodeText(text, 8)),
    });
    expect(result.status).toBe(commandStatusFor(reason));
    await gateway.journal.flush();
    const journaled = await gateway.api.get(`/rejections?reason=${reason}`);
    expect(journaled.items.length).toBeGreaterThanOrEqual(1);
  });

  it("forwarded none of them", () => {
    expect(gateway.simulator!.received.count).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { useWorld } from "../../helpers/world.ts";

const t = useWorld();
const esmes = t.esmes;

async function bindA(): Promise<Esme> {
  const esme = await connectEsme(t.gateway.smppPort, t.world.accountA);
  esmes.push(esme);
  return esme;
}

async function rejections(reason: string) {
  await t.gateway.journal.flush();
  return (await t.gateway.api.get<{ items: { reason: string; recipientMask: string; text: string }[] }>(`/rejections?reason=${reason}`)).items;
}

describe("the proxy (happy paths)", () => {
  it("forwards an accepted verification message and relays its receipt", async () => {
    const esme = await bindA();
    const result = await esme.submit({
      source_addr: "1069000101",
      destination_addr: "13800000001",
      service_type: "VER",
      registered_delivery: 1,
      data_coding: 8,
      short_message: { message: "【云端科技】您的验证码是482913，5分钟内有效。" },
    });
    expect(result.status).toBe(0);
    expect(result.messageId).toMatch(/^[0-9A-F]{8}$/);
    expect(t.gateway.simulator!.received.count).toBe(1);
    const receipt = await esme.waitForDelivery((m) => (m.esm_class & 0x04) === 0x04);
    expect(receipt.receipted_message_id?.toLowerCase()).toBe(result.messageId.toLowerCase());
    const metrics = await (await fetch(`${t.gateway.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/gatekeeper_submit_seconds_count 1\b/);
    expect(metrics).toContain('gatekeeper_submissions_total{verdict="accepted",reason=""} 1');
    expect(metrics).toContain("gatekeeper_registry_fresh 1");
  });

  it("refuses a sublet signature and an out-of-scope message, and journals both", async () => {
    const esme = await bindA();
    const sublet = await esme.submit({ source_addr: "10690001", destination_addr: "13800000003", data_coding: 8, short_message: { message: "【星河银行】您尾号1234的账户于今日入账500元。" } });
    expect(sublet.status).toBe(commandStatusFor("sublet_no_contract"));
    const scope = await esme.submit({
      source_addr: "10690001",
      destination_addr: "13800000003",
      service_type: "NTF",
      data_coding: 8,
      short_message: { message: "【云端科技】双11大促，全场5折，领取优惠券 t.cn/abc 回T退订" },
    });
    expect(scope.status).toBe(commandStatusFor("scope_exceeded"));
    expect(t.gateway.simulator!.received.count).toBe(0);
    const journaled = await rejections("sublet_no_contract");
    expect(journaled).toHaveLength(1);
    expect(journaled[0]!.recipientMask).toBe("138****0003");
    expect(journaled[0]!.text).not.toContain("1234");
    expect(await rejections("scope_exceeded")).toHaveLength(1);
  });

  it("turns an MO 'T' into an opt-out that stops the enterprise's marketing under another signature", async () => {
    const esme = await bindA();
    const first = await esme.submit({
      source_addr: "1069000101",
      destination_addr: "13800000002",
      service_type: "MKT",
      data_coding: 8,
      short_message: { message: "【云端商城】会员日全场8折，回T退订" },
    });
    expect(first.status).toBe(0);
    t.gateway.simulator!.injectMo({ from: "13800000002", to: "1069000101", text: "T" });
    const mo = await esme.waitForDelivery((m) => m.esm_class === 0 && m.source_addr === "13800000002");
    expect(mo.destination_addr).toBe("1069000101");
    const second = await esme.submit({
      source_addr: "1069000101",
      destination_addr: "13800000002",
      service_type: "MKT",
      data_coding: 8,
      short_message: { message: "【云端优选】新品上市，限时特价，回T退订" },
    });
    expect(second.status).toBe(commandStatusFor("recipient_opted_out"));
    const check = await t.gateway.api.get(`/opt-outs/check?msisdn=13800000002&enterpriseId=${t.world.cloud.id}`);
    expect(check.optedOut).toBe(true);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../../../smpp/simulator/index.ts";
import { encodeText } from "../../../src/text/index.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * A consent request cannot be repeated by going through another proxy (two gateways on one
 * database, each bound by the same SP), nor by sending it again after that proxy restarted.
 */
let simulator: RunningSimulator | undefined;
let database: TestDatabase | undefined;
const gateways: TestGateway[] = [];
const esmes: Esme[] = [];

afterEach(async () => {
  for (const esme of esmes.splice(0)) await esme.close().catch(() => {});
  for (const gateway of gateways.splice(0)) await gateway.close().catch(() => {});
  await simulator?.stop();
  simulator = undefined;
  await database?.destroy();
  database = undefined;
});

async function gatewayOn(upstreamSystemId: string): Promise<TestGateway> {
  const gateway = await startTestGateway({ env: { UPSTREAM_SMSC_URL: `smpp://${upstreamSystemId}:secret@127.0.0.1:${simulator!.port}`, UPSTREAM_BINDS: "1" }, database });
  gateways.push(gateway);
  return gateway;
}

const request = (to: string) => ({
  source_addr: "1069000101",
  destination_addr: to,
  service_type: "CRQ",
  data_coding: 8,
  short_message: Buffer.from(encodeText("【云端商城】云端商城想每月向您发送不超过4条会员优惠，有效期一年，同意请回复“是”，回T退订", 8)),
});

describe("consent requests across proxies", { timeout: 90_000 }, () => {
  it("a second request through another proxy is refused once the first one's change arrived (< 1 s), and after a restart", async () => {
    simulator = await startSimulator({ host: "127.0.0.1", port: 0 });
    database = await createTestDatabase();
    const first = await gatewayOn("gk1");
    const world = await seedAndSync(first);
    const settings = await first.api.get("/settings/policy");
    await first.api.put("/settings/policy", { ...settings, ruleModes: { ...settings.ruleModes, consent: "enforce" }, reason: "consent enforced" });
    const second = await gatewayOn("gk2");
    await waitFor(() => second.registry.snapshot.signatureByText("云端商城")?.status === "approved" && second.registry.snapshot.settings.ruleModes.consent === "enforce", 5000, "second proxy ready");
    const onFirst = await connectEsme(first.smppPort, world.accountA);
    const onSecond = await connectEsme(second.smppPort, world.accountA);
    esmes.push(onFirst, onSecond);

    const fan = "13800130501";
    expect((await onFirst.submit(request(fan))).status).toBe(0);
    const waited = await waitFor(() => second.registry.snapshot.stats().consentRequests === 1, 1000, "the request reaches the other proxy within a second");
    expect(waited).toBeLessThan(1000);
    expect((await onSecond.submit(request(fan))).status).toBe(0x461);

    await onSecond.close();
    esmes.splice(esmes.indexOf(onSecond), 1);
    await second.close();
    gateways.splice(gateways.indexOf(second), 1);
    const restarted = await gatewayOn("gk2");
    await waitFor(() => restarted.registry.snapshot.settings.ruleModes.consent === "enforce", 5000, "restarted proxy ready");
    const again = await connectEsme(restarted.smppPort, world.accountA);
    esmes.push(again);
    expect((await again.submit(request(fan))).status).toBe(0x461);
    // Another number is a first request.
    expect((await again.submit(request("13800130502"))).status).toBe(0);
  });
});

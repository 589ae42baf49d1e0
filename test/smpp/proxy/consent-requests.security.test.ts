import { describe, expect, it } from "vitest";
import { encodeText } from "../../../src/text/index.ts";
import { useSharedProxies } from "../../helpers/proxies.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * A consent request cannot be repeated by going through another proxy (two gateways on one
 * database, each bound by the same SP), nor by sending it again after that proxy restarted.
 */
const proxies = useSharedProxies();

const request = (to: string) => ({
  source_addr: "1069000101",
  destination_addr: to,
  service_type: "CRQ",
  data_coding: 8,
  short_message: Buffer.from(encodeText("【云端商城】云端商城想每月向您发送不超过4条会员优惠，有效期一年，同意请回复“是”，回T退订", 8)),
});

describe("consent requests across proxies", { timeout: 90_000 }, () => {
  it("a second request through another proxy is refused once the first one's change arrived (< 1 s), and after a restart", async () => {
    await proxies.start();
    const first = await proxies.gateway("gk1");
    const world = await seedAndSync(first);
    const settings = await first.api.get("/settings/policy");
    await first.api.put("/settings/policy", { ...settings, ruleModes: { ...settings.ruleModes, consent: "enforce" }, reason: "consent enforced" });
    const second = await proxies.gateway("gk2");
    await waitFor(() => second.registry.snapshot.signatureByText("云端商城")?.status === "approved" && second.registry.snapshot.settings.ruleModes.consent === "enforce", 5000, "second proxy ready");
    const onFirst = await proxies.bind(first, world.accountA);
    const onSecond = await proxies.bind(second, world.accountA);

    const fan = "13800130501";
    expect((await onFirst.submit(request(fan))).status).toBe(0);
    const waited = await waitFor(() => second.registry.snapshot.stats().consentRequests === 1, 1000, "the request reaches the other proxy within a second");
    expect(waited).toBeLessThan(1000);
    expect((await onSecond.submit(request(fan))).status).toBe(0x461);

    await proxies.stop(second);
    const restarted = await proxies.gateway("gk2");
    await waitFor(() => restarted.registry.snapshot.settings.ruleModes.consent === "enforce", 5000, "restarted proxy ready");
    const again = await proxies.bind(restarted, world.accountA);
    expect((await again.submit(request(fan))).status).toBe(0x461);
    // Another number is a first request.
    expect((await again.submit(request("13800130502"))).status).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { encodeText } from "../../../src/text/index.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { shortMessageText, type Esme } from "../../helpers/esme.ts";
import type { TestGateway } from "../../helpers/gateway.ts";
import { useSharedProxies } from "../../helpers/proxies.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * A bare "T" to a port (no extension) opts the sender out of the enterprise that last wrote to
 * that number from that port, whatever the category, after a restart and on another proxy.
 */
const proxies = useSharedProxies();

/** 云端优选 and 云端科技 are both 云端科技有限公司's; the port's bare number has no extension. */
const marketing = (to: string) => ({
  source_addr: "10690001",
  destination_addr: to,
  service_type: "MKT",
  data_coding: 8,
  short_message: Buffer.from(encodeText("【云端优选】新品上市，限时特价，回T退订", 8)),
});
const verification = (to: string) => ({
  source_addr: "10690001",
  destination_addr: to,
  service_type: "VER",
  data_coding: 8,
  short_message: Buffer.from(encodeText("【云端科技】您的验证码是 161803。", 8)),
});

const OPTED_OUT = commandStatusFor("recipient_opted_out");

async function replyT(esme: Esme, from: string, systemId?: string): Promise<void> {
  expect(await proxies.simulator.injectMo({ from, to: "10690001", text: "T", ...(systemId && { systemId }) })).toBe(0);
  const mo = await esme.waitForDelivery((m) => m.source_addr === from && (m.esm_class & 0x04) === 0);
  expect(shortMessageText(mo)).toContain("T");
}

async function unattributed(gateway: TestGateway): Promise<number> {
  const values = (await gateway.metrics.deliveries.get()).values;
  return values.filter((v) => v.labels.kind === "mo" && v.labels.outcome === "opt_out_unattributed").reduce((sum, v) => sum + v.value, 0);
}

describe("opt-out attribution", () => {
  it("a bare T after the proxy restarted opts out of the enterprise that sent the marketing before the restart", async () => {
    await proxies.start();
    const first = await proxies.gateway();
    const world = await seedAndSync(first);
    const before = await proxies.bind(first, world.accountA);
    expect((await before.submit(marketing("13800000081"))).status).toBe(0);
    await proxies.stop(first);

    const second = await proxies.gateway();
    const sp = await proxies.bind(second, world.accountA);
    await replyT(sp, "13800000081");
    expect(await unattributed(second)).toBe(0);
    expect((await sp.submit(marketing("13800000081"))).status).toBe(OPTED_OUT);
    // Only this enterprise's marketing: another number still gets it.
    expect((await sp.submit(marketing("13800000084"))).status).toBe(0);
  }, 30_000);

  it("a bare T reaching another proxy than the one that sent opts out (two proxies, one database)", async () => {
    await proxies.start();
    const sender = await proxies.gateway("gk1");
    const world = await seedAndSync(sender);
    const other = await proxies.gateway("gk2");
    await waitFor(() => other.registry.snapshot.signatureByText("云端优选")?.status === "approved", 3000, "registry on the second proxy");
    const onSender = await proxies.bind(sender, world.accountA);
    const onOther = await proxies.bind(other, world.accountA);
    expect((await onSender.submit(marketing("13800000082"))).status).toBe(0);
    // The last sender travels in the journal's next batch (200 ms window), not per message: let it land.
    await sender.journal.flush();
    await replyT(onOther, "13800000082", "gk2");
    expect(await unattributed(other)).toBe(0);
    expect((await onOther.submit(marketing("13800000082"))).status).toBe(OPTED_OUT);
  }, 30_000);

  it("a bare T after a verification message opts out of that enterprise's marketing", async () => {
    await proxies.start();
    const gateway = await proxies.gateway();
    const world = await seedAndSync(gateway);
    const sp = await proxies.bind(gateway, world.accountA);
    expect((await sp.submit(verification("13800000083"))).status).toBe(0);
    await replyT(sp, "13800000083");
    expect(await unattributed(gateway)).toBe(0);
    expect((await sp.submit(marketing("13800000083"))).status).toBe(OPTED_OUT);
  }, 30_000);
});

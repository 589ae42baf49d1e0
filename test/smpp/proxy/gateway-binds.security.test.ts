import { afterEach, describe, expect, it } from "vitest";
import type { DemoWorld } from "../../../demo/seed.ts";
import { encodeText } from "../../../src/text/index.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * A gateway bind may send from any carried SP's ports, so it is the most valuable credential in
 * the system: it binds only from its allowlist, cannot reach beyond the SPs it carries, does not
 * bypass an SP's suspension or rate, and gives nobody a way to claim a port nobody owns.
 */
let gateway: TestGateway | undefined;
const esmes: Esme[] = [];

afterEach(async () => {
  for (const esme of esmes.splice(0)) await esme.close().catch(() => {});
  await gateway?.close();
  gateway = undefined;
});

const ISMG = { systemId: "ismg_bj", password: "ismg0002" };

async function start(account: Record<string, unknown> = {}): Promise<{ world: DemoWorld; gatewayAccountId: string }> {
  gateway = await startTestGateway();
  const world = await seedAndSync(gateway);
  const created = await gateway.api.post<{ id: string }>("/accounts", { kind: "gateway", ...ISMG, allowedIps: ["127.0.0.1"], maxSubmitsPerSecond: 1000, ...account });
  await waitFor(() => gateway!.registry.snapshot.accountsById.has(created.id), 3000, "gateway account in the snapshot");
  return { world, gatewayAccountId: created.id };
}

async function bind(credentials: { systemId: string; password: string }): Promise<Esme> {
  const esme = await connectEsme(gateway!.smppPort, credentials);
  esmes.push(esme);
  return esme;
}

const verification = (source: string, to: string, text = source === "10690002" ? "【星河银行】您的验证码是 271828。" : "【云端科技】您的验证码是 314159。") => ({
  source_addr: source,
  destination_addr: to,
  service_type: "VER",
  data_coding: 8,
  short_message: Buffer.from(encodeText(text, 8)),
});

type Row = { reason: string; spId: string | null; accountId: string | null; sourceAddr: string | null };
const journalRow = async (reason: string) => {
  let row: Row | undefined;
  await waitFor(async () => !!(row = (await gateway!.api.get<{ items: Row[] }>(`/rejections?reason=${reason}`)).items[0]), 5000, `a ${reason} row`);
  return row!;
};

describe("trusted gateway binds over SMPP (security)", () => {
  it("refuses a gateway bind from outside its allowlist, with the right password", async () => {
    await start({ allowedIps: ["192.0.2.10"] });
    const refused = await bind(ISMG).catch((error: { status: number }) => error);
    expect((refused as { status: number }).status).toBe(commandStatusFor("bind_address_not_allowed"));
    expect(await journalRow("bind_address_not_allowed")).toMatchObject({ spId: null });
  }, 60_000);

  it("a source port nobody owns is port_unknown (0x0A), journaled against the gateway with no SP; look-alike numbers change nothing", async () => {
    const { gatewayAccountId } = await start();
    const ismg = await bind(ISMG);
    for (const source of ["10699999", "1069000", "+10690001x", ""]) {
      const result = await ismg.submit(verification(source, "13800138031"));
      expect(result.status, source).toBe(commandStatusFor("port_unknown"));
    }
    expect(await journalRow("port_unknown")).toMatchObject({ spId: null, accountId: gatewayAccountId });
    // The session goes on.
    expect((await ismg.submit(verification("10690001", "13800138032"))).status).toBe(0);
  }, 60_000);

  it("a gateway that carries only SP A cannot send from SP B's port (port_not_owned, against the gateway), and A's own bind still cannot either", async () => {
    const { world, gatewayAccountId } = await start();
    await gateway!.api.call("PATCH", `/accounts/${gatewayAccountId}`, { carriedSpIds: [world.spA.id] });
    await waitFor(() => gateway!.registry.snapshot.accountsById.get(gatewayAccountId)?.carriedSpIds.length === 1, 3000, "carried SPs in the snapshot");
    const ismg = await bind(ISMG);
    expect((await ismg.submit(verification("10690001", "13800138041"))).status).toBe(0);
    expect((await ismg.submit(verification("10690002", "13800138042"))).status).toBe(commandStatusFor("port_not_owned"));
    expect(await journalRow("port_not_owned")).toMatchObject({ spId: null, accountId: gatewayAccountId, sourceAddr: "10690002" });
    const ownA = await bind(world.accountA);
    expect((await ownA.submit(verification("10690002", "13800138043"))).status).toBe(commandStatusFor("port_not_owned"));
  }, 60_000);

  it("a suspended SP's messages are refused over the gateway (sp_suspended) while the other SP's pass", async () => {
    const { world } = await start();
    const ismg = await bind(ISMG);
    await gateway!.api.call("PATCH", `/service-providers/${world.spB.id}`, { status: "suspended", reason: "test" });
    await waitFor(() => gateway!.registry.snapshot.spStatus.get(world.spB.id) === "suspended", 3000, "suspension in the snapshot");
    expect((await ismg.submit(verification("10690002", "13800138051"))).status).toBe(commandStatusFor("sp_suspended"));
    expect((await ismg.submit(verification("10690001", "13800138052"))).status).toBe(0);
    expect(await journalRow("sp_suspended")).toMatchObject({ spId: world.spB.id, sourceAddr: "10690002" });
  }, 60_000);

  it("each SP's share of the gateway link is capped at that SP's own per-account rate", async () => {
    const { world } = await start();
    await gateway!.api.call("PATCH", `/accounts/${world.accountA.id}`, { maxSubmitsPerSecond: 1 });
    await waitFor(() => gateway!.registry.snapshot.spAccountRate(world.spA.id) === 1, 3000, "A's rate in the snapshot");
    const ismg = await bind(ISMG);
    const burst = (source: string) => Promise.all(Array.from({ length: 6 }, (_, i) => ismg.submit(verification(source, `1380013806${i}`))));
    const [fromA, fromB] = await Promise.all([burst("10690001"), burst("10690002")]);
    const throttled = commandStatusFor("throttled");
    expect(fromA.filter((r) => r.status === throttled).length).toBeGreaterThanOrEqual(4);
    expect(fromB.every((r) => r.status === 0)).toBe(true);
    expect(await journalRow("throttled")).toMatchObject({ spId: world.spA.id });
  }, 60_000);
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandStatus } from "../../../smpp/wire/commands.ts";
import { parseConfig } from "../../../src/config.ts";
import { ApiClient } from "../../../demo/api-client.ts";
import { seedDemoWorld, type DemoWorld } from "../../../demo/seed.ts";
import { startGateway, type Gateway } from "../../../src/main.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startPrivatePostgres, type PrivatePostgres } from "../../helpers/private-postgres.ts";
import { ACCEPTED, waitFor } from "./world.ts";

/**
 * Two proxies (as two gateways with their own SMPP and HTTP ports and INSTANCE_IDs) share one
 * PostgreSQL. PROXY_INSTANCES=2 tells each that it enforces half of every account's limits.
 */
const ADMIN_TOKEN = "multi-proxy-operator-token-0123456789";
let pg: PrivatePostgres;
let dataDir: string;
let a: Gateway;
let b: Gateway;
let world: DemoWorld;
const esmes: Esme[] = [];

async function startOne(instance: string): Promise<Gateway> {
  const config = parseConfig({
    DATABASE_URL: pg.url,
    HTTP_PORT: "0",
    SMPP_PORT: "0",
    SMPP_HOST: "127.0.0.1",
    SIMULATOR_PORT: "0",
    SIMULATOR_RECEIPT_DELAY_MS: "20",
    DATA_DIR: join(dataDir, instance),
    ADMIN_TOKEN,
    PII_KEY: "test-pii-key-0123456789abcdef0123456789",
    INSTANCE_ID: instance,
    PROXY_INSTANCES: "2",
  });
  return startGateway({ config, logger: pino({ level: "silent" }) });
}

beforeAll(async () => {
  pg = await startPrivatePostgres();
  dataDir = mkdtempSync(join(tmpdir(), "gk-multi-"));
  a = await startOne("proxy-a");
  b = await startOne("proxy-b");
  world = await seedDemoWorld(new ApiClient(a.httpUrl, ADMIN_TOKEN));
  for (const gateway of [a, b]) await waitFor(() => gateway.registry.snapshot.signatureByText("云端优选")?.status === "approved", 3000, "seeded registry");
}, 60_000);

afterAll(async () => {
  for (const esme of esmes.splice(0)) await esme.close().catch(() => {});
  await a?.stop(2000);
  await b?.stop(2000);
  pg?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

async function bind(gateway: Gateway): Promise<Esme> {
  const esme = await connectEsme(gateway.smppPort, world.accountA);
  esmes.push(esme);
  return esme;
}

async function closeAll(): Promise<void> {
  for (const esme of esmes.splice(0)) await esme.close().catch(() => {});
}

const marketing = (to: string) => ({
  source_addr: "1069000101",
  destination_addr: to,
  service_type: "MKT",
  data_coding: 8,
  short_message: { message: "【云端优选】新品上市，限时特价，回T退订" },
});

describe("several proxies on one PostgreSQL", () => {
  it("a signature suspended through one proxy's API is refused by both within a second", async () => {
    const [onA, onB] = [await bind(a), await bind(b)];
    expect((await onA.submit({ ...ACCEPTED, destination_addr: "13600000001" })).status).toBe(0);
    expect((await onB.submit({ ...ACCEPTED, destination_addr: "13600000002" })).status).toBe(0);
    const started = Date.now();
    await new ApiClient(a.httpUrl, ADMIN_TOKEN).post(`/signatures/${world.signatures.cloudTech.id}/suspend`, { reason: "multi-proxy test" });
    const suspended = (g: Gateway) => g.registry.snapshot.signatureByText("云端科技")?.status === "suspended";
    await waitFor(() => suspended(a) && suspended(b), 1000, "suspension on both proxies");
    const propagationMs = Date.now() - started;
    const statusA = (await onA.submit({ ...ACCEPTED, destination_addr: "13600000003" })).status;
    const statusB = (await onB.submit({ ...ACCEPTED, destination_addr: "13600000004" })).status;
    await new ApiClient(b.httpUrl, ADMIN_TOKEN).post(`/signatures/${world.signatures.cloudTech.id}/approve`, { reason: "reinstated" });
    await waitFor(() => !suspended(a) && !suspended(b), 1000, "reinstatement on both proxies");
    console.log(JSON.stringify({ test: "faults/ops/multi-proxy suspension", propagationMs, statusA, statusB }));
    expect(statusA).toBe(commandStatusFor("signature_suspended"));
    expect(statusB).toBe(commandStatusFor("signature_suspended"));
    expect(propagationMs).toBeLessThan(1000);
    await closeAll();
  }, 30_000);

  it("an opt-out by MO on one proxy holds on the other within a second", async () => {
    const [onA, onB] = [await bind(a), await bind(b)];
    expect((await onB.submit(marketing("13600000010"))).status).toBe(0);
    const started = Date.now();
    const moStatus = await a.simulator!.injectMo({ from: "13600000010", to: "1069000101", text: "TD" });
    await onA.waitForDelivery((m) => m.source_addr === "13600000010");
    let statusB = 0;
    await waitFor(async () => (statusB = (await onB.submit(marketing("13600000010"))).status) !== 0, 1000, "opt-out on the other proxy");
    const propagationMs = Date.now() - started;
    console.log(JSON.stringify({ test: "faults/ops/multi-proxy opt-out", moStatus, propagationMs, statusB }));
    expect(moStatus).toBe(0);
    expect(statusB).toBe(commandStatusFor("recipient_opted_out"));
    expect(propagationMs).toBeLessThan(1000);
    await closeAll();
  }, 30_000);

  it("splits an account's bind limit and submit rate between the proxies (PROXY_INSTANCES=2)", async () => {
    // maxBinds 8 (seed) → 4 per proxy.
    const outcomes: Record<string, { bound: number; refused: number; status?: number }> = { a: { bound: 0, refused: 0 }, b: { bound: 0, refused: 0 } };
    for (const [name, gateway] of [["a", a], ["b", b]] as const) {
      for (let i = 0; i < 5; i++) {
        try {
          await bind(gateway);
          outcomes[name]!.bound++;
        } catch (error) {
          outcomes[name]!.refused++;
          outcomes[name]!.status = (error as { status?: number }).status;
        }
      }
    }
    await closeAll();

    // maxSubmitsPerSecond 20 → a bucket of 10 per proxy.
    const api = new ApiClient(a.httpUrl, ADMIN_TOKEN);
    await api.call("PATCH", `/accounts/${world.accountA.id}`, { maxSubmitsPerSecond: 20 });
    await waitFor(() => a.registry.snapshot.accountsById.get(world.accountA.id)?.maxSubmitsPerSecond === 20 && b.registry.snapshot.accountsById.get(world.accountA.id)?.maxSubmitsPerSecond === 20, 1000, "rate change on both");
    const burst = async (gateway: Gateway, base: number) => {
      const esme = await bind(gateway);
      const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => esme.submit({ ...ACCEPTED, destination_addr: `1361${base}${String(i).padStart(6, "0")}` }).then((r) => r.status)));
      return { accepted: statuses.filter((s) => s === 0).length, throttled: statuses.filter((s) => s === CommandStatus.ESME_RTHROTTLED).length };
    };
    const [burstA, burstB] = await Promise.all([burst(a, 1), burst(b, 2)]);
    await api.call("PATCH", `/accounts/${world.accountA.id}`, { maxSubmitsPerSecond: 5000 });
    console.log(JSON.stringify({ test: "faults/ops/multi-proxy limits", maxBinds: 8, binds: outcomes, maxSubmitsPerSecond: 20, burstA, burstB }));

    expect(outcomes.a).toEqual({ bound: 4, refused: 1, status: CommandStatus.ESME_RBINDFAIL });
    expect(outcomes.b).toEqual({ bound: 4, refused: 1, status: CommandStatus.ESME_RBINDFAIL });
    for (const result of [burstA, burstB]) {
      expect(result.accepted).toBeGreaterThanOrEqual(10);
      expect(result.accepted).toBeLessThanOrEqual(12); // 10 tokens plus what refills during the burst
      expect(result.accepted + result.throttled).toBe(30);
    }
  }, 30_000);
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../../demo/api-client.ts";
import { seedDemoWorld, type DemoWorld } from "../../../demo/seed.ts";
import { startSimulator, type RunningSimulator } from "../../../smpp/simulator/index.ts";
import { startChildGateway, type ChildGateway } from "../../helpers/child-gateway.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { freePort, startPrivatePostgres, type PrivatePostgres } from "../../helpers/private-postgres.ts";
import { ACCEPTED, REFUSED, waitFor } from "./world.ts";

/**
 * `npm start` with PROXY_WORKERS=2, as operators run it: a supervisor process and two proxy
 * workers sharing one SMPP port (SO_REUSEPORT), on a private PostgreSQL, in front of an SMSC
 * simulator that sends each receipt on the next of the gateway's upstream binds in turn (two per
 * worker), so about half the receipts reach the worker the SP's receiver is not bound to.
 */
const ADMIN_TOKEN = "proxy-workers-operator-token-0123456789";
let pg: PrivatePostgres;
let dataDir: string;
let simulator: RunningSimulator;
let gateway: ChildGateway;
let smppPort: number;
let world: DemoWorld;
const esmes: Esme[] = [];

beforeAll(async () => {
  pg = await startPrivatePostgres();
  dataDir = mkdtempSync(join(tmpdir(), "gk-workers-"));
  simulator = await startSimulator({ host: "127.0.0.1", port: 0, receiptDelayMs: 20, receiptBinds: "rotate" });
  smppPort = await freePort();
  gateway = await startChildGateway(
    {
      DATABASE_URL: pg.url,
      PROXY_WORKERS: "2",
      HTTP_PORT: String(await freePort()),
      SMPP_PORT: String(smppPort),
      SMPP_HOST: "127.0.0.1",
      UPSTREAM_SMSC_URL: `smpp://gatekeeper:secret@127.0.0.1:${simulator.port}`,
      UPSTREAM_BINDS: "2",
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      PII_KEY: "test-pii-key-0123456789abcdef0123456789",
      INSTANCE_ID: "host-a",
    },
    60_000,
  );
  world = await seedDemoWorld(new ApiClient(gateway.httpUrl, ADMIN_TOKEN));
}, 120_000);

afterAll(async () => {
  for (const esme of esmes.splice(0)) await esme.close().catch(() => {});
  gateway?.kill("SIGTERM");
  await gateway?.exited;
  await simulator?.stop();
  pg?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

async function bind(mode: "transceiver" | "transmitter" | "receiver" = "transceiver"): Promise<Esme> {
  const esme = await connectEsme(smppPort, world.accountA, mode);
  esmes.push(esme);
  return esme;
}

describe("PROXY_WORKERS=2 on one host", () => {
  it("both workers accept binds on the one port and judge with their own snapshot", async () => {
    // The kernel spreads connections over the two listening sockets; which worker judged a refusal
    // is in the journal's event id (<INSTANCE_ID>-w<i>:…).
    const database = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      let instances: string[] = [];
      for (let round = 0; round < 12 && instances.length < 2; round++) {
        const esme = await bind();
        // Until a worker's snapshot holds the seeded world, it refuses the accepted message too.
        await waitFor(async () => (await esme.submit({ ...ACCEPTED, destination_addr: `1380013${String(round).padStart(4, "0")}` })).status === 0, 5000, "seeded registry on this worker");
        expect((await esme.submit({ ...REFUSED, destination_addr: `1380014${String(round).padStart(4, "0")}` })).status).not.toBe(0);
        await esme.close();
        await waitFor(async () => (await database`select count(*)::int as n from rejections`)[0]!.n > round, 3000, "refusal journaled");
        instances = (await database`select distinct split_part(event_id, ':', 1) as instance from rejections order by 1`).map((r) => r.instance as string);
      }
      expect(instances).toEqual(["host-a-w0", "host-a-w1"]);
    } finally {
      await database.end();
    }
  }, 90_000);

  it("a receipt arriving on the other worker reaches the SP's receiver within a second", async () => {
    const receiver = await bind("receiver");
    const transmitter = await bind("transmitter");
    const ids: string[] = [];
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      const response = await transmitter.submit({ ...ACCEPTED, destination_addr: `1380015${String(i).padStart(4, "0")}`, registered_delivery: 1 });
      expect(response.status).toBe(0);
      ids.push(response.messageId);
    }
    // The simulator rotates receipts over all four upstream binds: about ten land on the worker
    // without the receiver, are held there and announced; a 30 s poll would be far too late.
    await waitFor(() => ids.every((id) => receiver.delivered.some((m) => m.receipted_message_id === id)), 3000, "every receipt delivered");
    const elapsedMs = Date.now() - started;
    console.log(JSON.stringify({ test: "faults/ops/proxy-workers receipts", receipts: ids.length, elapsedMs }));
    expect(receiver.delivered.filter((m) => ids.includes(m.receipted_message_id ?? "")).length).toBe(20);
  }, 60_000);
});

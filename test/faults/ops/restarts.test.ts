import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../../../smpp/simulator/index.ts";
import { ApiClient } from "../../../demo/api-client.ts";
import { seedDemoWorld, type DemoWorld } from "../../../demo/seed.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { startChildGateway, type ChildGateway } from "../../helpers/child-gateway.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { freePort, startPrivatePostgres, type PrivatePostgres } from "../../helpers/private-postgres.ts";
import { ACCEPTED, REFUSED, waitFor } from "./world.ts";

/**
 * The gateway as a real process, stopped by SIGTERM (graceful drain) and by SIGKILL (crash).
 * The SMSC simulator runs here, in the test process, so it outlives the proxy: receipts for
 * messages sent before a crash come back to the restarted proxy.
 */
const ADMIN_TOKEN = "restart-test-operator-token-0123456789";
/** The journal's batch window (src/main.ts flushIntervalMs): the most a SIGKILL may lose. */
const BATCH_WINDOW_MS = 200;
let pg: PrivatePostgres;
let simulator: RunningSimulator;
let sql: postgres.Sql;
let env: Record<string, string>;
let dataDir: string;
let world: DemoWorld;
let child: ChildGateway | undefined;
const esmes: Esme[] = [];

beforeAll(async () => {
  pg = await startPrivatePostgres();
  sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  // Receipts come late and are retried, so one is still on its way while the proxy restarts.
  simulator = await startSimulator({ host: "127.0.0.1", port: 0, receiptDelayMs: 2500, receiptRetryMs: 250, receiptMaxAttempts: 60 });
  dataDir = mkdtempSync(join(tmpdir(), "gk-restarts-"));
  env = {
    DATABASE_URL: pg.url,
    HTTP_PORT: String(await freePort()),
    SMPP_PORT: String(await freePort()),
    SMPP_HOST: "127.0.0.1",
    UPSTREAM_SMSC_URL: `smpp://gatekeeper:secret@127.0.0.1:${simulator.port}`,
    ADMIN_TOKEN,
    DATA_DIR: dataDir,
    PII_KEY: "test-pii-key-0123456789abcdef0123456789",
    INSTANCE_ID: "restart-a",
  };
}, 60_000);

afterAll(async () => {
  for (const esme of esmes.splice(0)) await esme.close().catch(() => {});
  if (child && child.process.exitCode === null) {
    child.kill("SIGKILL");
    await child.exited;
  }
  await simulator?.stop();
  await sql?.end();
  pg?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  return Promise.race([promise, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms))]);
}

async function bind(): Promise<Esme> {
  const esme = await connectEsme(Number(env.SMPP_PORT), world.accountA);
  esmes.push(esme);
  return esme;
}

async function refusalsInDb(): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from rejections where reason = 'sublet_no_contract'`;
  return row!.n;
}

describe("proxy restarts", () => {
  it("SIGTERM drains: refuses new binds, answers every in-flight submission, unbinds, flushes the journal, exits 0", async () => {
    child = await startChildGateway(env);
    const api = new ApiClient(child.httpUrl, ADMIN_TOKEN);
    world = await seedDemoWorld(api);
    const esme = await bind();
    let unbindsReceived = 0;
    // Like many real ESMEs under load, this one never answers the unbind: the drain must not wait for it.
    esme.session.on("unbind", () => unbindsReceived++);
    await waitFor(async () => (await esme.submit({ ...ACCEPTED, destination_addr: "13700000000" })).status === 0, 5000, "registry seeded in the child");
    const before = await refusalsInDb();

    simulator.script.delayAll(400); // accepted messages are still at the SMSC when SIGTERM comes
    const submits: Promise<number>[] = [];
    for (let i = 0; i < 60; i++) {
      const acceptable = i % 3 === 0;
      submits.push(esme.submit({ ...(acceptable ? ACCEPTED : REFUSED), destination_addr: `1371${String(i).padStart(7, "0")}` }).then((r) => r.status));
    }
    await new Promise((r) => setTimeout(r, 50));
    const signalledAt = Date.now();
    child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    const lateBind = await withTimeout(connectEsme(Number(env.SMPP_PORT), world.accountA).then((e) => (esmes.push(e), "bound"), () => "refused"), 2000);
    const statuses = await Promise.all(submits.map((s) => withTimeout(s, 10_000)));
    const exit = await child.exited;
    simulator.script.reset();
    const drainMs = exit.at - signalledAt;
    const answered = statuses.filter((s) => s !== "timeout");
    const accepted = answered.filter((s) => s === 0).length;
    const refused = answered.filter((s) => s === commandStatusFor("sublet_no_contract")).length;
    const journaled = (await refusalsInDb()) - before;
    const report = { test: "faults/ops/restarts sigterm", inFlight: submits.length, answered: answered.length, accepted, refused, journaled, lateBind, unbindsReceived, exitCode: exit.code, drainMs };
    console.log(JSON.stringify(report));

    expect(answered.length).toBe(60);
    expect(accepted).toBe(20);
    expect(refused).toBe(40);
    expect(journaled).toBe(40);
    expect(lateBind).not.toBe("bound");
    expect(unbindsReceived).toBe(1);
    expect(exit.code).toBe(0);
    expect(drainMs).toBeLessThan(5000);
  }, 60_000);

  it("after SIGKILL and a restart: opt-outs hold, a receipt for a message accepted before the kill reaches the SP, the journal loses at most the batch window", async () => {
    child = await startChildGateway(env);
    let esme = await bind();
    await waitFor(async () => (await esme.submit({ ...ACCEPTED, destination_addr: "13700000000" })).status === 0, 5000, "child up");
    const before = await refusalsInDb();

    // An opt-out by MO ("T" to the enterprise's extension), acknowledged before the kill.
    const moStatus = await simulator.injectMo({ from: "13800000077", to: "1069000101", text: "T" });
    // A message whose receipt is still on its way when the proxy dies.
    const sent = await esme.submit({ ...ACCEPTED, destination_addr: "13800000078", registered_delivery: 1 });
    // Refusals older than the batch window are durable; the last ones may be lost with the process.
    let refusedEarly = 0;
    for (let i = 0; i < 20; i++) if ((await esme.submit({ ...REFUSED, destination_addr: `1372${String(i).padStart(7, "0")}` })).status !== 0) refusedEarly++;
    await new Promise((r) => setTimeout(r, BATCH_WINDOW_MS * 2));
    let refusedInLastWindow = 0;
    for (let i = 0; i < 10; i++) if ((await esme.submit({ ...REFUSED, destination_addr: `1373${String(i).padStart(7, "0")}` })).status !== 0) refusedInLastWindow++;
    const killedAt = Date.now();
    child.kill("SIGKILL");
    const killed = await child.exited;
    const journaledAfterKill = (await refusalsInDb()) - before;
    const [route] = await sql<{ n: number }[]>`select count(*)::int as n from message_routes where smsc_message_id = ${sent.messageId}`; // as the SMSC issued it

    child = await startChildGateway(env);
    const restartMs = Date.now() - killedAt;
    esme = await bind();
    const receipt = await esme.waitForDelivery((m) => (m.esm_class & 0x04) === 0x04 && m.receipted_message_id?.toLowerCase() === sent.messageId.toLowerCase(), 15_000).catch(() => undefined);
    const receiptAfterKillMs = Date.now() - killedAt;
    const marketing = await esme.submit({
      source_addr: "1069000101",
      destination_addr: "13800000077",
      service_type: "MKT",
      data_coding: 8,
      short_message: { message: "【云端优选】新品上市，限时特价，回T退订" },
    });
    const report = {
      test: "faults/ops/restarts sigkill",
      killSignal: killed.signal,
      moStatus,
      refusedEarly,
      refusedInLastWindow,
      journaledAfterKill,
      lostInLastWindow: refusedEarly + refusedInLastWindow - journaledAfterKill,
      routePersisted: route!.n,
      restartMs,
      receiptRouted: receipt !== undefined,
      receiptAfterKillMs,
      optOutHeldStatus: marketing.status,
    };
    console.log(JSON.stringify(report));

    expect(killed.signal).toBe("SIGKILL");
    expect(moStatus).toBe(0);
    expect(sent.status).toBe(0);
    expect(refusedEarly).toBe(20);
    // Everything older than the batch window was written; at most the last window is lost.
    expect(journaledAfterKill).toBeGreaterThanOrEqual(refusedEarly);
    expect(journaledAfterKill).toBeLessThanOrEqual(refusedEarly + refusedInLastWindow);
    expect(route!.n).toBe(1);
    expect(receipt).toBeDefined();
    expect(marketing.status).toBe(commandStatusFor("recipient_opted_out"));
  }, 60_000);
});

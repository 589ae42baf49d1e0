import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config.ts";
import { ApiClient, type ApiError } from "../../../demo/api-client.ts";
import { seedDemoWorld, type DemoWorld } from "../../../demo/seed.ts";
import { startGateway, type Gateway } from "../../../src/main.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startPrivatePostgres, type PrivatePostgres } from "../../helpers/private-postgres.ts";
import { ACCEPTED, add, emptyCounts, sendMix, spoolLines, waitFor } from "./world.ts";

/**
 * The database goes away under load and comes back. The gateway runs on a private PostgreSQL
 * cluster that this test stops (fast shutdown: every connection is cut) and starts again.
 */
const OUTAGE_MS = 5000;
const ADMIN_TOKEN = "fault-test-operator-token-0123456789";
let pg: PrivatePostgres;
let gateway: Gateway;
let api: ApiClient;
let world: DemoWorld;
let dataDir: string;
let esme: Esme | undefined;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  dataDir = mkdtempSync(join(tmpdir(), "gk-db-fault-"));
  const config = parseConfig({
    DATABASE_URL: pg.url,
    HTTP_PORT: "0",
    SMPP_PORT: "0",
    SMPP_HOST: "127.0.0.1",
    SIMULATOR_PORT: "0",
    SIMULATOR_RECEIPT_DELAY_MS: "20",
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    PII_KEY: "test-pii-key-0123456789abcdef0123456789",
    INSTANCE_ID: "db-fault",
  });
  gateway = await startGateway({ config, logger: pino({ level: "silent" }) });
  api = new ApiClient(gateway.httpUrl, ADMIN_TOKEN);
  world = await seedDemoWorld(api);
  await waitFor(() => gateway.registry.snapshot.signatureByText("云端优选")?.status === "approved", 3000, "seeded registry");
}, 60_000);

afterAll(async () => {
  await esme?.close();
  if (!pg.running()) pg.start();
  await gateway?.stop(2000);
  pg?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

async function httpGet(path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gateway.httpUrl}${path}`);
  return { status: response.status, text: await response.text() };
}

function metric(text: string, name: string, labels = ""): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `) || (labels === "" && l.startsWith(`${name} `)));
  return line ? Number(line.split(" ").at(-1)) : Number.NaN;
}

describe("database faults", () => {
  it("keeps judging while PostgreSQL is down, spools the journal, and writes every refusal exactly once when it is back", async () => {
    const refusedStatus = commandStatusFor("sublet_no_contract");
    esme = await connectEsme(gateway.smppPort, world.accountA);

    // 1. Load with the database up.
    const before = emptyCounts();
    await sendMix(esme, 300, before, { refusedStatus });

    // 2. The server goes away mid-load.
    const during = emptyCounts();
    const loadDuringStop = sendMix(esme, 300, during, { refusedStatus, recipientBase: 1_000_000 });
    pg.stop();
    const stoppedAt = Date.now();
    await loadDuringStop;
    await waitFor(() => !gateway.registry.health().fresh, 5000, "registry marked stale");
    await sendMix(esme, 300, during, { refusedStatus, recipientBase: 2_000_000 });
    await waitFor(() => spoolLines(dataDir) > 0, 5000, "journal spooled to disk");
    const readyDown = await httpGet("/readyz");
    const readyBody = JSON.parse(readyDown.text);
    // The admin API while the database is gone: a 503 problem the client may retry, not a 500.
    const apiDown = await api.get("/enterprises").then(() => undefined, (error: unknown) => error as ApiError);
    const metricsDown = (await httpGet("/metrics")).text;
    const spooledDuringOutage = spoolLines(dataDir);
    // Stay down long enough for postgres.js's default reconnect backoff to grow past 20 s.
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
    const outageMs = Date.now() - stoppedAt;
    const backlogDuringOutage = gateway.journal.backlog();

    // 3. The server comes back.
    const restartedAt = Date.now();
    pg.start();
    const after = emptyCounts();
    await sendMix(esme, 150, after, { refusedStatus, recipientBase: 3_000_000 });
    const freshAfterMs = await waitFor(() => gateway.registry.health().fresh, 10_000, "registry fresh again");
    await gateway.journal.flush();
    await waitFor(async () => {
      await gateway.journal.flush();
      const backlog = gateway.journal.backlog();
      return backlog.spooledBatches === 0 && backlog.inMemory === 0;
    }, 15_000, "journal backlog drained");
    const drainedAfterMs = Date.now() - restartedAt;

    const total = add(before, during, after);
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    const [row] = await sql<{ rows: number; events: number; batches: number }[]>`
      select count(*)::int as rows, count(distinct event_id)::int as events, (select count(*)::int from journal_batches) as batches
      from rejections where reason = 'sublet_no_contract'`;
    await sql.end();

    // 4. A registry change made after the restart reaches the proxy within a second.
    const changedAt = Date.now();
    await api.post(`/signatures/${world.signatures.cloudTech.id}/suspend`, { reason: "fault test: change after restart" });
    const propagationMs = await waitFor(() => gateway.registry.snapshot.signatureByText("云端科技")?.status === "suspended", 3000, "suspension reached the snapshot").catch(() => -1);
    const suspended = await esme.submit({ ...ACCEPTED, destination_addr: "13900000001" });
    const readyUp = await httpGet("/readyz");
    const metricsUp = (await httpGet("/metrics")).text;

    const report = {
      test: "faults/ops/database",
      sent: total.sent,
      accepted: total.accepted,
      refusedByClient: total.refused,
      wrongAnswers: total.wrong,
      outageMs,
      sentDuringOutage: during.sent,
      refusedDuringOutage: during.refused,
      spooledBatchesDuringOutage: spooledDuringOutage,
      backlogDuringOutage,
      readyzDuringOutage: readyDown.status,
      freshMetricDuringOutage: metric(metricsDown, "gatekeeper_registry_fresh"),
      rejectionsInDb: row!.rows,
      distinctEventIds: row!.events,
      journalBatches: row!.batches,
      registryFreshAfterMs: freshAfterMs,
      journalDrainedAfterMs: drainedAfterMs,
      changeAfterRestartMs: propagationMs,
      endToEndChangeMs: Date.now() - changedAt,
      resubscriptions: gateway.registry.health().resubscriptions,
    };
    console.log(JSON.stringify(report));

    expect(total.wrong).toBe(0);
    expect(during.sent).toBe(600);
    expect(during.refused).toBe(400);
    expect(readyDown.status).toBe(503);
    expect(apiDown?.status).toBe(503);
    expect(apiDown?.problem?.code).toBe("UNAVAILABLE");
    expect(readyBody.status).toBe("not ready");
    expect(readyBody.checks.registry.ok).toBe(false);
    expect(readyBody.checks.database.ok).toBe(false);
    expect(metric(metricsDown, "gatekeeper_registry_fresh")).toBe(0);
    expect(metric(metricsDown, "gatekeeper_journal_backlog", '{where="spool_batches"}')).toBeGreaterThan(0);
    expect(spooledDuringOutage).toBeGreaterThan(0);
    expect(row!.rows).toBe(total.refused);
    expect(row!.events).toBe(total.refused);
    expect(readyUp.status).toBe(200);
    expect(metric(metricsUp, "gatekeeper_registry_fresh")).toBe(1);
    expect(propagationMs).toBeGreaterThanOrEqual(0);
    expect(propagationMs).toBeLessThan(1000);
    expect(gateway.registry.health().resubscriptions).toBeGreaterThanOrEqual(1);
    expect(suspended.status).toBe(commandStatusFor("signature_suspended"));
  }, 60_000);
});

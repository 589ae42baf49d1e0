/**
 * The delivery path (smpp/proxy/delivery-queue.ts) over real sockets: held receipts are flushed
 * per account, in order, and counted; what a closing bind had is stored and comes back; an SP
 * that never acknowledges does not make the SMSC wait past its response timer.
 */
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DemoWorld } from "../../../demo/seed.ts";
import { pendingDeliveries } from "../../../src/db/schema/index.ts";
import { connectEsme, type Esme, type EsmeOptions } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

let gateway: TestGateway;
let world: DemoWorld;
const esmes: Esme[] = [];

beforeEach(async () => {
  // One upstream bind: receipts reach the proxy in the order the simulator sends them (its message
  // ids grow), so the order an SP sees can be checked against the ids.
  // A small outbound window (the default is 100) so a few dozen deliveries exercise queueing, fairness and storing.
  gateway = await startTestGateway({ env: { UPSTREAM_BINDS: "1", SMPP_DELIVER_WINDOW: "10" } });
  world = await seedAndSync(gateway);
});
let stopped = false;
afterEach(async () => {
  for (const esme of esmes.splice(0)) await esme.close();
  if (stopped) await gateway.testDatabase.destroy();
  else await gateway.close();
  stopped = false;
});

async function bind(credentials: { systemId: string; password: string }, mode: "transceiver" | "transmitter" | "receiver", options: EsmeOptions = {}) {
  const esme = await connectEsme(gateway.smppPort, credentials, mode, options);
  esmes.push(esme);
  return esme;
}

const message = (i: number) => ({
  source_addr: "1069000101",
  destination_addr: `138000001${String(i % 100).padStart(2, "0")}`,
  service_type: "VER",
  registered_delivery: 1,
  data_coding: 8,
  short_message: { message: `【云端科技】您的验证码是${String(100000 + i)}，5分钟内有效。` },
});

async function submitAll(esme: Esme, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = await esme.submit(message(i));
    expect(result.status).toBe(0);
    ids.push(result.messageId.toLowerCase());
  }
  return ids;
}

async function heldFor(accountId: string): Promise<string[]> {
  const rows = await gateway.database.db.select({ pdu: pendingDeliveries.pdu }).from(pendingDeliveries).where(eq(pendingDeliveries.accountId, accountId)).orderBy(pendingDeliveries.id);
  return rows.map((row) => /id:(\w+)/.exec(Buffer.from(row.pdu, "base64").toString("latin1"))![1]!.toLowerCase());
}

async function heldCount(): Promise<number> {
  const [row] = await gateway.database.db.select({ n: sql<number>`count(*)::int` }).from(pendingDeliveries);
  return Number(row?.n ?? 0);
}

async function metric(kind: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${gateway.httpUrl}/metrics`)).text();
  return Number(new RegExp(`^gatekeeper_deliveries_total\\{kind="${kind}",outcome="${outcome}"\\} (\\d+)`, "m").exec(text)?.[1] ?? 0);
}

const isReceipt = (m: { esm_class: number }) => (m.esm_class & 0x04) === 0x04;
const receiptIds = (esme: Esme) => esme.delivered.filter(isReceipt).map((m) => String(m.receipted_message_id).toLowerCase());

describe("delivering receipts and MO", () => {
  it("flushes held receipts per account: another account's backlog of 120 (more than the 100 rows flushing used to read) does not hide one account's receipt, and each comes in order", async () => {
    const second = await gateway.api.post<{ id: string }>("/accounts", { spId: world.spA.id, systemId: "hx_sp2", password: "hx2pass1", maxBinds: 4, maxSubmitsPerSecond: 1000, defaultCategory: "notification" });
    await waitFor(() => gateway.registry.snapshot.accountsBySystemId.has("hx_sp2"), 5000, "second account in the snapshot");
    const accountA2 = { systemId: "hx_sp2", password: "hx2pass1" };

    // No receiver bound for either account: every receipt is held. A's 120 are older than A2's one.
    const idsA = await submitAll(await bind(world.accountA, "transmitter"), 120);
    await waitFor(() => gateway.simulator!.stats().receiptsAcked === 120, 10_000, "120 receipts of A held and acked to the SMSC");
    const idsA2 = await submitAll(await bind(accountA2, "transmitter"), 1);
    await waitFor(() => gateway.simulator!.stats().receiptsAcked === 121, 10_000, "A2's receipt held and acked");
    expect(await heldFor(second.id)).toHaveLength(1);
    const heldOrderA = await heldFor(world.accountA.id);
    expect([...heldOrderA].sort()).toEqual([...idsA].sort());

    const receiverA2 = await bind(accountA2, "receiver");
    await receiverA2.waitForDelivery(isReceipt, 5000);
    expect(receiptIds(receiverA2)).toEqual(idsA2);
    expect(await heldFor(world.accountA.id)).toHaveLength(120); // A's stay for A

    const receiverA = await bind(world.accountA, "receiver");
    await waitFor(() => receiptIds(receiverA).length === 120, 10_000, "A's 120 receipts");
    expect(receiptIds(receiverA)).toEqual(heldOrderA); // oldest first, as held
    await waitFor(async () => (await heldCount()) === 0, 5000, "held rows released");
    expect(await metric("receipt", "flushed")).toBe(121); // counted while flushing
  }, 60_000);

  it("stores what a closing bind had in flight or queued, and delivers it, in order, when the SP binds again", async () => {
    // A slow receiver that drops its link when its 20th receipt arrives (unacknowledged, with
    // others in flight and queued behind it).
    const slow = await bind(world.accountA, "receiver", { ackDelayMs: () => 30 });
    let seen = 0;
    slow.session.on("deliver_sm", () => {
      if (++seen === 20) slow.session.destroy();
    });
    const ids = await submitAll(await bind(world.accountA, "transmitter"), 60);
    await waitFor(async () => gateway.simulator!.stats().receiptsAcked === 60, 15_000, "every receipt delivered or stored, and acked to the SMSC");
    expect(await heldCount()).toBeGreaterThan(0);
    const before = receiptIds(slow);
    const again = await bind(world.accountA, "receiver");
    await waitFor(() => new Set([...before, ...receiptIds(again)]).size === 60, 10_000, "the rest after the rebind");
    const flushed = receiptIds(again);
    expect(flushed).toEqual([...flushed].sort((x, y) => parseInt(x, 16) - parseInt(y, 16))); // in order (the simulator's ids grow)
    expect(ids.filter((id) => !before.includes(id) && !flushed.includes(id))).toEqual([]); // none lost
    await waitFor(async () => (await heldCount()) === 0, 5000, "held rows released");
  }, 60_000);

  it("flushes an SP's held MO alongside its accounts' held receipts, not behind them (one delivery per FIFO per turn)", async () => {
    await submitAll(await bind(world.accountA, "transmitter"), 120);
    await waitFor(() => gateway.simulator!.stats().receiptsAcked === 120, 10_000, "120 receipts held and acked to the SMSC");
    expect(await gateway.simulator!.injectMo({ from: "13800000061", to: "1069000101", text: "收到" })).toBe(0);
    expect(await heldCount()).toBe(121);
    const slow = await bind(world.accountA, "receiver", { ackDelayMs: () => 50 });
    const mo = await slow.waitForDelivery((m) => !isReceipt(m), 5000);
    const position = slow.delivered.indexOf(mo);
    expect(position).toBeLessThan(15); // among the first turns, not after the 120 receipts
    expect(mo).toMatchObject({ source_addr: "13800000061", destination_addr: "1069000101" });
    await waitFor(() => receiptIds(slow).length === 120, 20_000, "the 120 receipts");
    await waitFor(async () => (await heldCount()) === 0, 5000, "held rows released");
    expect(await metric("mo", "flushed")).toBe(1);
  }, 60_000);

  it("answers the SMSC within the wait bound when the SP never acknowledges, then delivers the stored receipt to a working bind", async () => {
    const mute = await bind(world.accountA, "transceiver", { ackDelayMs: () => 60_000 });
    const [id] = await submitAll(mute, 1);
    const sentAt = Date.now();
    await waitFor(() => gateway.simulator!.stats().receiptsAcked === 1, 8000, "the SMSC's deliver_sm answered");
    const waited = Date.now() - sentAt;
    expect(waited).toBeLessThan(7000); // 5 s bound; the simulator's own timer is 10 s
    expect(gateway.simulator!.stats().receiptsRetried).toBe(0);
    expect(await heldCount()).toBe(1);
    mute.session.destroy();
    const working = await bind(world.accountA, "receiver");
    await working.waitForDelivery(isReceipt, 5000);
    expect(receiptIds(working)).toEqual([id]);
    await waitFor(async () => (await heldCount()) === 0, 5000, "held row released");
  }, 30_000);

  it("once an SP has fallen behind, stores its new receipts at once so the SMSC's window is not held 5 s per receipt", async () => {
    const stuck = await bind(world.accountA, "receiver", { ackDelayMs: () => 60_000 });
    const transmitter = await bind(world.accountA, "transmitter");
    await submitAll(transmitter, 3);
    await waitFor(() => gateway.simulator!.stats().receiptsAcked === 3, 8000, "the first 3 answered after the wait bound");
    const started = Date.now();
    const more = await submitAll(transmitter, 20);
    await waitFor(() => gateway.simulator!.stats().receiptsAcked === 23, 15_000, "the next 20 answered");
    const took = Date.now() - started;
    expect(took).toBeLessThan(3000); // before: 5 s each, 10 at a time in the SMSC's window → ~10 s
    expect(gateway.simulator!.stats().receiptsRetried).toBe(0);
    expect(await heldFor(world.accountA.id)).toHaveLength(23);
    stuck.session.destroy();
    const working = await bind(world.accountA, "receiver");
    await waitFor(() => receiptIds(working).length === 23, 10_000, "all 23 to a working bind");
    expect(receiptIds(working).slice(3)).toEqual(more); // in order
    await waitFor(async () => (await heldCount()) === 0, 5000, "held rows released");
  }, 60_000);

  it("stores what is in memory when the gateway stops (SIGTERM path), and answers the SMSC for it before the upstream goes", async () => {
    const slow = await bind(world.accountA, "receiver", { ackDelayMs: () => 60_000 });
    const ids = await submitAll(await bind(world.accountA, "transmitter"), 5);
    await waitFor(() => slow.delivered.length === 5, 10_000, "5 receipts in flight to an SP that does not answer");
    expect(gateway.simulator!.stats().receiptsAcked).toBe(0);
    stopped = true;
    await gateway.stop(2000);
    expect(gateway.simulator!.stats().receiptsAcked).toBe(5); // answered: stored, not lost
    expect((await heldFor(world.accountA.id)).sort()).toEqual([...ids].sort());
  }, 30_000);
});

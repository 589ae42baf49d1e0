/**
 * Receipts under load, through real sockets: 3,000 messages asking for receipts go from a
 * node-smpp transceiver through the proxy to the SMSC simulator, whose receipts come back while
 * the SP acknowledges each deliver_sm slowly (5–20 ms). Every receipt must arrive live, on the
 * bind that is still open, with nothing held in the database and nothing lost.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pendingDeliveries } from "../../../src/db/schema/index.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { waitFor } from "../../helpers/world.ts";
import { cloudMessage, report, startFaultGateway, type FaultWorld } from "./helpers.ts";

const TOTAL = 3000;
const IN_FLIGHT = 50;

let f: FaultWorld;
let esme: Esme;

beforeAll(async () => {
  f = await startFaultGateway();
  await f.gateway.upstream.waitForBinds(2);
  esme = await connectEsme(f.gateway.smppPort, f.world.accountA, "transceiver", { ackDelayMs: () => 5 + Math.random() * 15 });
}, 60_000);
afterAll(async () => {
  await esme?.close();
  await f?.gateway.close();
});

/** gatekeeper_deliveries_total{kind,outcome} from /metrics over HTTP. */
async function deliveryCounts(): Promise<Record<string, number>> {
  const text = await (await fetch(`${f.gateway.httpUrl}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^gatekeeper_deliveries_total\{kind="(\w+)",outcome="(\w+)"\} (\d+)/gm)) counts[`${m[1]}_${m[2]}`] = Number(m[3]);
  return counts;
}

async function heldRows(): Promise<number> {
  const [row] = await f.gateway.database.db.select({ n: sql<number>`count(*)::int` }).from(pendingDeliveries);
  return Number(row?.n ?? 0);
}

describe("receipts under load", () => {
  it("delivers 3,000 of 3,000 receipts live to a slow-acking node-smpp transceiver: 0 held, 0 lost", async () => {
    const started = Date.now();
    const ids = new Set<string>();
    let next = 0;
    let refused = 0;
    let maxHeldWhileBound = 0;
    const watch = setInterval(() => void heldRows().then((n) => (maxHeldWhileBound = Math.max(maxHeldWhileBound, n)), () => {}), 200);
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        const result = await esme.submit({ ...cloudMessage(`load${i}`, `138000${String(i % 100).padStart(5, "0")}`), registered_delivery: 1 });
        if (result.status === 0) ids.add(result.messageId.toLowerCase());
        else refused++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const submittedMs = Date.now() - started;
    expect(refused).toBe(0);
    expect(ids.size).toBe(TOTAL);

    const receipt = (m: { esm_class: number }) => (m.esm_class & 0x04) === 0x04;
    // On a miss, fall through to the report and the assertions below, which say what is missing.
    await waitFor(() => esme.delivered.filter(receipt).length >= TOTAL, 60_000, "3,000 receipts").catch(() => {});
    const receiptsMs = Date.now() - started;
    // The SMSC's deliver_sm is answered right after the SP's ack; let the last answers land.
    await waitFor(() => f.gateway.simulator!.stats().receiptsAcked >= TOTAL, 5000, "the SMSC's receipts acknowledged").catch(() => {});
    clearInterval(watch);
    const receipts = esme.delivered.filter(receipt);
    const receiptIds = receipts.map((m) => String(m.receipted_message_id ?? "").toLowerCase());
    const matched = receiptIds.filter((id) => ids.has(id));
    const distinct = new Set(receiptIds);
    const counts = await deliveryCounts();
    const held = await heldRows();
    const stats = f.gateway.simulator!.stats();
    report("receipts-load node-smpp", {
      sent: TOTAL, accepted: ids.size, receiptsLive: receipts.length, matched: matched.length, distinct: distinct.size,
      heldRowsAtEnd: held, maxHeldRowsWhileBound: maxHeldWhileBound, metricHeld: counts.receipt_held ?? 0, metricDelivered: counts.receipt_delivered ?? 0,
      lost: TOTAL - distinct.size, smscReceiptsSent: stats.receiptsSent, smscAcked: stats.receiptsAcked, smscRetried: stats.receiptsRetried,
      smscAbandoned: stats.receiptsAbandoned, submittedMs, receiptsMs,
    });
    expect(receipts).toHaveLength(TOTAL); // live, on the bind that stayed open the whole time
    expect(matched).toHaveLength(TOTAL); // each receipt's id is one of ours
    expect(distinct.size).toBe(TOTAL); // none twice, none lost
    expect(held).toBe(0);
    expect(maxHeldWhileBound).toBe(0);
    expect(counts.receipt_held ?? 0).toBe(0);
    expect(counts.receipt_delivered).toBe(TOTAL);
    expect(stats.receiptsAcked).toBe(TOTAL);
    expect(stats.receiptsAbandoned).toBe(0);
  }, 120_000);
});

import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator, type SimulatorOptions } from "../../../smpp/simulator/index.ts";
import { encodeText } from "../../../src/text/index.ts";
import { ambiguousReceipts } from "../../../src/db/schema/index.ts";
import type { DemoWorld } from "../../../demo/seed.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { connectEsme, shortMessageText, type Esme, type EsmeMessage } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * Receipts go only to the SP whose message it is, whichever proxy (or run of a proxy) receives
 * them. The SMSC here issues small decimal ids: "16" is also the hex form of 22 and the decimal
 * form of 0x10, so a receipt for SP B's message 16 could be mistaken for SP A's message 10.
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

async function gatewayOn(upstreamSystemId = "gatekeeper"): Promise<TestGateway> {
  const gateway = await startTestGateway({
    env: { UPSTREAM_SMSC_URL: `smpp://${upstreamSystemId}:secret@127.0.0.1:${simulator!.port}`, UPSTREAM_BINDS: "1" },
    database,
  });
  gateways.push(gateway);
  return gateway;
}

async function bind(gateway: TestGateway, account: { systemId: string; password: string }, mode: "transceiver" | "transmitter" | "receiver" = "transceiver"): Promise<Esme> {
  const esme = await connectEsme(gateway.smppPort, account, mode);
  esmes.push(esme);
  return esme;
}

const verificationA = (to: string) => ({
  source_addr: "10690001",
  destination_addr: to,
  service_type: "VER",
  registered_delivery: 1,
  data_coding: 8,
  short_message: Buffer.from(encodeText("【云端科技】您的验证码是 314159。", 8)),
});
const verificationB = (to: string) => ({
  source_addr: "10690002",
  destination_addr: to,
  service_type: "VER",
  registered_delivery: 1,
  data_coding: 8,
  short_message: Buffer.from(encodeText("【星河银行】您的验证码是 271828。", 8)),
});

async function sendAll(esme: Esme, make: (to: string) => Record<string, unknown>, base: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = await esme.submit(make(`138000000${String(base + i).padStart(2, "0")}`));
    expect(result.status).toBe(0);
    ids.push(result.messageId);
  }
  return ids;
}

const receipts = (esme: Esme) => esme.delivered.filter((m) => (m.esm_class & 0x04) === 0x04);
const textId = (m: EsmeMessage) => /\bid:(\S+)/.exec(shortMessageText(m))?.[1];

async function decimalSimulator(extra: Partial<SimulatorOptions> = {}): Promise<void> {
  simulator = await startSimulator({ host: "127.0.0.1", port: 0, messageIdFormat: "decimal", firstMessageId: 10, receiptRetryMs: 200, receiptRetryMaxMs: 1000, receiptMaxAttempts: 30, ...extra });
}

async function deliveriesMetric(gateway: TestGateway, outcome: string): Promise<number> {
  const values = (await gateway.metrics.deliveries.get()).values;
  return values.filter((v) => v.labels.kind === "receipt" && v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
}

describe("receipt routing", () => {
  it("after a restart, a decimal-id SMSC's receipts each go to the SP whose message it is (exact id before any alias)", async () => {
    await decimalSimulator({ receiptDelayMs: 20 });
    database = await createTestDatabase();
    const first = await gatewayOn();
    const world = await seedAndSync(first);
    simulator!.script.holdReceipts(); // the SMSC sends them once the proxy has restarted
    // SP A gets ids 10–15, SP B 16–21: every B id's hex reading is one of A's ids ("16" = 0x10 = "10"…).
    const a = await bind(first, world.accountA, "transmitter");
    const idsA = await sendAll(a, verificationA, 10, 6);
    const b = await bind(first, world.accountB, "transmitter");
    const idsB = await sendAll(b, verificationB, 20, 6);
    expect(idsA).toEqual(["10", "11", "12", "13", "14", "15"]);
    expect(idsB).toEqual(["16", "17", "18", "19", "20", "21"]);
    for (const esme of esmes.splice(0)) await esme.close();
    await first.close(); // graceful: the journal writes the routes
    gateways.splice(0);

    const second = await gatewayOn();
    const receiverA = await bind(second, world.accountA, "receiver");
    const receiverB = await bind(second, world.accountB, "receiver");
    simulator!.script.holdReceipts(false);
    await waitFor(() => receipts(receiverA).length + receipts(receiverB).length >= 12, 10_000, "12 receipts");
    await new Promise((r) => setTimeout(r, 300)); // anything misrouted would show up now
    expect(receipts(receiverA).map((m) => m.receipted_message_id).sort()).toEqual(idsA);
    expect(receipts(receiverB).map((m) => m.receipted_message_id).sort()).toEqual(idsB);
  }, 30_000);

  it("a receipt id that matches two SPs' routes only through aliases is held and counted, never guessed", async () => {
    // The SMSC pads the receipt's id and sends no receipted_message_id TLV: "0000000010" may be
    // message 10 (SP A) or, read as hex, message 16 (SP B).
    await decimalSimulator({ receiptDelayMs: 20, receiptIdFormat: "decimal-padded", receiptIdTlv: false });
    database = await createTestDatabase();
    const gateway = await gatewayOn();
    const world = await seedAndSync(gateway);
    simulator!.script.holdReceipts(); // until both SPs' messages are out, whatever the machine's load
    const a = await bind(gateway, world.accountA);
    const idsA = await sendAll(a, verificationA, 30, 6);
    const b = await bind(gateway, world.accountB);
    const idsB = await sendAll(b, verificationB, 40, 1);
    expect(idsA).toEqual(["10", "11", "12", "13", "14", "15"]);
    expect(idsB).toEqual(["16"]);
    simulator!.script.holdReceipts(false);

    // 11–15 match one route each (their hex readings 17–21 were never issued): delivered to SP A.
    await waitFor(() => receipts(a).length >= 5, 8000, "SP A's unambiguous receipts");
    await waitFor(async () => (await deliveriesMetric(gateway, "ambiguous")) >= 2, 8000, "two ambiguous receipts");
    await new Promise((r) => setTimeout(r, 500));
    expect(receipts(a).map(textId).sort()).toEqual(["0000000011", "0000000012", "0000000013", "0000000014", "0000000015"]);
    expect(receipts(b)).toEqual([]);
    const held = await database.db.select().from(ambiguousReceipts);
    expect(held.map((row) => [row.receiptId, row.candidates.split(" ").sort()]).sort()).toEqual([
      ["0000000010", ["10", "16"]],
      ["0000000016", ["10", "16"]],
    ]);
    // Held as received, so an operator can still hand it over.
    expect(Buffer.from(held[0]!.pdu, "base64").toString("latin1")).toContain(`id:${held[0]!.receiptId} `);
  }, 30_000);

  it("a receipt reaching the proxy that did not send the message goes to the right SP (two proxies, one database)", async () => {
    await decimalSimulator({ receiptDelayMs: 20, receiptBinds: "rotate" });
    database = await createTestDatabase();
    const sender = await gatewayOn();
    const world = await seedAndSync(sender);
    const other = await gatewayOn();
    await waitFor(() => other.registry.snapshot.signatureByText("云端优选")?.status === "approved", 3000, "registry on the second proxy");
    // Each SP has a receiver on both proxies; only the first proxy sends.
    const a = await bind(sender, world.accountA);
    const b = await bind(sender, world.accountB);
    const aOther = await bind(other, world.accountA, "receiver");
    const bOther = await bind(other, world.accountB, "receiver");
    simulator!.script.holdReceipts();
    const idsA = await sendAll(a, verificationA, 50, 6);
    const idsB = await sendAll(b, verificationB, 60, 6);
    await sender.journal.flush(); // the routes are in the database (the race with the batch has its own test below)
    simulator!.script.holdReceipts(false);
    const all = () => [...receipts(a), ...receipts(b), ...receipts(aOther), ...receipts(bOther)];
    await waitFor(() => all().length >= 12, 10_000, "12 receipts");
    await new Promise((r) => setTimeout(r, 300));
    expect([...receipts(a), ...receipts(aOther)].map((m) => m.receipted_message_id).sort()).toEqual(idsA);
    expect([...receipts(b), ...receipts(bOther)].map((m) => m.receipted_message_id).sort()).toEqual(idsB);
    // The SMSC alternated between the two proxies' binds: half the receipts came through the proxy that never saw the message.
    expect(receipts(aOther).length + receipts(bOther).length).toBe(6);
    expect(await deliveriesMetric(other, "delivered")).toBe(6);
  }, 30_000);

  it("a receipt that reaches the other proxy before the sender's journal batch has landed still goes to its SP", async () => {
    // Receipts 20 ms after the answer: well inside the 200 ms batch window of the proxy that sent.
    await decimalSimulator({ receiptDelayMs: 20, receiptBinds: "rotate" });
    database = await createTestDatabase();
    const sender = await gatewayOn();
    const world = await seedAndSync(sender);
    const other = await gatewayOn();
    const a = await bind(sender, world.accountA);
    const aOther = await bind(other, world.accountA, "receiver");
    const ids = await sendAll(a, verificationA, 70, 6);
    await waitFor(() => receipts(a).length + receipts(aOther).length >= 6, 8000, "6 receipts");
    expect([...receipts(a), ...receipts(aOther)].map((m) => m.receipted_message_id).sort()).toEqual(ids);
    expect(receipts(aOther).length).toBe(3);
    expect(await deliveriesMetric(other, "unroutable")).toBe(0);
  }, 30_000);

  for (const restart of [false, true]) {
    it(`submit_multi: every destination's receipt carries the one message_id the SP was given, in the TLV and in the text${restart ? " (after a restart)" : ""}`, async () => {
      // The SMSC answers in hex and writes the decimal form in the receipt text, as many do.
      simulator = await startSimulator({ host: "127.0.0.1", port: 0, receiptDelayMs: 20, receiptIdFormat: "decimal" });
      database = await createTestDatabase();
      let gateway = await gatewayOn();
      const world = await seedAndSync(gateway);
      let sp = await bind(gateway, world.accountA);
      if (restart) simulator.script.holdReceipts();
      const destinations = ["13800000091", "13800000092", "13800000093"];
      const result = await sp.submitMulti({
        ...verificationA(""),
        destination_addr: undefined,
        dest_address: destinations.map((destination_addr) => ({ destination_addr })),
      });
      expect(result.status).toBe(0);
      expect(result.unsuccess).toEqual([]);
      // The SMSC issued one id per destination; the SP knows only one of them.
      const issued = simulator.received.all().filter((m) => destinations.includes(m.destinationAddr)).map((m) => m.messageId);
      expect(new Set(issued).size).toBe(3);
      expect(issued).toContain(result.messageId);
      if (restart) {
        // The routes (with the SP's id) now come from the database only.
        for (const esme of esmes.splice(0)) await esme.close();
        await gateway.close();
        gateways.splice(0);
        gateway = await gatewayOn();
        sp = await bind(gateway, world.accountA);
        simulator.script.holdReceipts(false);
      }
      await waitFor(() => receipts(sp).length >= 3, 8000, "three receipts");
      await new Promise((r) => setTimeout(r, 200));
      const got = receipts(sp);
      expect(got.map((m) => m.source_addr).sort()).toEqual(destinations);
      for (const receipt of got) {
        expect(receipt.receipted_message_id).toBe(result.messageId);
        expect(textId(receipt)).toBe(BigInt(`0x${result.messageId}`).toString(10));
        // The rest of the text is as the SMSC wrote it.
        expect(shortMessageText(receipt)).toMatch(/ sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:$/);
        expect(receipt.message_state).toBe(2);
      }
    }, 30_000);
  }
});

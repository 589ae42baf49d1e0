import { describe, expect, it } from "vitest";
import type { SimulatorOptions } from "../../../smpp/simulator/index.ts";
import { encodeText } from "../../../src/text/index.ts";
import { ambiguousReceipts } from "../../../src/db/schema/index.ts";
import type { DemoWorld } from "../../../demo/seed.ts";
import { shortMessageText, type Esme, type EsmeMessage } from "../../helpers/esme.ts";
import type { TestGateway } from "../../helpers/gateway.ts";
import { useSharedProxies } from "../../helpers/proxies.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * Receipts go only to the SP whose message it is, whichever proxy (or run of a proxy) receives
 * them. The SMSC here issues small decimal ids: "16" is also the hex form of 22 and the decimal
 * form of 0x10, so a receipt for SP B's message 16 could be mistaken for SP A's message 10.
 */
const proxies = useSharedProxies();

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

/** The shared proxies' database, and an SMSC issuing small decimal ids. */
async function startDecimal(extra: Partial<SimulatorOptions> = {}): Promise<void> {
  await proxies.start({ messageIdFormat: "decimal", firstMessageId: 10, receiptRetryMs: 200, receiptRetryMaxMs: 1000, receiptMaxAttempts: 30, ...extra });
}

async function deliveriesMetric(gateway: TestGateway, outcome: string): Promise<number> {
  const values = (await gateway.metrics.deliveries.get()).values;
  return values.filter((v) => v.labels.kind === "receipt" && v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
}

describe("receipt routing", () => {
  it("after a restart, a decimal-id SMSC's receipts each go to the SP whose message it is (exact id before any alias)", async () => {
    await startDecimal({ receiptDelayMs: 20 });
    const first = await proxies.gateway();
    const world = await seedAndSync(first);
    proxies.simulator.script.holdReceipts(); // the SMSC sends them once the proxy has restarted
    // SP A gets ids 10–15, SP B 16–21: every B id's hex reading is one of A's ids ("16" = 0x10 = "10"…).
    const a = await proxies.bind(first, world.accountA, "transmitter");
    const idsA = await sendAll(a, verificationA, 10, 6);
    const b = await proxies.bind(first, world.accountB, "transmitter");
    const idsB = await sendAll(b, verificationB, 20, 6);
    expect(idsA).toEqual(["10", "11", "12", "13", "14", "15"]);
    expect(idsB).toEqual(["16", "17", "18", "19", "20", "21"]);
    await proxies.stop(first); // graceful: the journal writes the routes

    const second = await proxies.gateway();
    const receiverA = await proxies.bind(second, world.accountA, "receiver");
    const receiverB = await proxies.bind(second, world.accountB, "receiver");
    proxies.simulator.script.holdReceipts(false);
    await waitFor(() => receipts(receiverA).length + receipts(receiverB).length >= 12, 10_000, "12 receipts");
    await new Promise((r) => setTimeout(r, 300)); // anything misrouted would show up now
    expect(receipts(receiverA).map((m) => m.receipted_message_id).sort()).toEqual(idsA);
    expect(receipts(receiverB).map((m) => m.receipted_message_id).sort()).toEqual(idsB);
  }, 30_000);

  it("a receipt id that matches two SPs' routes only through aliases is held and counted, never guessed", async () => {
    // The SMSC pads the receipt's id and sends no receipted_message_id TLV: "0000000010" may be
    // message 10 (SP A) or, read as hex, message 16 (SP B).
    await startDecimal({ receiptDelayMs: 20, receiptIdFormat: "decimal-padded", receiptIdTlv: false });
    const gateway = await proxies.gateway();
    const world = await seedAndSync(gateway);
    proxies.simulator.script.holdReceipts(); // until both SPs' messages are out, whatever the machine's load
    const a = await proxies.bind(gateway, world.accountA);
    const idsA = await sendAll(a, verificationA, 30, 6);
    const b = await proxies.bind(gateway, world.accountB);
    const idsB = await sendAll(b, verificationB, 40, 1);
    expect(idsA).toEqual(["10", "11", "12", "13", "14", "15"]);
    expect(idsB).toEqual(["16"]);
    proxies.simulator.script.holdReceipts(false);

    // 11–15 match one route each (their hex readings 17–21 were never issued): delivered to SP A.
    await waitFor(() => receipts(a).length >= 5, 8000, "SP A's unambiguous receipts");
    await waitFor(async () => (await deliveriesMetric(gateway, "ambiguous")) >= 2, 8000, "two ambiguous receipts");
    await new Promise((r) => setTimeout(r, 500));
    expect(receipts(a).map(textId).sort()).toEqual(["0000000011", "0000000012", "0000000013", "0000000014", "0000000015"]);
    expect(receipts(b)).toEqual([]);
    const held = await proxies.database.db.select().from(ambiguousReceipts);
    expect(held.map((row) => [row.receiptId, row.candidates.split(" ").sort()]).sort()).toEqual([
      ["0000000010", ["10", "16"]],
      ["0000000016", ["10", "16"]],
    ]);
    // Held as received, so an operator can still hand it over.
    expect(Buffer.from(held[0]!.pdu, "base64").toString("latin1")).toContain(`id:${held[0]!.receiptId} `);
    // The operator reads them through the API, each with the two SPs' routes it could belong to.
    const listed = (await gateway.api.get<{ items: { receiptId: string; candidates: { smscMessageId: string; spId: string }[] }[] }>("/receipts/ambiguous")).items;
    expect(listed.map((r) => r.receiptId).sort()).toEqual(["0000000010", "0000000016"]);
    for (const receipt of listed) {
      expect(receipt.candidates.map((c) => [c.smscMessageId, c.spId]).sort()).toEqual([["10", world.spA.id], ["16", world.spB.id]]);
    }
  }, 30_000);

  it("a receipt reaching the proxy that did not send the message goes to the right SP (two proxies, one database)", async () => {
    await startDecimal({ receiptDelayMs: 20, receiptBinds: "rotate" });
    const sender = await proxies.gateway();
    const world = await seedAndSync(sender);
    const other = await proxies.gateway();
    await waitFor(() => other.registry.snapshot.signatureByText("云端优选")?.status === "approved", 3000, "registry on the second proxy");
    // Each SP has a receiver on both proxies; only the first proxy sends.
    const a = await proxies.bind(sender, world.accountA);
    const b = await proxies.bind(sender, world.accountB);
    const aOther = await proxies.bind(other, world.accountA, "receiver");
    const bOther = await proxies.bind(other, world.accountB, "receiver");
    proxies.simulator.script.holdReceipts();
    const idsA = await sendAll(a, verificationA, 50, 6);
    const idsB = await sendAll(b, verificationB, 60, 6);
    await sender.journal.flush(); // the routes are in the database (the race with the batch has its own test below)
    proxies.simulator.script.holdReceipts(false);
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
    await startDecimal({ receiptDelayMs: 20, receiptBinds: "rotate" });
    const sender = await proxies.gateway();
    const world = await seedAndSync(sender);
    const other = await proxies.gateway();
    const a = await proxies.bind(sender, world.accountA);
    const aOther = await proxies.bind(other, world.accountA, "receiver");
    const ids = await sendAll(a, verificationA, 70, 6);
    await waitFor(() => receipts(a).length + receipts(aOther).length >= 6, 8000, "6 receipts");
    expect([...receipts(a), ...receipts(aOther)].map((m) => m.receipted_message_id).sort()).toEqual(ids);
    expect(receipts(aOther).length).toBe(3);
    expect(await deliveriesMetric(other, "unroutable")).toBe(0);
  }, 30_000);

  for (const restart of [false, true]) {
    it(`submit_multi: every destination's receipt carries the one message_id the SP was given, in the TLV and in the text${restart ? " (after a restart)" : ""}`, async () => {
      // The SMSC answers in hex and writes the decimal form in the receipt text, as many do.
      await proxies.start({ receiptDelayMs: 20, receiptIdFormat: "decimal" });
      const simulator = proxies.simulator;
      let gateway = await proxies.gateway();
      const world = await seedAndSync(gateway);
      let sp = await proxies.bind(gateway, world.accountA);
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
        await proxies.stop(gateway);
        gateway = await proxies.gateway();
        sp = await proxies.bind(gateway, world.accountA);
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

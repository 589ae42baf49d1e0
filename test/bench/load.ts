/**
 * The load generator: several ESME binds made with our own windowed client (smpp/session/client.ts),
 * each keeping its window full (closed loop, for throughput) or sending at a fixed, paced rate (for
 * latency). Frames are encoded once per mix entry; each send copies its template and writes the
 * recipient's digits (and whether it asks for a receipt) in place, so the generator spends its CPU
 * on the socket, not on encoding.
 *
 * Receipts, as real traffic has them: a share of the messages (default 80%) sets registered_delivery,
 * the binds are transceivers, and every receipt is acknowledged and matched to the message id its
 * submit got. A receipt that never comes is counted as lost.
 */
import { connectSmpp, type SmppClient } from "../../smpp/session/client.ts";
import { encodeSubmitSm } from "../../smpp/wire/encode.ts";
import type { Pdu } from "../../smpp/wire/pdu.ts";
import { receiptedMessageId } from "../../smpp/wire/tlv.ts";
import { paced } from "./child.ts";
import { mixSchedule, optedOutMsisdn, randomMsisdn, type MixEntry } from "./mix.ts";

const MSISDN_LENGTH = 11;

function ucs2(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    bytes[i * 2] = text.charCodeAt(i) >> 8;
    bytes[i * 2 + 1] = text.charCodeAt(i) & 0xff;
  }
  return bytes;
}

interface Template {
  frame: Uint8Array;
  destinationOffset: number;
  /** registered_delivery: after the destination's NUL, esm_class, protocol_id, priority_flag and two empty times. */
  registeredDeliveryOffset: number;
  optedOut: boolean;
}

const RECEIPT_TEXT_ID = /\bid:([0-9A-Za-z_-]{1,65})/;
/** The SMSC may write an id with other leading zeros or case in the receipt than in its submit_sm_resp. */
const idKey = (id: string) => id.trim().toLowerCase().replace(/^0+(?=.)/, "");

/** Receipts the generator waits for, matched by message id, and what came back. */
class ReceiptLedger {
  /** Accepted messages that asked for a receipt and have not got it yet. */
  private readonly awaiting = new Set<string>();
  /** Receipts that overtook their submit_sm_resp (the response is still on its way). */
  private readonly early = new Set<string>();
  requested = 0;
  received = 0;
  /** Receipts for no message of ours, or a second one for the same message. */
  unmatched = 0;

  expect(messageId: string): void {
    this.requested++;
    const key = idKey(messageId);
    if (this.early.delete(key)) this.received++;
    else this.awaiting.add(key);
  }

  receive(pdu: Pdu<"deliver_sm">): void {
    const id = receiptedMessageId(pdu.body.tlvs) ?? RECEIPT_TEXT_ID.exec(Buffer.from(pdu.body.shortMessage).toString("latin1"))?.[1];
    if (id === undefined) return void this.unmatched++;
    const key = idKey(id);
    if (this.awaiting.delete(key)) this.received++;
    else if (this.early.size < 100_000) this.early.add(key);
    else this.unmatched++;
  }

  get outstanding(): number {
    return this.awaiting.size;
  }
}

export class LoadGenerator {
  private readonly templates: Template[];
  private readonly schedule: Uint8Array;
  private counter = 0;
  /** Every answer that was a refusal (non-zero and not 0x58 back-pressure), over the generator's life. */
  refused = 0;
  private note(status: number): void {
    if (status !== 0 && status !== 0x58) this.refused++;
  }

  private constructor(
    readonly clients: SmppClient[],
    mix: MixEntry[],
    private readonly window: number,
    private readonly receiptShare: number,
    readonly receipts: ReceiptLedger,
  ) {
    this.schedule = mixSchedule(mix, 1000);
    this.templates = mix.map((entry) => {
      const frame = encodeSubmitSm(0, {
        serviceType: entry.serviceType,
        sourceAddrTon: 0,
        sourceAddrNpi: 1,
        sourceAddr: entry.sourceAddr,
        destAddrTon: 1,
        destAddrNpi: 1,
        destinationAddr: "0".repeat(MSISDN_LENGTH),
        dataCoding: 8,
        registeredDelivery: 0,
        shortMessage: ucs2(entry.text),
      });
      const destinationOffset = 16 + entry.serviceType.length + 1 + 2 + entry.sourceAddr.length + 1 + 2;
      const registeredDeliveryOffset = destinationOffset + MSISDN_LENGTH + 1 + 3 + 2;
      return { frame, destinationOffset, registeredDeliveryOffset, optedOut: entry.recipient === "opted_out" };
    });
  }

  /** `mode` transmitter: binds that receive nothing (receipts go to the account's other binds). */
  static async connect(options: { port: number; systemId: string; password: string; binds: number; window: number; mix: MixEntry[]; receiptShare?: number; mode?: "transceiver" | "transmitter" }): Promise<LoadGenerator> {
    const receipts = new ReceiptLedger();
    const clients = await Promise.all(
      Array.from({ length: options.binds }, () =>
        connectSmpp({
          host: "127.0.0.1",
          port: options.port,
          systemId: options.systemId,
          password: options.password,
          mode: options.mode ?? "transceiver",
          windowSize: options.window,
          requestTimeoutMs: 30_000,
          enquireLinkIntervalMs: 60_000,
          onDeliverSm: (pdu) => {
            receipts.receive(pdu);
            return { status: 0 };
          },
        }),
      ),
    );
    return new LoadGenerator(clients, options.mix, options.window, options.receiptShare ?? 0.8, receipts);
  }

  /** The next frame of the mix, with a fresh recipient; `receipt` when it asks for one. */
  private next(): { frame: Uint8Array; receipt: boolean } {
    const n = this.counter++;
    const template = this.templates[this.schedule[n % 1000]!]!;
    const frame = template.frame.slice();
    const msisdn = template.optedOut ? optedOutMsisdn(n) : randomMsisdn(n);
    for (let i = 0; i < MSISDN_LENGTH; i++) frame[template.destinationOffset + i] = msisdn.charCodeAt(i);
    // Spread evenly: with a share of 0.8, four messages in every five ask for a receipt.
    const receipt = Math.floor((n + 1) * this.receiptShare) > Math.floor(n * this.receiptShare);
    frame[template.registeredDeliveryOffset] = receipt ? 1 : 0;
    return { frame, receipt };
  }

  /** Submits the next frame; an accepted one that asked for a receipt is then awaited. */
  private send(client: SmppClient): Promise<{ status: number }> {
    const { frame, receipt } = this.next();
    return client.submitFrame(frame).then((result) => {
      if (receipt && result.status === 0 && result.messageId) this.receipts.expect(result.messageId);
      return result;
    });
  }

  /** Waits until every receipt asked for has come (or `timeoutMs` passed); the number still missing. */
  async drainReceipts(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (this.receipts.outstanding > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.receipts.outstanding;
  }

  /** Closed loop: every bind keeps its window full for `seconds`. */
  async saturate(seconds: number): Promise<{ answered: number; seconds: number; perSecond: number; statuses: Record<string, number> }> {
    const statuses = new Map<number, number>();
    let answered = 0;
    let running = true;
    const started = performance.now();
    const done: Promise<void>[] = this.clients.map(
      (client) =>
        new Promise<void>((resolve) => {
          let inFlight = 0;
          const pump = () => {
            while (running && inFlight < this.window) {
              inFlight++;
              this.send(client).then(
                (result) => {
                  inFlight--;
                  answered++;
                  this.note(result.status);
                  statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
                  if (running) pump();
                  else if (inFlight === 0) resolve();
                },
                () => {
                  inFlight--;
                  statuses.set(-1, (statuses.get(-1) ?? 0) + 1);
                  if (running) pump();
                  else if (inFlight === 0) resolve();
                },
              );
            }
          };
          pump();
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    running = false;
    const countedAt = performance.now();
    const countedAnswered = answered;
    await Promise.all(done);
    const elapsed = (countedAt - started) / 1000;
    return { answered: countedAnswered, seconds: elapsed, perSecond: countedAnswered / elapsed, statuses: Object.fromEntries([...statuses].map(([k, v]) => [`0x${k.toString(16)}`, v])) };
  }

  /** Open loop at `rate` msg/s for `seconds`, spread over the binds; latency from send to response. */
  async paced(rate: number, seconds: number): Promise<{ sent: number; answered: number; perSecond: number; latenciesMs: Float64Array; late: number }> {
    const total = Math.round(rate * seconds);
    const latencies = new Float64Array(total);
    let answered = 0;
    let late = 0;
    const started = performance.now();
    let allAnswered: () => void = () => {};
    const answeredAll = new Promise<void>((resolve) => (allAnswered = resolve));
    await paced(rate, total, (index) => {
      const client = this.clients[index % this.clients.length]!;
      if (!client.hasWindowRoom) {
        late++; // the window is full: the path is slower than the offered rate
        return false;
      }
      const at = performance.now();
      this.send(client).then(
        (result) => {
          latencies[index] = performance.now() - at;
          this.note(result.status);
          if (++answered === total) allAnswered();
        },
        () => {
          latencies[index] = Number.NaN;
          if (++answered === total) allAnswered();
        },
      );
    });
    await answeredAll;
    const elapsed = (performance.now() - started) / 1000;
    // paced() returns once every message is sent.
    return { sent: total, answered, perSecond: answered / elapsed, latenciesMs: latencies, late };
  }

  /** One message at a time until `accept(status)` (for the change-latency probe). */
  async probeUntil(frame: () => Uint8Array, accept: (status: number) => boolean, timeoutMs: number): Promise<number> {
    const started = performance.now();
    const client = this.clients[0]!;
    for (;;) {
      const { status } = await client.submitFrame(frame());
      this.note(status);
      if (accept(status)) return performance.now();
      if (performance.now() - started > timeoutMs) throw new Error(`probe timed out (last status 0x${status.toString(16)})`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.unbind().catch(() => {})));
  }
}

export function percentile(values: Float64Array | number[], p: number): number {
  const sorted = Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

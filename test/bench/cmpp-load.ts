/**
 * CMPP load for the bench: `connections` SPs' links (CMPP 3.0, the spec client's frame builders),
 * each keeping `window` SUBMITs in flight (the specification's 16), the same message mix as the
 * SMPP load, every status report answered and counted.
 */
import net from "node:net";
import { connectFrame, chinaTimestamp, deliverRespFrame, ID, parseDeliver, submitFrame } from "../cmpp/spec-client.ts";
import { mixSchedule, optedOutMsisdn, randomMsisdn, type MixEntry } from "./mix.ts";

const ucs2 = (text: string) => Buffer.from(text, "utf16le").swap16();

class Link {
  private buffer: Buffer = Buffer.alloc(0);
  /** Sequence_Id → whether that SUBMIT asked for a status report. */
  private readonly asked = new Map<number, boolean>();
  private seq = 1;
  inFlight = 0;
  onSubmitResp: (result: number, askedReport: boolean) => void = () => {};
  onReport: () => void = () => {};
  private connected?: (status: number) => void;

  constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.data(chunk));
    socket.on("error", () => {});
  }

  static async open(port: number, code: string, secret: string): Promise<Link> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
    });
    socket.setNoDelay(true);
    const link = new Link(socket);
    const status = await new Promise<number>((resolve) => {
      link.connected = resolve;
      socket.write(connectFrame(link.seq++, { sourceAddr: code, secret, versionByte: 0x30, timestamp: chinaTimestamp(Date.now()) }));
    });
    if (status !== 0) throw new Error(`CONNECT refused: ${status}`);
    return link;
  }

  send({ frame, report }: { frame: Buffer; report: boolean }): void {
    this.asked.set(this.seq, report);
    frame.writeUInt32BE(this.seq++, 8);
    this.inFlight++;
    this.socket.write(frame);
  }

  private data(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let offset = 0;
    while (this.buffer.length - offset >= 12) {
      const length = this.buffer.readUInt32BE(offset);
      if (this.buffer.length - offset < length) break;
      const commandId = this.buffer.readUInt32BE(offset + 4);
      const sequence = this.buffer.readUInt32BE(offset + 8);
      const body = this.buffer.subarray(offset + 12, offset + length);
      if (commandId === ID.CONNECT_RESP) this.connected?.(body.readUInt32BE(0));
      else if (commandId === ID.SUBMIT_RESP) {
        this.inFlight--;
        const report = this.asked.get(sequence) ?? false;
        this.asked.delete(sequence);
        this.onSubmitResp(body.readUInt32BE(8), report);
      } else if (commandId === ID.DELIVER) {
        const deliver = parseDeliver(Buffer.from(body), 3);
        this.socket.write(deliverRespFrame(sequence, 3, deliver.msgId, 0));
        if (deliver.registeredDelivery === 1) this.onReport();
      } else if (commandId === ID.ACTIVE_TEST) {
        const resp = Buffer.alloc(13);
        resp.writeUInt32BE(13, 0);
        resp.writeUInt32BE(ID.ACTIVE_TEST_RESP, 4);
        resp.writeUInt32BE(sequence, 8);
        this.socket.write(resp);
      }
      offset += length;
    }
    this.buffer = this.buffer.subarray(offset);
  }
}

export class CmppLoad {
  receipts = { requested: 0, received: 0 };
  private n = 0;
  private readonly schedule: Uint8Array;

  private constructor(private readonly links: Link[], private readonly mix: MixEntry[], private readonly code: string, private readonly window: number, private readonly receiptShare: number) {
    this.schedule = mixSchedule(mix);
    for (const link of links) link.onReport = () => this.receipts.received++;
  }

  static async connect(o: { port: number; code: string; secret: string; connections: number; window: number; mix: MixEntry[]; receiptShare: number }): Promise<CmppLoad> {
    const links: Link[] = [];
    for (let i = 0; i < o.connections; i++) links.push(await Link.open(o.port, o.code, o.secret));
    return new CmppLoad(links, o.mix, o.code, o.window, o.receiptShare);
  }

  private frame(): { frame: Buffer; report: boolean } {
    const n = this.n++;
    const entry = this.mix[this.schedule[n % this.schedule.length]!]!;
    const receipt = (n % 100) / 100 < this.receiptShare;
    return { report: receipt, frame: submitFrame(0, 3, {
      msgSrc: this.code, srcId: entry.sourceAddr, serviceId: entry.serviceType, msgFmt: 8, registeredDelivery: receipt ? 1 : 0,
      dest: [entry.recipient === "opted_out" ? optedOutMsisdn(n) : randomMsisdn(n)], content: ucs2(entry.text),
    }) };
  }

  /** Every link keeps `window` SUBMITs in flight for `seconds`; resolves with the answers per second and Results seen. */
  async saturate(seconds: number): Promise<{ perSecond: number; answered: number; seconds: number; results: Record<string, number> }> {
    const results: Record<string, number> = {};
    let answered = 0;
    let running = true;
    const started = performance.now();
    await Promise.all(this.links.map((link) => new Promise<void>((resolve) => {
      link.onSubmitResp = (result, report) => {
        answered++;
        if (result === 0 && report) this.receipts.requested++;
        results[result] = (results[result] ?? 0) + 1;
        if (running) link.send(this.frame());
        else if (link.inFlight === 0) resolve();
      };
      for (let i = 0; i < this.window; i++) link.send(this.frame());
      setTimeout(() => {
        running = false;
        if (link.inFlight === 0) resolve();
      }, seconds * 1000);
    })));
    const elapsed = (performance.now() - started) / 1000;
    return { perSecond: answered / elapsed, answered, seconds: elapsed, results };
  }

  async drainReceipts(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.receipts.received < this.receipts.requested && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return this.receipts.requested - this.receipts.received;
  }

  close(): void {
    for (const link of this.links) link.socket.destroy();
  }
}

/**
 * The load generator: several ESME binds made with our own windowed client (smpp/session/client.ts),
 * each keeping its window full (closed loop, for throughput) or sending at a fixed, paced rate (for
 * latency). Frames are encoded once per mix entry; each send copies its template and writes the
 * recipient's digits in place, so the generator spends its CPU on the socket, not on encoding.
 */
import { connectSmpp, type SmppClient } from "../../smpp/session/client.ts";
import { encodeSubmitSm } from "../../smpp/wire/encode.ts";
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
  optedOut: boolean;
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
      return { frame, destinationOffset, optedOut: entry.recipient === "opted_out" };
    });
  }

  static async connect(options: { port: number; systemId: string; password: string; binds: number; window: number; mix: MixEntry[] }): Promise<LoadGenerator> {
    const clients = await Promise.all(
      Array.from({ length: options.binds }, () =>
        connectSmpp({
          host: "127.0.0.1",
          port: options.port,
          systemId: options.systemId,
          password: options.password,
          mode: "transmitter",
          windowSize: options.window,
          requestTimeoutMs: 30_000,
          enquireLinkIntervalMs: 60_000,
        }),
      ),
    );
    return new LoadGenerator(clients, options.mix, options.window);
  }

  /** The next frame of the mix, with a fresh recipient. */
  nextFrame(): Uint8Array {
    const n = this.counter++;
    const template = this.templates[this.schedule[n % 1000]!]!;
    const frame = template.frame.slice();
    const msisdn = template.optedOut ? optedOutMsisdn(n) : randomMsisdn(n);
    for (let i = 0; i < MSISDN_LENGTH; i++) frame[template.destinationOffset + i] = msisdn.charCodeAt(i);
    return frame;
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
              client.submitFrame(this.nextFrame()).then(
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
    let sent = 0;
    let answered = 0;
    let late = 0;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
        while (sent < due) {
          const client = this.clients[sent % this.clients.length]!;
          if (!client.hasWindowRoom) {
            late++; // the window is full: the path is slower than the offered rate
            break;
          }
          const index = sent++;
          const at = performance.now();
          client.submitFrame(this.nextFrame()).then(
            (result) => {
              latencies[index] = performance.now() - at;
              this.note(result.status);
              if (++answered === total) resolve();
            },
            () => {
              latencies[index] = Number.NaN;
              if (++answered === total) resolve();
            },
          );
        }
        if (sent < total) setTimeout(tick, 1);
      };
      tick();
    });
    const elapsed = (performance.now() - started) / 1000;
    return { sent, answered, perSecond: answered / elapsed, latenciesMs: latencies, late };
  }

  /** One message at a time until `accept(status)` (for the change-latency probe). */
  async probeUntil(frame: () => Uint8Array, accept: (status: number) => boolean, timeoutMs: number): Promise<number> {
    const started = performance.now();
    const client = this.clients[0]!;
    for (;;) {
      const { status } = await client.submitFrame(frame());
      this.note(status);
      if (accept(status)) return performance.now();
      if (performance.now() - started > timeoutMs) throw new Error("probe timed out");
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

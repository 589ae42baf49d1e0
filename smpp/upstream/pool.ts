/**
 * The upstream pool: N transceiver binds to the real SMSC, kept up with exponential backoff and
 * jitter, and a submit() that never hangs.
 *
 * Unavailability status: every failure that is ours or the link's rather than the SMSC's answer
 * (no bind up, all windows full beyond the short queue, no response in time, link lost while
 * waiting, pool stopped) resolves with ESME_RTHROTTLED (0x58), `retryable: true`. Why 0x58:
 * Kannel treats it as temporary, pauses the link about a second and re-queues; Jasmin retries it
 * 20×30 s, the longest budget of the temporary codes (ESME_RMSGQFUL gets 2×180 s, ESME_RSYSERR
 * 2×30 s), which rides out an SMSC restart. `failure` tells metrics which case it was.
 * A timeout or a lost link is ambiguous (the SMSC may have taken the message); the ESME retries,
 * so delivery is at-least-once in that case, never silently lost.
 */
import type tls from "node:tls";
import { monotonicClock } from "../../src/lib/clock.ts";
import { CommandStatus, isRetryableStatus } from "../wire/commands.ts";
import type { Pdu } from "../wire/pdu.ts";
import { connectSmpp, type SmppClient } from "../session/client.ts";
import { TypedEmitter } from "../session/events.ts";
import { SmppRequestError } from "../session/pending.ts";
import { parseSmppUrl, redact } from "../session/url.ts";

export const UPSTREAM_UNAVAILABLE_STATUS = CommandStatus.ESME_RTHROTTLED;

export type UpstreamFailure = "no_bind" | "window_full" | "timeout" | "link_lost" | "stopped" | "bad_response";

export interface UpstreamResult {
  status: number;
  messageId?: string;
  /** True for statuses an ESME should retry (ours, or the SMSC's 0x08/0x14/0x58/0x64). */
  retryable: boolean;
  /** Set when the pool answered for the SMSC (see the note on top). */
  failure?: UpstreamFailure;
}

export type ReceivedHandler = (pdu: Pdu<"deliver_sm"> | Pdu<"data_sm">, frame: Uint8Array) => number | Promise<number>;

export interface UpstreamPoolOptions {
  /** smpp://system_id:password@host:port[?binds=2&window=100] or smpps://… */
  url: string;
  binds?: number;
  windowSize?: number;
  systemType?: string;
  tls?: tls.ConnectionOptions;
  requestTimeoutMs?: number;
  enquireLinkIntervalMs?: number;
  connectTimeoutMs?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Submits held while every window is full (default: one window's worth). */
  queueLimit?: number;
  /** How long a held submit may wait for window space (default 500 ms). */
  queueWaitMs?: number;
  /** Receipts and MO from the SMSC. The returned status is the deliver_sm_resp: non-zero makes the SMSC redeliver. */
  onReceived: ReceivedHandler;
}

export interface UpstreamState {
  bindsUp: number;
  bindsTotal: number;
  inFlight: number;
  queued: number;
  windowPerBind: number;
}

export type UpstreamPoolEvents = {
  bindUp: (index: number) => void;
  bindDown: (index: number, reason: string) => void;
  bindFailed: (index: number, error: unknown) => void;
};

interface Slot {
  index: number;
  client: SmppClient | undefined;
  attempts: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Held {
  frame: Uint8Array;
  since: number;
  resolve: (result: UpstreamResult) => void;
}

const unavailable = (failure: UpstreamFailure): UpstreamResult => ({ status: UPSTREAM_UNAVAILABLE_STATUS, retryable: true, failure });

export class UpstreamPool extends TypedEmitter<UpstreamPoolEvents> {
  private readonly slots: Slot[];
  private readonly queue: Held[] = [];
  private readonly settings;
  private readonly sweeper: ReturnType<typeof setInterval>;
  private cursor = 0;
  private stopped = false;

  constructor(private readonly options: UpstreamPoolOptions) {
    super();
    const url = parseSmppUrl(options.url);
    const binds = options.binds ?? url.binds ?? 2;
    const windowSize = options.windowSize ?? url.window ?? 100;
    this.settings = {
      url, windowSize, queueLimit: options.queueLimit ?? windowSize, queueWaitMs: options.queueWaitMs ?? 500,
      initialDelayMs: options.reconnect?.initialDelayMs ?? 500, maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
    };
    this.slots = Array.from({ length: binds }, (_, index) => ({ index, client: undefined, attempts: 0, timer: undefined }));
    this.sweeper = setInterval(() => this.expireHeld(), Math.max(10, this.settings.queueWaitMs / 4));
    this.sweeper.unref?.();
    for (const slot of this.slots) this.connect(slot);
  }

  /** Where the pool connects, password masked. */
  get target(): string {
    return redact(this.options.url);
  }

  state(): UpstreamState {
    let bindsUp = 0;
    let inFlight = 0;
    for (const slot of this.slots) {
      if (slot.client?.state === "bound_trx") bindsUp++;
      inFlight += slot.client?.inFlight ?? 0;
    }
    return { bindsUp, bindsTotal: this.slots.length, inFlight, queued: this.queue.length, windowPerBind: this.settings.windowSize };
  }

  /** Resolves once `count` binds are up (start-up, tests); rejects after `timeoutMs`. */
  async waitForBinds(count = 1, timeoutMs = 10_000): Promise<void> {
    const deadline = monotonicClock() + timeoutMs;
    while (this.state().bindsUp < count) {
      if (monotonicClock() > deadline) throw new Error(`only ${this.state().bindsUp} of ${count} upstream binds up after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Forwards a submit_sm / data_sm PDU exactly as the ESME sent it (copied, new sequence number;
   * the caller keeps its frame). Never rejects and never hangs: see the note on top.
   */
  submit(frame: Uint8Array): Promise<UpstreamResult> {
    if (this.stopped) return Promise.resolve(unavailable("stopped"));
    const client = this.pick();
    if (client !== undefined) return this.send(client, frame);
    if (!this.anyBound()) return Promise.resolve(unavailable("no_bind"));
    if (this.queue.length >= this.settings.queueLimit) return Promise.resolve(unavailable("window_full"));
    return new Promise((resolve) => this.queue.push({ frame, since: monotonicClock(), resolve }));
  }

  async stop(timeoutMs = 2000): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    for (const held of this.queue.splice(0)) held.resolve(unavailable("stopped"));
    const unbinds: Promise<void>[] = [];
    for (const slot of this.slots) {
      clearTimeout(slot.timer);
      if (slot.client) unbinds.push(slot.client.unbind());
    }
    await Promise.race([Promise.all(unbinds), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    for (const slot of this.slots) slot.client?.connection.destroy("pool stopped");
  }

  /** The least-loaded bound client with window room; round-robin among equals. */
  private pick(): SmppClient | undefined {
    let best: SmppClient | undefined;
    let bestIndex = 0;
    const n = this.slots.length;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      const client = this.slots[i]!.client;
      if (client === undefined || !client.hasWindowRoom) continue;
      if (best === undefined || client.inFlight < best.inFlight) {
        best = client;
        bestIndex = i;
      }
    }
    if (best !== undefined) this.cursor = (bestIndex + 1) % n;
    return best;
  }

  private anyBound(): boolean {
    for (const slot of this.slots) if (slot.client !== undefined) return true;
    return false;
  }

  private async send(client: SmppClient, frame: Uint8Array): Promise<UpstreamResult> {
    try {
      const { status, messageId } = await client.submitFrame(frame.slice());
      return { status, retryable: isRetryableStatus(status), ...(status === 0 && { messageId }) };
    } catch (error) {
      const reason = error instanceof SmppRequestError ? error.reason : "closed";
      return unavailable(reason === "timeout" ? "timeout" : reason === "bad_response" ? "bad_response" : reason === "window_full" ? "window_full" : "link_lost");
    } finally {
      this.dispatchHeld();
    }
  }

  private dispatchHeld(): void {
    while (this.queue.length > 0) {
      const client = this.pick();
      if (client === undefined) return;
      const held = this.queue.shift()!;
      this.send(client, held.frame).then(held.resolve);
    }
  }

  private expireHeld(): void {
    const cutoff = monotonicClock() - this.settings.queueWaitMs;
    while (this.queue.length > 0 && this.queue[0]!.since <= cutoff) this.queue.shift()!.resolve(unavailable("window_full"));
    if (this.queue.length > 0 && !this.anyBound()) for (const held of this.queue.splice(0)) held.resolve(unavailable("no_bind"));
  }

  private connect(slot: Slot): void {
    if (this.stopped) return;
    const { url, windowSize } = this.settings;
    const o = this.options;
    connectSmpp({
      host: url.host, port: url.port, tls: url.tls ? (o.tls ?? true) : false, systemId: url.systemId, password: url.password,
      mode: "transceiver", windowSize, requestTimeoutMs: o.requestTimeoutMs ?? 10_000, enquireLinkIntervalMs: o.enquireLinkIntervalMs ?? 30_000,
      connectTimeoutMs: o.connectTimeoutMs ?? 5000,
      ...((o.systemType ?? url.systemType) !== undefined && { systemType: o.systemType ?? url.systemType }),
      onDeliverSm: async (pdu, frame) => ({ status: await this.options.onReceived(pdu, frame) }),
      onDataSm: async (pdu, frame) => ({ status: await this.options.onReceived(pdu, frame) }),
    }).then(
      (client) => {
        if (this.stopped || client.state === "closed") {
          client.close();
          if (!this.stopped) this.scheduleReconnect(slot);
          return;
        }
        slot.client = client;
        slot.attempts = 0;
        client.connection.on("close", (reason) => {
          slot.client = undefined;
          this.emit("bindDown", slot.index, reason);
          this.scheduleReconnect(slot);
        });
        this.emit("bindUp", slot.index);
        this.dispatchHeld();
      },
      (error: unknown) => {
        this.emit("bindFailed", slot.index, error);
        this.scheduleReconnect(slot);
      },
    );
  }

  private scheduleReconnect(slot: Slot): void {
    if (this.stopped) return;
    const { initialDelayMs, maxDelayMs } = this.settings;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(slot.attempts, 20));
    slot.attempts++;
    // Full jitter on half the delay: binds that fell together do not all return together.
    const delay = base / 2 + Math.random() * (base / 2);
    slot.timer = setTimeout(() => this.connect(slot), delay);
    slot.timer.unref?.();
  }
}

/** Creates the pool and starts connecting its binds in the background. */
export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  return new UpstreamPool(options);
}

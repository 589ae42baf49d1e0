/**
 * Outgoing requests awaiting their response: a window (max in flight), one timeout for all, and
 * the sequence number generator. Timeouts are swept from the connection's single timer rather
 * than one setTimeout per request: a Map iterates in insertion order, and with one timeout for
 * all, insertion order is deadline order, so a sweep stops at the first live entry.
 */
import { MAX_SEQUENCE } from "../wire/commands.ts";
import type { Pdu } from "../wire/pdu.ts";

export type RequestFailure = "window_full" | "timeout" | "closed" | "not_bound" | "bad_response";

export class SmppRequestError extends Error {
  constructor(
    readonly reason: RequestFailure,
    message: string,
    /** For bad_response: the status the response's body problem maps to. */
    readonly status = 0,
  ) {
    super(message);
    this.name = "SmppRequestError";
  }
}

/** A bind refused by the peer; `status` is the bind_resp command_status. */
export class SmppBindError extends Error {
  constructor(readonly status: number) {
    super(`bind refused with command_status 0x${status.toString(16)}`);
    this.name = "SmppBindError";
  }
}

interface PendingRequest {
  commandId: number;
  deadline: number;
  resolve: (pdu: Pdu) => void;
  reject: (error: SmppRequestError) => void;
}

export class PendingRequests {
  private readonly entries = new Map<number, PendingRequest>();
  private sequence = 0;

  constructor(
    readonly windowSize: number,
    readonly timeoutMs: number,
    /** The last sequence used; the next one is this + 1 (tests start near the wrap). */
    lastSequence = 0,
  ) {
    this.sequence = lastSequence;
  }

  get size(): number {
    return this.entries.size;
  }

  get hasRoom(): boolean {
    return this.entries.size < this.windowSize;
  }

  /** 1..0x7FFFFFFF, wrapping, skipping any number still in flight. */
  nextSequence(): number {
    do {
      this.sequence = this.sequence >= MAX_SEQUENCE ? 1 : this.sequence + 1;
    } while (this.entries.has(this.sequence));
    return this.sequence;
  }

  add(sequence: number, commandId: number, now: number): Promise<Pdu> {
    return new Promise<Pdu>((resolve, reject) => {
      this.entries.set(sequence, { commandId, deadline: now + this.timeoutMs, resolve, reject });
    });
  }

  /** The pending request's command id, removing it; undefined when nothing waits on `sequence`. */
  take(sequence: number): PendingRequest | undefined {
    const entry = this.entries.get(sequence);
    if (entry !== undefined) this.entries.delete(sequence);
    return entry;
  }

  sweep(now: number): void {
    for (const [sequence, entry] of this.entries) {
      if (entry.deadline > now) break;
      this.entries.delete(sequence);
      entry.reject(new SmppRequestError("timeout", `no response to sequence ${sequence} within ${this.timeoutMs} ms`));
    }
  }

  rejectAll(reason: RequestFailure, message: string): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) entry.reject(new SmppRequestError(reason, message));
  }
}

/**
 * Our requests awaiting a response: the window, one timeout for all (so insertion order is
 * deadline order and a sweep stops at the first live entry), and Sequence_Id allocation.
 */
export type RequestFailure = "window_full" | "timeout" | "closed" | "not_connected" | "bad_response";

export class CmppRequestError extends Error {
  constructor(readonly reason: RequestFailure, message: string) {
    super(message);
    this.name = "CmppRequestError";
  }
}

interface Entry {
  responseId: number;
  deadline: number;
  resolve: (frame: Uint8Array) => void;
  reject: (error: CmppRequestError) => void;
}

export class PendingRequests {
  private readonly entries = new Map<number, Entry>();
  private last = 0;

  constructor(readonly windowSize: number, readonly timeoutMs: number) {}

  get size(): number {
    return this.entries.size;
  }

  get hasRoom(): boolean {
    return this.entries.size < this.windowSize;
  }

  /** 1..0xFFFFFFFF, wrapping, skipping numbers still in flight. */
  nextSequence(): number {
    do this.last = this.last >= 0xffffffff ? 1 : this.last + 1;
    while (this.entries.has(this.last));
    return this.last;
  }

  add(sequenceId: number, responseId: number, now: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.entries.set(sequenceId, { responseId, deadline: now + this.timeoutMs, resolve, reject });
    });
  }

  /** The entry waiting for this response, removed; undefined when none waits (or another command does). */
  take(sequenceId: number, responseId: number): Entry | undefined {
    const entry = this.entries.get(sequenceId);
    if (entry === undefined || entry.responseId !== responseId) return undefined;
    this.entries.delete(sequenceId);
    return entry;
  }

  sweep(now: number): void {
    for (const [sequenceId, entry] of this.entries) {
      if (entry.deadline > now) break;
      this.entries.delete(sequenceId);
      entry.reject(new CmppRequestError("timeout", `no response to Sequence_Id ${sequenceId} within ${this.timeoutMs} ms`));
    }
  }

  rejectAll(reason: RequestFailure, message: string): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) entry.reject(new CmppRequestError(reason, message));
  }
}

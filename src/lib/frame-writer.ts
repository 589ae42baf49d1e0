/**
 * A connection's output (SMPP and CMPP sessions): frames are queued and written together once per
 * event-loop turn (a chunk of 100 submits, or 100 upstream responses, becomes one socket write
 * instead of 100; order is kept), with back-pressure: a peer that sends but never reads would make us buffer its answers
 * without bound, so past `maxBacklogBytes` the writer reports itself backed up (the connection
 * stops reading from that peer) until the socket drains.
 */
import type { ByteStream } from "./byte-stream.ts";
import type { MonotonicClock } from "./clock.ts";

export class FrameWriter {
  private outbox: Uint8Array[] = [];
  private outboxBytes = 0;
  private flushScheduled = false;
  /** When the backlog passed the limit (monotonic ms), undefined while it is under. */
  backedUpSince: number | undefined;

  constructor(
    private readonly socket: ByteStream,
    private readonly maxBacklogBytes: number,
    private readonly now: MonotonicClock,
    /** Called when the writer becomes backed up or stops being backed up. */
    private readonly onBackPressure: () => void,
    /** False once the connection is closed: writes are then dropped. */
    private readonly open: () => boolean,
  ) {}

  /** Bytes written and not yet taken by the peer: queued here plus waiting in the socket. */
  get backlogBytes(): number {
    return this.socket.writableLength + this.outboxBytes;
  }

  write(frame: Uint8Array): void {
    if (!this.open() || this.socket.destroyed) return;
    this.outbox.push(frame);
    this.outboxBytes += frame.length;
    // Checked per frame too: one chunk of small requests can ask for many large answers.
    if (this.backedUpSince === undefined && this.backlogBytes > this.maxBacklogBytes) this.checkBacklog();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes what is queued now (close() calls it before ending the socket). */
  readonly flush = (): void => {
    this.flushScheduled = false;
    const frames = this.outbox;
    if (frames.length === 0) return;
    const bytes = this.outboxBytes;
    this.outbox = [];
    this.outboxBytes = 0;
    if (this.socket.destroyed) return;
    if (frames.length === 1) {
      this.socket.write(frames[0]!);
    } else {
      const joined = new Uint8Array(bytes);
      let offset = 0;
      for (const frame of frames) {
        joined.set(frame, offset);
        offset += frame.length;
      }
      this.socket.write(joined);
    }
    this.checkBacklog();
  };

  /** Re-evaluates back-pressure (after a flush, and on the socket's 'drain'). */
  checkBacklog(): void {
    if (!this.open() || this.socket.destroyed) return;
    const backedUp = this.backlogBytes > this.maxBacklogBytes;
    if (backedUp && this.backedUpSince === undefined) {
      this.backedUpSince = this.now();
      this.onBackPressure();
    } else if (!backedUp && this.backedUpSince !== undefined) {
      this.backedUpSince = undefined;
      this.onBackPressure();
    }
  }
}

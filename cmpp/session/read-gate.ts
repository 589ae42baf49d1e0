/**
 * Back-pressure on one socket: while more than `maxBytes` of our output waits to be sent, the
 * connection processes no more frames and the socket is not read; both resume on "drain".
 */
import type { Socket } from "node:net";

export class ReadGate {
  private waiting = false;

  constructor(private readonly socket: Socket, private readonly maxBytes: number) {}

  get full(): boolean {
    return this.socket.writableLength > this.maxBytes;
  }

  /** When the output is full: pause reading, and once it drains call `resume` (unless `stopped()`). */
  holdIfFull(resume: () => void, stopped: () => boolean): void {
    if (!this.full || this.waiting) return;
    this.waiting = true;
    this.socket.pause();
    this.socket.once("drain", () => {
      this.waiting = false;
      if (stopped()) return;
      this.socket.resume();
      resume();
    });
  }
}

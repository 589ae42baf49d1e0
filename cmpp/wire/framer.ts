/**
 * Stream framer for CMPP: socket chunks in, whole frames out.
 *
 * Total_Length counts the whole frame, header included, so it must lie in
 * [12, maxFrameLength]. Anything else means the byte stream can no longer be split into frames:
 * the framer latches a FramingError, drops what it holds, and returns nothing ever again. The
 * connection then closes; CMPP has no generic_nack to say why.
 */
import { DEFAULT_MAX_FRAME_LENGTH, HEADER_LENGTH } from "./constants.ts";

export interface FramingError {
  readonly totalLength: number;
  readonly message: string;
}

export class CmppFramer {
  error: FramingError | undefined;
  private pending: Uint8Array = new Uint8Array(0);
  private offset = 0;

  constructor(readonly maxFrameLength = DEFAULT_MAX_FRAME_LENGTH) {
    if (!Number.isInteger(maxFrameLength) || maxFrameLength < HEADER_LENGTH) {
      throw new RangeError(`maxFrameLength must be an integer of at least ${HEADER_LENGTH}`);
    }
  }

  push(chunk: Uint8Array): void {
    if (this.error !== undefined || chunk.length === 0) return;
    const left = this.pending.length - this.offset;
    if (left === 0) {
      this.pending = chunk;
    } else {
      // Only the unconsumed tail is kept, and it is shorter than one frame (≤ maxFrameLength).
      const joined = new Uint8Array(left + chunk.length);
      joined.set(this.pending.subarray(this.offset), 0);
      joined.set(chunk, left);
      this.pending = joined;
    }
    this.offset = 0;
  }

  /** Bytes received that do not yet form a whole frame. */
  get buffered(): number {
    return this.pending.length - this.offset;
  }

  /** The next whole frame (a view: copy it to keep it past the next push), or undefined. */
  next(): Uint8Array | undefined {
    if (this.error !== undefined) return undefined;
    const available = this.pending.length - this.offset;
    if (available < 4) return undefined;
    const totalLength = readUint32(this.pending, this.offset);
    if (totalLength < HEADER_LENGTH || totalLength > this.maxFrameLength) {
      this.error = {
        totalLength,
        message: totalLength < HEADER_LENGTH
          ? `Total_Length ${totalLength} is shorter than the 12-byte header`
          : `Total_Length ${totalLength} exceeds the maximum of ${this.maxFrameLength}`,
      };
      this.pending = new Uint8Array(0);
      this.offset = 0;
      return undefined;
    }
    if (available < totalLength) return undefined;
    const frame = this.pending.subarray(this.offset, this.offset + totalLength);
    this.offset += totalLength;
    return frame;
  }
}

export function readUint32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! * 0x1000000 + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!)) >>> 0;
}

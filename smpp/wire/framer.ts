/**
 * Incremental framer: socket chunks in, complete PDU frames out, with hard length limits.
 *
 * Zero-copy where the bytes allow it: a frame lying wholly inside one chunk is returned as a
 * subarray of that chunk (socket chunks are fresh buffers, never reused, so the view stays valid
 * for as long as the caller keeps it). Only a frame split across chunks is copied, once, into a
 * buffer allocated at its exact length as soon as that length is known.
 *
 * A length outside [16, maxPduLength] desynchronises the stream for good: the framer latches a
 * FramingError and yields nothing more. The caller answers generic_nack ESME_RINVCMDLEN and closes.
 */
import { HEADER_LENGTH } from "./commands.ts";

export const DEFAULT_MAX_PDU_LENGTH = 16_384;

export interface FramingError {
  readonly commandLength: number;
  /** The offending PDU's command_id and sequence_number when those bytes had arrived, else 0. */
  readonly commandId: number;
  readonly sequenceNumber: number;
  readonly message: string;
}

export class PduFramer {
  readonly maxPduLength: number;
  /** Set once on a bad command_length; the stream cannot be trusted after that. */
  error: FramingError | undefined;

  // Chunks not yet consumed. Usually one; more only while the reader is paused (back-pressure).
  private chunks: Uint8Array[] = [];
  private chunkOffset = 0;
  // A frame being assembled across chunks: allocated at its final length.
  private partial: Uint8Array | undefined;
  private partialFilled = 0;
  // The first bytes of a header split before its 4-byte command_length was complete.
  private readonly lengthBytes = new Uint8Array(4);
  private lengthFilled = 0;

  constructor(maxPduLength = DEFAULT_MAX_PDU_LENGTH) {
    if (maxPduLength < HEADER_LENGTH) throw new RangeError("maxPduLength must be at least 16");
    this.maxPduLength = maxPduLength;
  }

  push(chunk: Uint8Array): void {
    if (this.error || chunk.length === 0) return;
    this.chunks.push(chunk);
  }

  /** True while bytes of an incomplete PDU are held (for the half-sent PDU timeout). */
  get hasPartialFrame(): boolean {
    return this.partial !== undefined || this.lengthFilled > 0 || this.buffered > 0;
  }

  /** Bytes received and not yet returned as part of a frame. */
  get buffered(): number {
    let total = -this.chunkOffset;
    for (const chunk of this.chunks) total += chunk.length;
    return total;
  }

  /** The next complete frame, or undefined when more bytes are needed or framing failed. */
  next(): Uint8Array | undefined {
    while (!this.error) {
      const chunk = this.chunks[0];
      if (chunk === undefined) return undefined;
      const available = chunk.length - this.chunkOffset;
      if (available === 0) {
        this.chunks.shift();
        this.chunkOffset = 0;
        continue;
      }

      if (this.partial !== undefined) {
        const want = this.partial.length - this.partialFilled;
        const take = available < want ? available : want;
        this.partial.set(chunk.subarray(this.chunkOffset, this.chunkOffset + take), this.partialFilled);
        this.partialFilled += take;
        this.chunkOffset += take;
        if (this.partialFilled === this.partial.length) {
          const frame = this.partial;
          this.partial = undefined;
          this.partialFilled = 0;
          return frame;
        }
        continue;
      }

      if (this.lengthFilled === 0 && available >= 4) {
        // Fast path: the length is readable straight from the chunk.
        const start = this.chunkOffset;
        const length = readUint32(chunk, start);
        if (!this.acceptLength(length, chunk, start, available)) return undefined;
        if (available >= length) {
          this.chunkOffset += length;
          return chunk.subarray(start, start + length);
        }
        this.partial = new Uint8Array(length);
        this.partial.set(chunk.subarray(start), 0);
        this.partialFilled = available;
        this.chunkOffset = chunk.length;
        continue;
      }

      // Slow path: fewer than 4 length bytes so far; collect them byte by byte.
      this.lengthBytes[this.lengthFilled++] = chunk[this.chunkOffset++]!;
      if (this.lengthFilled === 4) {
        const length = readUint32(this.lengthBytes, 0);
        this.lengthFilled = 0;
        if (!this.acceptLength(length, undefined, 0, 0)) return undefined;
        this.partial = new Uint8Array(length);
        this.partial.set(this.lengthBytes, 0);
        this.partialFilled = 4;
      }
    }
    return undefined;
  }

  private acceptLength(length: number, chunk: Uint8Array | undefined, start: number, available: number): boolean {
    if (length >= HEADER_LENGTH && length <= this.maxPduLength) return true;
    const haveId = chunk !== undefined && available >= 8;
    const haveSequence = chunk !== undefined && available >= 16;
    this.error = {
      commandLength: length,
      commandId: haveId ? readUint32(chunk, start + 4) : 0,
      sequenceNumber: haveSequence ? readUint32(chunk, start + 12) : 0,
      message:
        length < HEADER_LENGTH
          ? `command_length ${length} is shorter than the 16-byte header`
          : `command_length ${length} exceeds the maximum of ${this.maxPduLength}`,
    };
    this.chunks = [];
    this.partial = undefined;
    return false;
  }
}

export function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

export function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

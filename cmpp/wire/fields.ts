/**
 * Field-level reading and writing. The reader throws FieldError, which only decode.ts catches:
 * nothing thrown here leaves the codec.
 */

export class FieldError extends Error {
  constructor(readonly field: string, message: string, readonly result = 1) {
    super(message);
    this.name = "FieldError";
  }
}

export class FieldReader {
  offset: number;
  constructor(private readonly bytes: Uint8Array, start: number) {
    this.offset = start;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(field: string, n: number): void {
    if (this.remaining < n) {
      throw new FieldError(field, `${field}: needs ${n} byte(s), ${this.remaining} left before Total_Length`, 4);
    }
  }

  u8(field: string): number {
    this.need(field, 1);
    return this.bytes[this.offset++]!;
  }

  u32(field: string): number {
    this.need(field, 4);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return (b[o]! * 0x1000000 + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!)) >>> 0;
  }

  /** 1- or 4-byte unsigned integer (Status/Result width differs per version). */
  uint(field: string, width: 1 | 4): number {
    return width === 1 ? this.u8(field) : this.u32(field);
  }

  u64(field: string): bigint {
    const high = this.u32(field);
    const low = this.u32(field);
    return (BigInt(high) << 32n) | BigInt(low);
  }

  bytesOf(field: string, n: number): Uint8Array {
    this.need(field, n);
    const out = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /**
   * A fixed-width Octet String: printable ASCII, then only NUL bytes to the end of the field.
   * Anything after the first NUL other than NUL is refused: a second value hidden behind the
   * padding could be read differently by another parser.
   */
  octets(field: string, n: number): string {
    this.need(field, n);
    const b = this.bytes;
    const start = this.offset;
    const end = start + n;
    this.offset = end;
    let stop = end;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c === 0) {
        stop = i;
        for (let j = i + 1; j < end; j++) {
          if (b[j] !== 0) throw new FieldError(field, `${field}: byte 0x${b[j]!.toString(16)} after the NUL padding`);
        }
        break;
      }
      if (c < 0x20 || c > 0x7e) throw new FieldError(field, `${field}: byte 0x${c.toString(16)} is not printable ASCII`);
    }
    let text = "";
    for (let i = start; i < stop; i++) text += String.fromCharCode(b[i]!);
    return text;
  }

  end(field: string): void {
    if (this.remaining !== 0) {
      throw new FieldError(field, `${this.remaining} byte(s) after ${field}: Total_Length does not match the body`, 4);
    }
  }
}

/** Writes into a buffer of a known final size; throws RangeError on values that do not fit. */
export class FieldWriter {
  readonly bytes: Uint8Array;
  private offset = 0;
  constructor(length: number) {
    this.bytes = new Uint8Array(length);
  }

  u8(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`${value} does not fit in 1 byte`);
    this.bytes[this.offset++] = value;
    return this;
  }

  u32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${value} does not fit in 4 bytes`);
    const b = this.bytes;
    b[this.offset] = value >>> 24;
    b[this.offset + 1] = (value >>> 16) & 0xff;
    b[this.offset + 2] = (value >>> 8) & 0xff;
    b[this.offset + 3] = value & 0xff;
    this.offset += 4;
    return this;
  }

  uint(value: number, width: 1 | 4): this {
    return width === 1 ? this.u8(value) : this.u32(value);
  }

  u64(value: bigint): this {
    if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`${value} does not fit in 8 bytes`);
    this.u32(Number(value >> 32n));
    return this.u32(Number(value & 0xffffffffn));
  }

  raw(value: Uint8Array, width = value.length): this {
    if (value.length > width) throw new RangeError(`${value.length} bytes do not fit in ${width}`);
    this.bytes.set(value, this.offset);
    this.offset += width;
    return this;
  }

  /** ASCII, NUL-padded to `width`. */
  octets(value: string, width: number, field: string): this {
    if (value.length > width) throw new RangeError(`${field}: "${value}" is longer than ${width} bytes`);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) throw new RangeError(`${field}: character ${i} is not printable ASCII`);
      this.bytes[this.offset + i] = c;
    }
    this.offset += width;
    return this;
  }

  get written(): number {
    return this.offset;
  }
}

/**
 * Values found by the bytes that spell them, without decoding a string first: the fields a
 * million signature rows repeat (SP ids, statuses, scopes, port bindings) are looked up straight
 * from the COPY row's bytes, and `make` decodes a sequence only the first time it is seen. Before,
 * each such field was decoded to a string a row only to find the one already held: a million
 * strings a field, most of the load's garbage. Keys are kept in one byte pool (no object a key);
 * lookups are open addressing on an FNV-1a hash, confirmed byte for byte.
 */
export class ByteInterner<T> {
  private pool = new Uint8Array(4096);
  private poolUsed = 0;
  private starts = new Int32Array(256);
  private lengths = new Int32Array(256);
  private hashes = new Int32Array(256);
  private readonly values: T[] = [];
  /** Slot → entry + 1 (0: empty). */
  private index = new Int32Array(512);

  get size(): number {
    return this.values.length;
  }

  /** The value for bytes[start, end), made by `make` (and kept) the first time those bytes are seen. */
  get(bytes: Uint8Array, start: number, end: number, make: (bytes: Uint8Array, start: number, end: number) => T): T {
    const hash = fnv1a(bytes, start, end);
    const mask = this.index.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.index[slot]! - 1;
      if (entry < 0) return this.add(slot, hash, bytes, start, end, make(bytes, start, end));
      if (this.hashes[entry] === hash && this.matches(entry, bytes, start, end)) return this.values[entry]!;
    }
  }

  private matches(entry: number, bytes: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.lengths[entry] !== length) return false;
    const pool = this.pool;
    const at = this.starts[entry]!;
    for (let i = 0; i < length; i++) if (pool[at + i] !== bytes[start + i]) return false;
    return true;
  }

  private add(slot: number, hash: number, bytes: Uint8Array, start: number, end: number, value: T): T {
    const entry = this.values.length;
    const length = end - start;
    if (this.poolUsed + length > this.pool.length) this.pool = grown(this.pool, this.poolUsed + length);
    this.pool.set(bytes.subarray(start, end), this.poolUsed);
    if (entry === this.starts.length) {
      this.starts = grown(this.starts, entry + 1);
      this.lengths = grown(this.lengths, entry + 1);
      this.hashes = grown(this.hashes, entry + 1);
    }
    this.starts[entry] = this.poolUsed;
    this.lengths[entry] = length;
    this.hashes[entry] = hash;
    this.poolUsed += length;
    this.values.push(value);
    this.index[slot] = entry + 1;
    if (this.values.length * 2 > this.index.length) this.reindex();
    return value;
  }

  /** Twice the slots, every entry placed again (the table stays at most half full). */
  private reindex(): void {
    this.index = new Int32Array(this.index.length * 2);
    const mask = this.index.length - 1;
    for (let entry = 0; entry < this.values.length; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (this.index[slot] !== 0) slot = (slot + 1) & mask;
      this.index[slot] = entry + 1;
    }
  }
}

function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash;
}

/** A copy of `array` with room for at least `needed` elements (doubling). */
function grown<A extends Uint8Array | Int32Array>(array: A, needed: number): A {
  let length = array.length * 2;
  while (length < needed) length *= 2;
  const next = new (array.constructor as new (length: number) => A)(length);
  next.set(array);
  return next;
}

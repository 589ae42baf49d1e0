import { hexKeyAtBytes, recipientKeyAt, slotOf } from "./key-set.ts";

/**
 * Enterprise ordinals (1-based position in the id order the bulk load reads them in) by the UUID's
 * bytes, read as hex from a text COPY row without making a string (`ordinalAt`): how the
 * signatures' rows find their enterprise's id string, shared rather than one string a row. An
 * open-addressing table over the UUIDs' 32-bit words, found only when every word matches. The
 * query sends the UUIDs' last 8 bytes when no two loaded enterprises share them (the database
 * keeps them unique: drizzle/0012_recipient_keys.sql; the table checks it again as it is built),
 * and all 16 bytes otherwise (`bytesSql`, `hexDigits`).
 */
export class UuidOrdinals {
  /** Hex digits a UUID takes in a text COPY row: 16 (its last 8 bytes) or 32. */
  readonly hexDigits: 16 | 32;
  private readonly width: number;
  private readonly words: Uint32Array;
  private readonly index: Int32Array;
  private readonly mask: number;
  private readonly probe = new Uint32Array(4);

  /** From the ids in ordinal order. */
  constructor(idsInOrder: readonly string[]) {
    const all = new Uint32Array(idsInOrder.length * 4);
    idsInOrder.forEach((id, i) => {
      if (!this.idWords(id)) throw new Error(`not a UUID: ${id}`);
      all.set(this.probe, i * 4);
    });
    const count = idsInOrder.length;
    let slots = 16;
    while (slots < count * 2) slots *= 2;
    this.index = new Int32Array(slots);
    this.mask = slots - 1;
    // The last 8 bytes if they tell every enterprise apart, else all 16.
    this.width = 2;
    this.words = new Uint32Array(count * 2);
    for (let i = 0; i < count; i++) this.words.set(all.subarray(i * 4 + 2, i * 4 + 4), i * 2);
    if (!this.indexAll(count)) {
      this.width = 4;
      this.words = all;
      this.index.fill(0);
      this.indexAll(count);
    }
    this.hexDigits = this.width === 2 ? 16 : 32;
  }

  /** The UUID `id`'s four words into `probe`; false when it is not a UUID. */
  private idWords(id: string): boolean {
    const hex = id.replaceAll("-", "");
    if (hex.length !== 32) return false;
    for (let half = 0; half < 2; half++) {
      if (!recipientKeyAt(hex, half * 16, 0, pair)) return false;
      this.probe[half * 2] = pair[0];
      this.probe[half * 2 + 1] = pair[1];
    }
    return true;
  }

  /** The SQL expression of a UUID column's bytes as the table reads them (a bytea). */
  bytesSql(column: string): string {
    return this.width === 2 ? `substr(uuid_send(${column}), 9)` : `uuid_send(${column})`;
  }

  /** The ordinal of the UUID written as `hexDigits` hex digits at `offset`; 0 when unknown or not hex. */
  ordinalAt(bytes: Uint8Array, offset: number): number {
    const probe = this.probe;
    const width = this.width;
    if (!hexWordsAt(bytes, offset, width, probe)) return 0;
    return this.find(probe);
  }

  private find(probe: Uint32Array): number {
    for (let slot = this.slotOf(probe); ; slot = (slot + 1) & this.mask) {
      const ordinal = this.index[slot]!;
      if (ordinal === 0) return 0;
      if (this.matches(ordinal, probe)) return ordinal;
    }
  }

  /** Indexes every UUID; false when two are the same in the words kept. */
  private indexAll(count: number): boolean {
    const probe = this.probe;
    for (let i = 0; i < count; i++) {
      for (let w = 0; w < this.width; w++) probe[w] = this.words[i * this.width + w]!;
      let slot = this.slotOf(probe);
      for (; this.index[slot] !== 0; slot = (slot + 1) & this.mask) if (this.matches(this.index[slot]!, probe)) return false;
      this.index[slot] = i + 1;
    }
    return true;
  }

  private matches(ordinal: number, probe: Uint32Array): boolean {
    const at = (ordinal - 1) * this.width;
    for (let w = 0; w < this.width; w++) if (this.words[at + w] !== probe[w]) return false;
    return true;
  }

  private slotOf(w: Uint32Array): number {
    return this.width === 2 ? slotOf(w[0]!, w[1]!, this.mask) : slotOf(w[0]! ^ w[2]!, w[1]! ^ w[3]!, this.mask);
  }
}

const pair: [number, number] = [0, 0];

/** `count` (2 or 4) big-endian 32-bit words from 8 × `count` hex digits at `offset`, 16 digits at a time; false when one is not a hex digit. */
function hexWordsAt(bytes: Uint8Array, offset: number, count: number, out: Uint32Array): boolean {
  for (let w = 0; w < count; w += 2) {
    if (!hexKeyAtBytes(bytes, offset + w * 8, 0, pair)) return false;
    out[w] = pair[0];
    out[w + 1] = pair[1];
  }
  return true;
}

import { hexKeyAtBytes, int32At, recipientKeyAt, slotOf } from "./key-set.ts";

/**
 * Enterprise ordinals (1-based position in id order, as RegistrySnapshot.setEnterpriseOrdinals
 * numbers them) by the UUID's bytes, read from a COPY row without making a string (as hex in text
 * COPY, `ordinalAt`; raw in binary COPY, `ordinalAtBytes`): an open-addressing table over the
 * UUIDs' 32-bit words, found only when every word matches. The queries send the UUIDs' last 8
 * bytes (random in the UUIDs this product makes) when no two loaded enterprises share them, which
 * the table checks as it is built, and all 16 bytes otherwise (`bytesSql`, `hexDigits`).
 */
export class UuidOrdinals {
  /** Hex digits a UUID takes in a text COPY row: 16 (its last 8 bytes) or 32. */
  readonly hexDigits: 16 | 32;
  /** Every UUID's four words, in ordinal order (what a worker thread builds its copy from). */
  readonly allWords: Uint32Array;
  private readonly width: number;
  private readonly words: Uint32Array;
  private readonly index: Int32Array;
  private readonly mask: number;
  private readonly probe = new Uint32Array(4);

  /** From the ids in ordinal order, or from another table's `allWords`. */
  constructor(idsInOrder: readonly string[] | Uint32Array) {
    let all: Uint32Array;
    if (idsInOrder instanceof Uint32Array) all = idsInOrder;
    else {
      all = new Uint32Array(idsInOrder.length * 4);
      idsInOrder.forEach((id, i) => {
        if (!this.idWords(id)) throw new Error(`not a UUID: ${id}`);
        all.set(this.probe, i * 4);
      });
    }
    const count = all.length / 4;
    this.allWords = all;
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

  /** The ordinal of the enterprise `id` (its whole UUID compared); 0 when not loaded. */
  ordinalOfId(id: string): number {
    if (!this.idWords(id)) return 0;
    const probe = this.probe;
    // The words kept tell the loaded enterprises apart, so the one found is the only candidate.
    const ordinal = this.find(this.width === 2 ? probe.subarray(2) : probe);
    const at = (ordinal - 1) * 4;
    return ordinal !== 0 && [0, 1, 2, 3].every((w) => this.allWords[at + w] === probe[w]) ? ordinal : 0;
  }

  /** The ordinal of the UUID bytes (`hexDigits / 2` of them) at `offset`; 0 when unknown. */
  ordinalAtBytes(bytes: Uint8Array, offset: number): number {
    const probe = this.probe;
    for (let w = 0; w < this.width; w++) probe[w] = int32At(bytes, offset + w * 4) >>> 0;
    return this.find(probe);
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

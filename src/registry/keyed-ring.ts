import { nextPowerOfTwo, removeIndexSlot, slotOf } from "./key-set.ts";

/**
 * The storage the proxy's per-message tables share: RouteTable (several entries per key) and, one
 * entry per key (`find`, `rewrite`), LastSenders, DailyMarketingCounters and the velocity counts'
 * RecipientWindows. A ring of entries in typed arrays, in the order they were written, and an
 * open-addressing index over the live ones (linear probing, at most half full, backward-shift
 * deletion).
 *
 * An entry is a 64-bit key (`keyHi`, `keyLo`), a tag (never 0 while live: a payload's ordinal + 1,
 * or a count; 0 marks an entry retired, which no index slot points at) and a time. When the ring is full the oldest entry
 * goes, live or retired. Everything is allocated at the ring's capacity: zeroed pages the kernel
 * maps only as they are written, and nothing is ever copied to grow.
 */
export abstract class KeyedRing {
  protected readonly capacity: number;
  protected readonly keyHi: Uint32Array;
  protected readonly keyLo: Uint32Array;
  /** Per entry: its payload's ordinal + 1 or a count, never 0 while live; 0 marks a retired entry. */
  protected readonly tag: Uint32Array;
  /** When each entry was written (epoch ms). */
  protected readonly at: Float64Array;
  /** Ring position + 1 per index slot; 0 is an empty slot. */
  protected readonly index: Int32Array;
  protected readonly mask: number;
  protected head = 0;
  protected used = 0;
  protected live = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.keyHi = new Uint32Array(this.capacity);
    this.keyLo = new Uint32Array(this.capacity);
    this.tag = new Uint32Array(this.capacity);
    this.at = new Float64Array(this.capacity);
    const slots = nextPowerOfTwo(Math.max(16, this.capacity * 2));
    this.index = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** Live entries. */
  get size(): number {
    return this.live;
  }

  /** Bytes of the ring's own arrays and the index. */
  protected get ringBytes(): number {
    return this.keyHi.byteLength + this.keyLo.byteLength + this.tag.byteLength + this.at.byteLength + this.index.byteLength;
  }

  /** Writes an entry at the ring's end (the oldest goes first when it is full); the caller indexes it. */
  protected append(hi: number, lo: number, tag: number, at: number): number {
    if (this.used === this.capacity) this.evictOldest();
    const position = (this.head + this.used) % this.capacity;
    this.used++;
    this.keyHi[position] = hi;
    this.keyLo[position] = lo;
    this.tag[position] = tag;
    this.at[position] = at;
    return position;
  }

  /** Indexes an appended entry in the first empty slot of its key's run. */
  protected insert(position: number): void {
    let slot = slotOf(this.keyHi[position]!, this.keyLo[position]!, this.mask);
    while (this.index[slot] !== 0) slot = (slot + 1) & this.mask;
    this.index[slot] = position + 1;
    this.live++;
  }

  /** The index slot holding the key (one entry per key), or the empty slot where it would go. */
  protected find(hi: number, lo: number): number {
    const index = this.index;
    for (let slot = slotOf(hi, lo, this.mask); ; slot = (slot + 1) & this.mask) {
      const entry = index[slot]!;
      if (entry === 0 || (this.keyHi[entry - 1] === hi && this.keyLo[entry - 1] === lo)) return slot;
    }
  }

  /**
   * Writes the key's entry anew at the ring's young end and retires its older one (one entry per
   * key); returns the new entry's position. What the older entry carried must be read before: when
   * the ring is full the older entry may be the oldest, evicted by this very write.
   */
  protected rewrite(hi: number, lo: number, tag: number, at: number): number {
    const position = this.append(hi, lo, tag, at);
    const slot = this.find(hi, lo);
    const previous = this.index[slot]!;
    if (previous !== 0) this.tag[previous - 1] = 0; // the slot now points at the new entry
    else this.live++;
    this.index[slot] = position + 1;
    return position;
  }

  /** Retires the entry an index slot points at and empties the slot; returns the entry's position. */
  protected retireSlot(slot: number): number {
    const position = this.index[slot]! - 1;
    removeIndexSlot(this.index, this.mask, slot, this.keyHi, this.keyLo);
    this.tag[position] = 0;
    this.live--;
    return position;
  }

  protected evictOldest(): void {
    const position = this.head;
    this.head = (this.head + 1) % this.capacity;
    this.used--;
    this.evicted(position);
    if (this.tag[position] === 0) return; // retired: nothing points at it
    let slot = slotOf(this.keyHi[position]!, this.keyLo[position]!, this.mask);
    while (this.index[slot] !== position + 1) slot = (slot + 1) & this.mask;
    this.retireSlot(slot);
  }

  /** Called as the oldest entry leaves the ring, before its index slot is emptied. */
  protected evicted(_position: number): void {}
}

/**
 * A compact set of 64-bit keys (open addressing, linear probing) for opt-outs and do-not-disturb.
 * Keys are two uint32 halves stored side by side in one Uint32Array: ten million entries cost
 * about 130 MB, where a Set<string> would take well over a gigabyte, and no BigInt is allocated per
 * lookup. Keys come from keyed hashes and are uniform already. The pair (0,0) marks an empty slot
 * and (0,1) a deleted one; a real key equal to either is remapped.
 */
/** A Key64Set's state (Key64Set.parts). */
export interface Key64SetParts {
  slots: Uint32Array;
  values: Uint32Array | undefined;
  used: number;
  live: number;
  special: boolean[];
  specialValues: number[];
}

export class Key64Set {
  private slots: Uint32Array;
  /** One uint32 per slot when the set carries a value per key (e.g. an expiry in epoch seconds). */
  private values: Uint32Array | undefined;
  private readonly specialValues = [0, 0];
  private mask: number;
  private used = 0; // live entries + tombstones
  private live = 0;
  private readonly special = [false, false];

  constructor(expected = 1024, options: { values?: boolean } = {}) {
    const capacity = nextPowerOfTwo(Math.max(16, Math.ceil(expected / 0.65)));
    this.slots = new Uint32Array(capacity * 2);
    if (options.values) this.values = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  /** The set's state as plain data (its arrays transferable): how a worker thread hands a set it built to the snapshot's thread. */
  parts(): Key64SetParts {
    return { slots: this.slots, values: this.values, used: this.used, live: this.live, special: [...this.special], specialValues: [...this.specialValues] };
  }

  /** The set whose state `parts()` returned (in another thread, its arrays moved rather than copied). */
  static fromParts(parts: Key64SetParts): Key64Set {
    const set = new Key64Set(16, { values: Boolean(parts.values) });
    set.slots = parts.slots;
    set.values = parts.values;
    set.mask = parts.slots.length / 2 - 1;
    set.used = parts.used;
    set.live = parts.live;
    for (const i of [0, 1]) {
      set.special[i] = parts.special[i]!;
      set.specialValues[i] = parts.specialValues[i]!;
    }
    return set;
  }

  get size(): number {
    return this.live + (this.special[0] ? 1 : 0) + (this.special[1] ? 1 : 0);
  }

  get bytes(): number {
    return this.slots.byteLength + (this.values?.byteLength ?? 0);
  }

  /** The value stored with a key (0 when the set carries none), or undefined when the key is absent. */
  valueOf(hi: number, lo: number): number | undefined {
    if (hi === 0 && lo <= 1) return this.special[lo] ? this.specialValues[lo] : undefined;
    const slots = this.slots;
    let i = slotOf(hi, lo, this.mask);
    for (;;) {
      const h = slots[i * 2]!;
      const l = slots[i * 2 + 1]!;
      if (h === hi && l === lo) return this.values ? this.values[i]! : 0;
      if (h === 0 && l === 0) return undefined;
      i = (i + 1) & this.mask;
    }
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo <= 1) return this.special[lo]!;
    const slots = this.slots;
    let i = slotOf(hi, lo, this.mask);
    for (;;) {
      const h = slots[i * 2]!;
      const l = slots[i * 2 + 1]!;
      if (h === hi && l === lo) return true;
      if (h === 0 && l === 0) return false;
      i = (i + 1) & this.mask;
    }
  }

  /**
   * Adds `count` keys (and values) at once, in the order of their slots: ten million random
   * inserts into a table of 100+ MB miss the cache on nearly every one; in slot order, consecutive
   * inserts touch neighbouring memory. A counting sort on the slot's top 16 bits is enough.
   */
  addMany(his: Uint32Array, los: Uint32Array, values: Uint32Array | undefined, count: number): void {
    while ((this.used + count) / (this.mask + 1) > 0.75) this.grow();
    const slotBits = Math.log2(this.mask + 1);
    const shift = Math.max(0, slotBits - 16);
    const buckets = new Uint32Array((1 << Math.min(16, slotBits)) + 1);
    const top = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const bucket = slotOf(his[i]!, los[i]!, this.mask) >>> shift;
      top[i] = bucket;
      buckets[bucket + 1]!++;
    }
    for (let b = 1; b < buckets.length; b++) buckets[b]! += buckets[b - 1]!;
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[buckets[top[i]!]!++] = i;
    for (let j = 0; j < count; j++) {
      const i = order[j]!;
      this.add(his[i]!, los[i]!, values ? values[i]! : 0);
    }
  }

  /** Adds a key (or, for a set with values, sets its value). Returns true when the key was new. */
  add(hi: number, lo: number, value = 0): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo <= 1) {
      const added = !this.special[lo];
      this.special[lo] = true;
      this.specialValues[lo] = value >>> 0;
      return added;
    }
    if ((this.used + 1) / (this.mask + 1) > 0.75) this.resize();
    const slots = this.slots;
    let i = slotOf(hi, lo, this.mask);
    let tombstone = -1;
    for (;;) {
      const h = slots[i * 2]!;
      const l = slots[i * 2 + 1]!;
      if (h === hi && l === lo) {
        if (this.values) this.values[i] = value;
        return false;
      }
      if (h === 0 && l === 1 && tombstone < 0) tombstone = i;
      if (h === 0 && l === 0) break;
      i = (i + 1) & this.mask;
    }
    const at = tombstone >= 0 ? tombstone : i;
    if (tombstone < 0) this.used++;
    slots[at * 2] = hi;
    slots[at * 2 + 1] = lo;
    if (this.values) this.values[at] = value;
    this.live++;
    return true;
  }

  delete(hi: number, lo: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo <= 1) {
      const removed = this.special[lo]!;
      this.special[lo] = false;
      return removed;
    }
    const slots = this.slots;
    let i = slotOf(hi, lo, this.mask);
    for (;;) {
      const h = slots[i * 2]!;
      const l = slots[i * 2 + 1]!;
      if (h === hi && l === lo) {
        slots[i * 2] = 0;
        slots[i * 2 + 1] = 1;
        this.live--;
        return true;
      }
      if (h === 0 && l === 0) return false;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    this.resize(true);
  }

  private resize(grow = false): void {
    const old = this.slots;
    const oldValues = this.values;
    // Grow when mostly live (or asked to); otherwise rebuild at the same size to clear tombstones.
    const capacity = grow || this.live * 2 > this.mask + 1 ? (this.mask + 1) * 2 : this.mask + 1;
    this.slots = new Uint32Array(capacity * 2);
    if (oldValues) this.values = new Uint32Array(capacity);
    this.mask = capacity - 1;
    this.used = 0;
    this.live = 0;
    for (let i = 0; i < old.length; i += 2) {
      const h = old[i]!;
      const l = old[i + 1]!;
      if (h === 0 && l <= 1) continue;
      this.add(h, l, oldValues ? oldValues[i / 2]! : 0);
    }
  }
}

/** The home slot of a 64-bit key in a table of mask + 1 slots (also KeyedRing's index). */
export function slotOf(hi: number, lo: number, mask: number): number {
  return (Math.imul(lo ^ (hi >>> 7), 0x9e3779b1) ^ hi) & mask;
}

/**
 * Empties `slot` of an open-addressing index (linear probing) whose slots hold ring position + 1
 * and whose keys are `keyHi`/`keyLo` by ring position (KeyedRing, keyed-ring.ts). Backward-shift
 * deletion: no tombstones, so lookups stay as short as the load allows.
 */
export function removeIndexSlot(index: Int32Array, mask: number, slot: number, keyHi: Uint32Array, keyLo: Uint32Array): void {
  let hole = slot;
  for (let next = (hole + 1) & mask; index[next] !== 0; next = (next + 1) & mask) {
    const entry = index[next]! - 1;
    const home = slotOf(keyHi[entry]!, keyLo[entry]!, mask);
    // The entry may move into the hole unless its home lies cyclically in (hole, next].
    const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
    if (stays) continue;
    index[hole] = index[next]!;
    hole = next;
  }
  index[hole] = 0;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** murmur3 fmix32: spreads a salt (an enterprise or port ordinal) over all bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The 64-bit key of a recipient hash (hex, from src/lib/pii.ts), optionally combined with a small
 * integer such as an enterprise index, as [hi, lo]. Written into `out` to avoid allocating.
 */
export function recipientKey(recipientHashHex: string, salt: number, out: [number, number]): [number, number] {
  if (recipientKeyAt(recipientHashHex, 0, salt, out)) return out;
  // Not 16 hex digits (a test's made-up hash): whatever parseInt reads of it, as before the table.
  let hi = Number.parseInt(recipientHashHex.slice(0, 8), 16) >>> 0;
  let lo = Number.parseInt(recipientHashHex.slice(8, 16), 16) >>> 0;
  if (salt !== 0) {
    hi = (hi ^ fmix32(salt)) >>> 0;
    lo = (lo ^ fmix32(salt ^ 0x5bd1e995)) >>> 0;
  }
  out[0] = hi;
  out[1] = lo;
  return out;
}

/**
 * The key of a recipient in an enterprise's recipient sets (opt-outs, consents), or in an
 * operator-wide set when `enterpriseId` is undefined: the hash's key (recipientKey, unsalted) XOR
 * the enterprise's UUID's last 8 bytes, as the database's `recipient_key` columns compute it as
 * rows are written (drizzle/0012_recipient_keys.sql), so a full load reads those 8 bytes a row and
 * nothing else. The database keeps the enterprises' last 8 bytes unique, so no two share keys.
 */
export function recipientEnterpriseKey(recipientHash: string, enterpriseId: string | undefined, out: [number, number]): [number, number] {
  recipientKey(recipientHash, 0, out);
  if (enterpriseId === undefined) return out;
  if (!uuidLast8At(enterpriseId, salt)) textKey(enterpriseId, salt);
  out[0] = (out[0] ^ salt[0]) >>> 0;
  out[1] = (out[1] ^ salt[1]) >>> 0;
  return out;
}

const salt: [number, number] = [0, 0];

/**
 * A UUID's last 8 bytes as two 32-bit words — the 4 hex digits after its third dash and the 12
 * after its fourth ("xxxxxxxx-xxxx-xxxx-HHHH-HHHHLLLLLLLL") — into `out`; false when
 * `id` is not a UUID in that form (an id made up in a test: the caller hashes the text instead).
 */
function uuidLast8At(id: string, out: [number, number]): boolean {
  if (id.length !== 36 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) return false;
  let hi = 0;
  let lo = 0;
  for (let i = 19; i < 36; i++) {
    if (i === 23) continue;
    const digit = hexValue(id.charCodeAt(i));
    if (digit < 0) return false;
    if (i < 28) hi = hi * 16 + digit;
    else lo = lo * 16 + digit;
  }
  out[0] = hi >>> 0;
  out[1] = lo >>> 0;
  return true;
}

/** Mixes a salt into a key in place (the same as recipientKey's salting). */
export function saltKey(salt: number, out: [number, number]): void {
  if (salt === 0) return;
  out[0] = (out[0] ^ fmix32(salt)) >>> 0;
  out[1] = (out[1] ^ fmix32(salt ^ 0x5bd1e995)) >>> 0;
}

/** The big-endian 32-bit integer at `at` (signed: a binary COPY length of -1 reads as -1; `>>> 0` for unsigned). */
export function int32At(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

/** recipientKeyAt for 16 ASCII hex digits in a byte buffer (the bulk loader's COPY output); false when one is not a hex digit. */
export function hexKeyAtBytes(bytes: Uint8Array, offset: number, salt: number, out: [number, number]): boolean {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 8; i++) {
    const a = hexValue(bytes[offset + i]!);
    const b = hexValue(bytes[offset + 8 + i]!);
    if (a < 0 || b < 0) return false;
    hi = hi * 16 + a;
    lo = lo * 16 + b;
  }
  out[0] = hi >>> 0;
  out[1] = lo >>> 0;
  saltKey(salt, out);
  return true;
}

/** A hex digit's value by character code (both cases), -1 for any other code below 128. */
const HEX_VALUES = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let d = 0; d < 16; d++) {
    values["0123456789abcdef".charCodeAt(d)] = d;
    values["0123456789ABCDEF".charCodeAt(d)] = d;
  }
  return values;
})();

/** A hex digit's value, -1 for any other character: a table read, no branches per range (the hot path parses recipient hashes several times a message). */
function hexValue(c: number): number {
  return c < 128 ? HEX_VALUES[c]! : -1;
}

/**
 * recipientKey for the hash that starts at `offset` inside a longer string (the loader reads
 * thousands of hashes concatenated in one string), without slicing it out. Returns false when the
 * 16 characters there are not all hex digits: the caller then falls back to recipientKey.
 */
export function recipientKeyAt(text: string, offset: number, salt: number, out: [number, number]): boolean {
  let hi = 0;
  let lo = 0;
  // A non-digit's -1 sets the sign bit of `invalid`; one test after the loop.
  let invalid = 0;
  for (let i = 0; i < 8; i++) {
    const a = hexValue(text.charCodeAt(offset + i));
    const b = hexValue(text.charCodeAt(offset + 8 + i));
    invalid |= a | b;
    hi = (hi << 4) | a;
    lo = (lo << 4) | b;
  }
  if (invalid < 0) return false;
  if (salt !== 0) {
    hi = (hi ^ fmix32(salt)) >>> 0;
    lo = (lo ^ fmix32(salt ^ 0x5bd1e995)) >>> 0;
  }
  out[0] = hi >>> 0;
  out[1] = lo >>> 0;
  return true;
}

/**
 * The 64-bit key of a recipient hash mixed with a salt (a port's or an enterprise's ordinal; 0 for
 * none), written into `out`: its first 16 hex digits, or, for a hash that is not hex (tests, other
 * protectors), the text hashed whole.
 */
export function saltedRecipientKey(recipientHash: string, salt: number, out: [number, number]): [number, number] {
  if (!recipientKeyAt(recipientHash, 0, salt, out)) {
    textKey(recipientHash, out);
    saltKey(salt, out);
  }
  return out;
}

/** A 64-bit key of any text: two independent 32-bit FNV-1a-style hashes, finished with fmix32 (LastSenders for non-hex hashes, RouteTable for message ids). */
export function textKey(text: string, out: [number, number]): void {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  out[0] = fmix32(a);
  out[1] = fmix32(b);
}

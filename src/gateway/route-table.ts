import { slotOf, textKey } from "../registry/key-set.ts";
import { KeyedRing } from "../registry/keyed-ring.ts";

/** Who a message's receipt goes to. */
export interface RouteOwner {
  accountId: string;
  spId: string;
  systemId: string;
}

/** A receipt route: the message id exactly as the SMSC issued it, its owner, and the id the SP was given when it differs (submit_multi). */
export interface RouteEntry extends RouteOwner {
  smscMessageId: string;
  spMessageId: string | null;
}

export interface RouteTableOptions {
  /** The lookup key of an id (DeliveryRelay: canonicalMessageId); ids with the same key are kept side by side. */
  keyOf: (id: string) => string;
  /** Routes kept at most; the oldest go first (default 2,000,000). */
  maxEntries?: number;
  /** A route older than this is never returned (default 3 days). */
  ttlMs?: number;
  /** Bytes of message ids kept at most (default 48 per route); the oldest routes go first when they are full. */
  maxIdBytes?: number;
}

const MIN_ID_BYTES = 16 * 1024;
/** Longer ids (or ids with characters beyond Latin-1) are kept as strings beside the table. */
const MAX_INLINE_ID = 255;

/**
 * The receipt routes a proxy keeps in memory (smpp/proxy/deliveries.ts): one per message it relayed,
 * up to two million, for three days. As a Map of canonical ids to arrays of route objects that was
 * 264 bytes a route and two million objects for the collector to trace (`bun
 * test/bench/memory-maps.ts`). Here a route is a ring entry in typed arrays:
 * - the 64-bit hash of its lookup key, for the index;
 * - its owner (account, SP, system id) as an ordinal into the interned owners;
 * - the time it was written (epoch ms);
 * - where its id's bytes sit in a byte ring (Latin-1, as SMPP writes ids), and their length.
 * The SP's own id (submit_multi only) and ids that do not fit the byte ring are kept in small maps
 * by ring position.
 *
 * The ring and its index are KeyedRing's (registry/keyed-ring.ts; the entry's tag is its owner), used as a
 * multimap; the byte ring is allocated at its cap too (doubling a ring of a million routes stalled
 * the event loop for 148 ms). At a cap the oldest route goes. Writing an id again replaces its
 * route. A lookup checks the key of every hash match against the stored id, so a hash collision
 * never returns another message's route.
 */
export class RouteTable extends KeyedRing {
  private readonly keyOf: (id: string) => string;
  private readonly ttlMs: number;
  private readonly idStart: Uint32Array;
  /** Length of the id in the byte ring; 0 when it is in `outOfLine` (or empty). */
  private readonly idLength: Uint8Array;
  private readonly bytes: Buffer;
  private write = 0;
  private readonly outOfLine = new Map<number, string>();
  private readonly spMessageIds = new Map<number, string>();
  private readonly owners: RouteOwner[] = [];
  private readonly ownerOrdinals = new Map<string, number>();
  private readonly ownerCache = new WeakMap<RouteOwner, number>();
  private readonly key: [number, number] = [0, 0];

  constructor(options: RouteTableOptions) {
    super(options.maxEntries ?? 2_000_000);
    this.keyOf = options.keyOf;
    this.ttlMs = options.ttlMs ?? 3 * 86_400_000;
    this.idStart = new Uint32Array(this.capacity);
    this.idLength = new Uint8Array(this.capacity);
    this.bytes = Buffer.alloc(Math.max(MIN_ID_BYTES, Math.floor(options.maxIdBytes ?? this.capacity * 48)));
  }

  /** Bytes allocated for the typed arrays and the byte ring (resident only as they are written). */
  get byteLength(): number {
    return this.ringBytes + this.idStart.byteLength + this.idLength.byteLength + this.bytes.byteLength;
  }

  /** Keeps the route of `id`, replacing an earlier route of the same id; returns the id's key. */
  add(id: string, owner: RouteOwner, at: number, spMessageId?: string | null): string {
    const ordinal = this.ordinalOf(owner);
    const key = this.keyOf(id);
    const [hi, lo] = this.hashOf(key);
    this.retire(hi, lo, id);
    const inline = id.length <= MAX_INLINE_ID && isLatin1(id) ? id.length : 0;
    const start = inline > 0 ? this.reserve(inline) : this.write;
    const position = this.append(hi, lo, ordinal + 1, at);
    this.idStart[position] = start;
    this.idLength[position] = inline;
    if (inline > 0) {
      this.bytes.write(id, start, inline, "latin1");
      this.write = start + inline === this.bytes.length ? 0 : start + inline;
    } else if (id.length > 0) this.outOfLine.set(position, id);
    if (spMessageId != null && spMessageId !== id) this.spMessageIds.set(position, spMessageId);
    this.insert(position);
    return key;
  }

  /** The live routes whose id has this key, oldest first; undefined when there are none. */
  get(key: string, now: number): RouteEntry[] | undefined {
    const [hi, lo] = this.hashOf(key);
    let positions: number[] | undefined;
    const index = this.index;
    for (let slot = slotOf(hi, lo, this.mask); index[slot] !== 0; slot = (slot + 1) & this.mask) {
      const position = index[slot]! - 1;
      if (this.keyHi[position] !== hi || this.keyLo[position] !== lo) continue;
      if (this.at[position]! + this.ttlMs <= now) continue;
      (positions ??= []).push(position);
    }
    if (!positions) return undefined;
    // Probed in index order; the routes are returned in the order they were written.
    if (positions.length > 1) positions.sort((a, b) => this.age(a) - this.age(b));
    const found: RouteEntry[] = [];
    for (const position of positions) {
      const id = this.idAt(position);
      if (this.keyOf(id) !== key) continue; // a 64-bit hash collision: another message's route
      const owner = this.owners[this.tag[position]! - 1]!;
      found.push({ smscMessageId: id, accountId: owner.accountId, spId: owner.spId, systemId: owner.systemId, spMessageId: this.spMessageIds.get(position) ?? null });
    }
    return found.length > 0 ? found : undefined;
  }

  /** How many entries were written before this one and are still in the ring. */
  private age(position: number): number {
    return (position - this.head + this.capacity) % this.capacity;
  }

  private idAt(position: number): string {
    const length = this.idLength[position]!;
    if (length === 0) return this.outOfLine.get(position) ?? "";
    const start = this.idStart[position]!;
    return this.bytes.toString("latin1", start, start + length);
  }

  private hashOf(key: string): [number, number] {
    textKey(key, this.key);
    return this.key;
  }

  private ordinalOf(owner: RouteOwner): number {
    const cached = this.ownerCache.get(owner);
    if (cached !== undefined && this.owners[cached]!.accountId === owner.accountId && this.owners[cached]!.systemId === owner.systemId && this.owners[cached]!.spId === owner.spId) return cached;
    const name = `${owner.accountId}\u0000${owner.spId}\u0000${owner.systemId}`;
    let ordinal = this.ownerOrdinals.get(name);
    if (ordinal === undefined) {
      ordinal = this.owners.push({ accountId: owner.accountId, spId: owner.spId, systemId: owner.systemId }) - 1;
      this.ownerOrdinals.set(name, ordinal);
    }
    this.ownerCache.set(owner, ordinal);
    return ordinal;
  }

  /** Retires the live route of exactly this id, if there is one. */
  private retire(hi: number, lo: number, id: string): void {
    const index = this.index;
    for (let slot = slotOf(hi, lo, this.mask); index[slot] !== 0; slot = (slot + 1) & this.mask) {
      const position = index[slot]! - 1;
      if (this.keyHi[position] !== hi || this.keyLo[position] !== lo || this.idAt(position) !== id) continue;
      this.spMessageIds.delete(this.retireSlot(slot));
      return;
    }
  }

  protected override evicted(position: number): void {
    if (this.used === 0) this.write = 0;
    this.outOfLine.delete(position);
    this.spMessageIds.delete(position);
  }

  /**
   * Where `length` bytes go in the byte ring: at the write position, or at its start when the end
   * is too short (the end's bytes are skipped). Routes are evicted, oldest first, until they fit.
   * One byte always stays free, so an empty ring and a full one are told apart.
   */
  private reserve(length: number): number {
    for (;;) {
      if (this.used === 0) {
        this.write = 0;
        if (length < this.bytes.length) return 0;
      } else {
        const tail = this.idStart[this.head]!;
        const size = this.bytes.length;
        if (tail > this.write) {
          if (tail - this.write - 1 >= length) return this.write;
        } else {
          // Free: [write, size) and [0, tail); the end may be used up to its last byte unless tail is 0.
          if (size - this.write - (tail === 0 ? 1 : 0) >= length) return this.write;
          if (tail - 1 >= length) return 0;
        }
      }
      if (this.used > 0) this.evictOldest();
      else throw new Error("a message id longer than the byte ring"); // unreachable: MAX_INLINE_ID < MIN_ID_BYTES
    }
  }
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

import { saltedRecipientKey } from "../registry/key-set.ts";
import { KeyedRing } from "../registry/keyed-ring.ts";
import { Interned } from "../lib/interned.ts";

/**
 * The enterprise that last wrote to each recipient from each port, as this proxy saw it. An MO
 * ("T") is attributed to that enterprise (smpp/proxy/deliveries.ts). The shared `last_senders`
 * table is read too, so this is what answers when the table cannot: during the journal's batch
 * window before the row is written, and while the database is away.
 *
 * Every accepted message writes an entry, so a proxy at the cap (1,000,000 by default) holds a
 * million of them. As a Map of `hash|port` strings to objects that was about 330 bytes an entry
 * (`bun test/bench/memory-maps.ts`). Here an entry is 20 bytes in typed arrays plus a slot of the
 * index:
 * - the key is 64 bits: the recipient hash's first 16 hex digits (a keyed hash, uniform already)
 *   mixed with the port's ordinal (a hash that is not hex is hashed as text);
 * - the enterprise is an ordinal into the interned ids;
 * - the time is epoch milliseconds.
 * Ports and enterprises are interned for the life of the process (bounded by the registry).
 *
 * Entries sit in a ring in the order they were written; writing a key again appends it and retires
 * its older entry. When the ring is full the oldest entry goes, live or retired, so after many
 * rewrites slightly fewer than `capacity` keys are kept. An entry older than `ttlMs` is never
 * returned. The ring and its index are KeyedRing's (registry/keyed-ring.ts), the entry's tag its enterprise.
 */
export class LastSenders extends KeyedRing {
  private readonly ports = new Interned();
  private readonly enterprises = new Interned();
  private readonly key: [number, number] = [0, 0];

  constructor(
    capacity = 1_000_000,
    private readonly ttlMs = 30 * 86_400_000,
  ) {
    super(capacity);
  }

  get bytes(): number {
    return this.ringBytes;
  }

  set(recipientHash: string, portId: string, enterpriseId: string, at: number): void {
    const [hi, lo] = this.keyOf(recipientHash, portId);
    this.rewrite(hi, lo, this.enterprises.ordinal(enterpriseId) + 1, at);
  }

  get(recipientHash: string, portId: string, now: number): { enterpriseId: string; at: number } | undefined {
    const [hi, lo] = this.keyOf(recipientHash, portId, false);
    if (hi === -1) return undefined; // a port this proxy never wrote from
    const entry = this.index[this.find(hi, lo)]!;
    if (entry === 0) return undefined;
    const at = this.at[entry - 1]!;
    if (at + this.ttlMs <= now) return undefined;
    return { enterpriseId: this.enterprises.id(this.tag[entry - 1]! - 1), at };
  }

  /** The 64-bit key of (recipient, port); hi = -1 when reading a port never written from. */
  private keyOf(recipientHash: string, portId: string, intern = true): [number, number] {
    const known = intern ? this.ports.ordinal(portId) : this.ports.known(portId);
    if (known === undefined) {
      this.key[0] = -1;
      return this.key;
    }
    // Salted by the port as the opt-out set's keys are by the enterprise (registry/key-set.ts).
    return saltedRecipientKey(recipientHash, known + 1, this.key);
  }
}

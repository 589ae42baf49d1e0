/**
 * Reassembles concatenated messages so the policy judges the whole text: the signature is in the
 * first part, the opt-out hint in the last. The proxy holds every part's submit_sm_resp until the
 * set is complete, then forwards all parts or refuses all of them; `handle` is its per-part token.
 *
 * Bounded in sets, parts, bytes and time. No timers and no clock: the caller passes `now` and
 * calls expire(now) on its own tick, so tests drive time by hand.
 *
 * Any anomaly refuses the whole set (every held handle plus the new one) and remembers the set as
 * refused until `now + timeoutMs`, so its remaining parts are refused on arrival instead of
 * starting a new set that could only time out. All or nothing keeps the handset from receiving
 * a fragment the filter never saw in context.
 */
import type { ConcatenationRejectReason } from "./reasons.ts";

export interface ConcatenationLimits {
  /** Sets waiting for parts at once, across all keys. */
  maxPendingSets: number;
  /** Largest `total` accepted (default and ceiling 255, the UDH's limit). Keep it at or below the
   * ESME's window: a peer that waits for responses before sending more parts cannot finish a
   * set larger than its window while we hold those responses. */
  maxPartsPerSet?: number;
  /** Text held across all sets, counted as UTF-16 storage: 2 bytes per code unit. */
  maxBytesTotal: number;
  /** A set must complete within this long after its first part arrived (not sliding). */
  timeoutMs: number;
}

export interface ConcatenationPart<T> {
  ref: number;
  total: number;
  /** 1-based position in the set. */
  seq: number;
  text: string;
  handle: T;
}

export type AddResult<T> =
  | { state: "incomplete" }
  | { state: "complete"; text: string; handles: T[] }
  /** `handles`: the set's held parts in seq order, then the part just refused. */
  | { state: "rejected"; reason: ConcatenationRejectReason; handles: T[] };

export interface ExpiredSet<T> {
  key: string;
  ref: number;
  total: number;
  /** Parts that had arrived (= handles.length). */
  received: number;
  /** In seq order. */
  handles: T[];
}

export interface ConcatenationStats {
  pendingSets: number;
  pendingParts: number;
  bytes: number;
}

interface PendingSet<T> {
  key: string;
  ref: number;
  total: number;
  deadline: number;
  /** Index seq - 1; sparse until complete. */
  parts: Array<{ text: string; handle: T } | undefined>;
  received: number;
  bytes: number;
}

const UDH_MAX_PARTS = 255;

function heldHandles<T>(set: PendingSet<T>): T[] {
  const handles: T[] = [];
  for (const part of set.parts) if (part) handles.push(part.handle);
  return handles;
}

export class ConcatenationAssembler<T> {
  readonly #maxPendingSets: number;
  readonly #maxPartsPerSet: number;
  readonly #maxBytesTotal: number;
  readonly #timeoutMs: number;
  /** Insertion order = creation order = deadline order while `now` never goes backwards. */
  readonly #sets = new Map<string, PendingSet<T>>();
  /** Recently refused sets: id → reason and until when further parts are refused on sight. */
  readonly #refused = new Map<string, { reason: ConcatenationRejectReason; until: number }>();
  #bytes = 0;
  #parts = 0;

  constructor(limits: ConcatenationLimits) {
    const { maxPendingSets, maxBytesTotal, timeoutMs } = limits;
    const maxPartsPerSet = limits.maxPartsPerSet ?? UDH_MAX_PARTS;
    if (!(maxPendingSets >= 1) || !(maxBytesTotal >= 0) || !(timeoutMs > 0) || !(maxPartsPerSet >= 1)) {
      throw new RangeError("ConcatenationAssembler limits must be positive");
    }
    this.#maxPendingSets = maxPendingSets;
    this.#maxPartsPerSet = Math.min(maxPartsPerSet, UDH_MAX_PARTS);
    this.#maxBytesTotal = maxBytesTotal;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Offer one part. `key` names the conversation the ref belongs to, e.g.
   * `${accountId}|${source}|${dest}|${concat.keyPart}`: per account, not per bind, because an
   * ESME may spread one message's parts over several binds.
   *
   * A set past its deadline still accepts parts until expire(now) collects it: deadlines are as
   * precise as the caller's tick. A part of a recently refused set is refused at once with that
   * set's reason.
   */
  add(key: string, part: ConcatenationPart<T>, now: number): AddResult<T> {
    const { ref, total, seq, text, handle } = part;
    const id = `${key}\u0000${ref}`;
    const refused = this.#refused.get(id);
    if (refused) {
      if (now < refused.until) return { state: "rejected", reason: refused.reason, handles: [handle] };
      this.#refused.delete(id);
    }
    const set = this.#sets.get(id);
    if (!Number.isInteger(total) || !Number.isInteger(seq) || total < 1 || seq < 1 || seq > total) {
      return this.#refuse(id, set, "seq_out_of_range", handle, now);
    }
    if (total > this.#maxPartsPerSet) return this.#refuse(id, set, "too_large", handle, now);
    if (set) {
      if (set.total !== total) return this.#refuse(id, set, "inconsistent_total", handle, now);
      if (set.parts[seq - 1]) return this.#refuse(id, set, "duplicate_part", handle, now);
    } else if (total === 1) {
      return { state: "complete", text, handles: [handle] };
    } else if (this.#sets.size >= this.#maxPendingSets) {
      return this.#refuse(id, undefined, "too_many_pending", handle, now);
    }
    const bytes = text.length * 2;
    if (this.#bytes + bytes > this.#maxBytesTotal) return this.#refuse(id, set, "too_large", handle, now);

    const pending: PendingSet<T> = set ?? { key, ref, total, deadline: now + this.#timeoutMs, parts: new Array(total), received: 0, bytes: 0 };
    if (!set) this.#sets.set(id, pending);
    pending.parts[seq - 1] = { text, handle };
    pending.received++;
    pending.bytes += bytes;
    this.#bytes += bytes;
    this.#parts++;
    if (pending.received < total) return { state: "incomplete" };

    this.#remove(id, pending);
    let joined = "";
    const handles: T[] = [];
    for (const held of pending.parts) {
      joined += held!.text;
      handles.push(held!.handle);
    }
    return { state: "complete", text: joined, handles };
  }

  /** Sets whose deadline is ≤ now, removed; answer each handle with a refusal. */
  expire(now: number): ExpiredSet<T>[] {
    const expired: ExpiredSet<T>[] = [];
    for (const [id, set] of this.#sets) {
      if (set.deadline > now) break;
      this.#remove(id, set);
      expired.push({ key: set.key, ref: set.ref, total: set.total, received: set.received, handles: heldHandles(set) });
    }
    for (const [id, refused] of this.#refused) {
      if (refused.until > now) break;
      this.#refused.delete(id);
    }
    return expired;
  }

  /** Everything held, removed (shutdown, or an account being cut off). */
  drain(): ExpiredSet<T>[] {
    const drained = [...this.#sets.values()].map((set) => ({ key: set.key, ref: set.ref, total: set.total, received: set.received, handles: heldHandles(set) }));
    this.#sets.clear();
    this.#refused.clear();
    this.#bytes = 0;
    this.#parts = 0;
    return drained;
  }

  get stats(): ConcatenationStats {
    return { pendingSets: this.#sets.size, pendingParts: this.#parts, bytes: this.#bytes };
  }

  #remove(id: string, set: PendingSet<T>): void {
    this.#sets.delete(id);
    this.#bytes -= set.bytes;
    this.#parts -= set.received;
  }

  #refuse(id: string, set: PendingSet<T> | undefined, reason: ConcatenationRejectReason, handle: T, now: number): AddResult<T> {
    const handles = set ? heldHandles(set) : [];
    if (set) this.#remove(id, set);
    handles.push(handle);
    // Bounded like the sets: when full, forget the oldest refusal (its stragglers then wait out a
    // timeout instead of being refused at once, which is still a refusal).
    this.#refused.delete(id);
    if (this.#refused.size >= this.#maxPendingSets) this.#refused.delete(this.#refused.keys().next().value!);
    this.#refused.set(id, { reason, until: now + this.#timeoutMs });
    return { state: "rejected", reason, handles };
  }
}

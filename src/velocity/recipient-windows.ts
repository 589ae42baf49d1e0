import { Interned } from "../lib/interned.ts";
import { saltedRecipientKey } from "../registry/key-set.ts";
import { KeyedRing } from "../registry/keyed-ring.ts";
import type { Buckets } from "./windows.ts";

/** The three windows a recipient is counted in, as offsets into its row. */
export const TEN = 0;
export const HOUR = 4;
export const DAY = 8;
export const WINDOWS = [TEN, HOUR, DAY] as const;
/**
 * Within a window: its bucket, and the three parts of its count as this proxy knows it: `SHARED`
 * is the total every proxy had reached at the last exchange, `INFLIGHT` what this proxy is sending
 * right now, `PENDING` what it counted since. The count it judges by is their sum: its own messages
 * count at once, the other proxies' within one flush interval.
 */
const BUCKET = 0;
const SHARED = 1;
const INFLIGHT = 2;
const PENDING = 3;
/** The row's enterprise part: the hour bucket the enterprises are for, and one enterprise inline. */
const ENTERPRISE_BUCKET = 12;
const ENTERPRISE = 13;
const ENTERPRISE_FLAGS = 14;
const STRIDE = 15;

/** Where an enterprise of the hour is known from: the store's set, this proxy's exchange in flight, its counts since. */
export const IN_SHARED = 1;
export const IN_FLIGHT = 2;
export const IN_PENDING = 4;

/**
 * Per recipient, the counts VelocityCounters keeps: three fixed windows (10 minutes, clock hour,
 * China day), each a bucket number and three parts of a count, and the enterprises that sent the
 * recipient a code in the current hour, each with where it is known from (IN_SHARED, IN_FLIGHT,
 * IN_PENDING).
 *
 * Every verification code writes here, so a proxy holds as many recipients as its cap allows. As
 * a Map of hashes to a recipient object with three window objects and its enterprise lists, that
 * was five or six objects a recipient for the collector to trace: with two hundred thousand
 * recipients, full collections stopped the gateway for tens of milliseconds and its added p99 at
 * a paced 5,000 msg/s was 50–84 ms (README, Benchmarks). Here a recipient is an entry of a
 * KeyedRing (its key the hash's first 64 bits, ../registry/keyed-ring.ts) and a row of 15 numbers
 * in one Int32Array: 106 bytes with its share of the index (`bun test/bench/memory-maps.ts`), no
 * object. The first enterprise of the hour is in the row; only a recipient with codes from two or
 * more enterprises in one hour has a list beside it.
 *
 * Rows are addressed by ring position, which changes when a recipient is written again (it moves to
 * the young end, so the recipients dropped at the cap are those counted longest ago): a position is
 * good until the next `touch`.
 */
export class RecipientWindows extends KeyedRing {
  private readonly rows: Int32Array;
  /** Enterprises beyond the inline one, by position: [ordinal + 1, flags, …]. */
  private readonly more = new Map<number, number[]>();
  private readonly enterprises = new Interned();
  private readonly key: [number, number] = [0, 0];
  private readonly saved = new Int32Array(STRIDE);

  constructor(capacity: number) {
    super(capacity);
    this.rows = new Int32Array(this.capacity * STRIDE);
  }

  /** The recipient's row position, or -1 when it has none. */
  positionOf(recipientHash: string): number {
    const [hi, lo] = saltedRecipientKey(recipientHash, 0, this.key);
    return this.index[this.find(hi, lo)]! - 1;
  }

  /** The recipient's row, moved to the young end (or created, every window empty); returns its position. */
  touch(recipientHash: string, at: number): number {
    const [hi, lo] = saltedRecipientKey(recipientHash, 0, this.key);
    const previous = this.index[this.find(hi, lo)]! - 1;
    let more: number[] | undefined;
    if (previous >= 0) {
      this.saved.set(this.rows.subarray(previous * STRIDE, previous * STRIDE + STRIDE));
      more = this.more.get(previous);
      this.more.delete(previous);
    }
    const position = this.rewrite(hi, lo, 1, at);
    if (previous >= 0) this.rows.set(this.saved, position * STRIDE);
    else {
      this.rows.fill(0, position * STRIDE, position * STRIDE + STRIDE);
      for (const window of WINDOWS) this.rows[position * STRIDE + window + BUCKET] = -1;
      this.rows[position * STRIDE + ENTERPRISE_BUCKET] = -1;
    }
    if (more) this.more.set(position, more);
    return position;
  }

  protected override evicted(position: number): void {
    this.more.delete(position);
  }

  /** The window's count in `bucket` (0 when the window holds another bucket). */
  count(position: number, window: number, bucket: number): number {
    const at = position * STRIDE + window;
    const rows = this.rows;
    return rows[at + BUCKET] === bucket ? rows[at + SHARED]! + rows[at + INFLIGHT]! + rows[at + PENDING]! : 0;
  }

  /** Moves the three windows and the enterprise part to the buckets of `b` (each afresh when it held another). */
  rollTo(position: number, b: Buckets): void {
    this.roll(position, TEN, b.ten);
    this.roll(position, HOUR, b.hour);
    this.roll(position, DAY, b.day);
    this.rollEnterprises(position, b.hour);
  }

  /** Starts the window afresh when it holds another bucket. */
  private roll(position: number, window: number, bucket: number): void {
    const at = position * STRIDE + window;
    if (this.rows[at + BUCKET] === bucket) return;
    this.rows[at + BUCKET] = bucket;
    this.rows[at + SHARED] = this.rows[at + INFLIGHT] = this.rows[at + PENDING] = 0;
  }

  countPending(position: number, window: number): void {
    this.rows[position * STRIDE + window + PENDING]!++;
  }

  /** An exchange begins: what was pending is in flight; returns it. */
  sendPending(position: number, window: number): number {
    const at = position * STRIDE + window;
    const sent = this.rows[at + PENDING]!;
    this.rows[at + INFLIGHT] = sent;
    this.rows[at + PENDING] = 0;
    return sent;
  }

  /** The exchange failed: what was in flight is pending again (if the window is still `bucket`). */
  unsend(position: number, window: number, bucket: number): void {
    const at = position * STRIDE + window;
    if (this.rows[at + BUCKET] !== bucket) return;
    this.rows[at + PENDING]! += this.rows[at + INFLIGHT]!;
    this.rows[at + INFLIGHT] = 0;
  }

  /** The exchange returned every proxy's total for `bucket` (ignored when the window moved on). */
  settle(position: number, window: number, bucket: number, total: number): void {
    const at = position * STRIDE + window;
    if (this.rows[at + BUCKET] !== bucket) return;
    this.rows[at + SHARED] = total;
    this.rows[at + INFLIGHT] = 0;
  }

  /** The hour the enterprise part is for. */
  enterpriseHour(position: number): number {
    return this.rows[position * STRIDE + ENTERPRISE_BUCKET]!;
  }

  /** Forgets the enterprises when the part is for another hour. */
  private rollEnterprises(position: number, hour: number): void {
    const at = position * STRIDE;
    if (this.rows[at + ENTERPRISE_BUCKET] === hour) return;
    this.rows[at + ENTERPRISE_BUCKET] = hour;
    this.rows[at + ENTERPRISE] = this.rows[at + ENTERPRISE_FLAGS] = 0;
    this.more.delete(position);
  }

  hasEnterprise(position: number, enterpriseId: string): boolean {
    const ordinal = this.enterprises.known(enterpriseId);
    return ordinal !== undefined && this.flagsOf(position, ordinal + 1) !== 0;
  }

  enterpriseCount(position: number): number {
    let count = this.rows[position * STRIDE + ENTERPRISE_FLAGS] !== 0 ? 1 : 0;
    const more = this.more.get(position);
    if (more) for (let i = 1; i < more.length; i += 2) if (more[i] !== 0) count++;
    return count;
  }

  /** The enterprises with any of `flags`. */
  enterprisesWith(position: number, flags: number): string[] {
    const ids: string[] = [];
    const at = position * STRIDE;
    if ((this.rows[at + ENTERPRISE_FLAGS]! & flags) !== 0) ids.push(this.enterprises.id(this.rows[at + ENTERPRISE]! - 1));
    const more = this.more.get(position);
    if (more) for (let i = 0; i < more.length; i += 2) if ((more[i + 1]! & flags) !== 0) ids.push(this.enterprises.id(more[i]! - 1));
    return ids;
  }

  /** Adds `flags` to the enterprise's (adding the enterprise when it is not there). */
  addEnterprise(position: number, enterpriseId: string, flags: number): void {
    const code = this.enterprises.ordinal(enterpriseId) + 1;
    const at = position * STRIDE;
    const rows = this.rows;
    let more = this.more.get(position);
    if (rows[at + ENTERPRISE] === code) {
      rows[at + ENTERPRISE_FLAGS]! |= flags;
      return;
    }
    if (more) {
      for (let i = 0; i < more.length; i += 2) {
        if (more[i] !== code) continue;
        more[i + 1]! |= flags;
        return;
      }
    }
    // Not there: the inline place if it is free, else a free place in the list, else a new one.
    if (rows[at + ENTERPRISE_FLAGS] === 0) {
      rows[at + ENTERPRISE] = code;
      rows[at + ENTERPRISE_FLAGS] = flags;
      return;
    }
    if (!more) this.more.set(position, (more = []));
    const free = more.findIndex((value, i) => i % 2 === 1 && value === 0);
    if (free > 0) {
      more[free - 1] = code;
      more[free] = flags;
    } else more.push(code, flags);
  }

  /** Rewrites every enterprise's flags with `change` (an enterprise left with none is dropped). */
  changeFlags(position: number, change: (flags: number) => number): void {
    const at = position * STRIDE + ENTERPRISE_FLAGS;
    this.rows[at] = change(this.rows[at]!);
    const more = this.more.get(position);
    if (more) for (let i = 1; i < more.length; i += 2) more[i] = change(more[i]!);
  }

  private flagsOf(position: number, code: number): number {
    const at = position * STRIDE;
    if (this.rows[at + ENTERPRISE] === code) return this.rows[at + ENTERPRISE_FLAGS]!;
    const more = this.more.get(position);
    if (more) for (let i = 0; i < more.length; i += 2) if (more[i] === code) return more[i + 1]!;
    return 0;
  }
}

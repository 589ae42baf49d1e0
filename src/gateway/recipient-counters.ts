import type { RecipientCounters } from "../policy/types.ts";
import { CHINA_OFFSET_MINUTES, localDayNumber } from "../lib/dates.ts";
import { Interned } from "../lib/interned.ts";
import { saltedRecipientKey } from "../registry/key-set.ts";
import { KeyedRing } from "../registry/keyed-ring.ts";

/**
 * Marketing messages per recipient per enterprise per local day, for the daily cap. Kept in memory
 * per proxy instance (bounded); with several instances each enforces its share (see README).
 *
 * Every marketing message writes a count, so a busy proxy holds a day's worth of recipients (two
 * million by default). As a Map of `day|enterprise|recipient` strings to objects that was two
 * strings and an object per count for the collector to trace on every full collection, and the
 * gateway's added p99 grew with them. Here a count is one entry of a KeyedRing
 * (registry/keyed-ring.ts): the key is the recipient hash's 64 bits salted by the enterprise's
 * ordinal, the tag the count, the time the last message's; a count written on another local day
 * reads as 0. Writing a count again moves it to the ring's young end, so the counts dropped at
 * the cap are those written longest ago.
 */
export class DailyMarketingCounters extends KeyedRing implements Pick<RecipientCounters, "marketingSentToday"> {
  private readonly enterprises = new Interned();
  private readonly key: [number, number] = [0, 0];

  constructor(
    private readonly timeZoneOffsetMinutes = CHINA_OFFSET_MINUTES,
    maxEntries = 2_000_000,
  ) {
    super(maxEntries);
  }

  marketingSentToday(recipientHash: string, enterpriseId: string, at: number): number {
    const ordinal = this.enterprises.known(enterpriseId);
    if (ordinal === undefined) return 0;
    const [hi, lo] = saltedRecipientKey(recipientHash, ordinal + 1, this.key);
    return this.countAt(this.index[this.find(hi, lo)]!, at);
  }

  recordMarketing(recipientHash: string, enterpriseId: string, at: number): void {
    const [hi, lo] = saltedRecipientKey(recipientHash, this.enterprises.ordinal(enterpriseId) + 1, this.key);
    const count = this.countAt(this.index[this.find(hi, lo)]!, at) + 1;
    this.rewrite(hi, lo, count, at);
  }

  /** The count of the entry an index slot holds (position + 1; 0 for none), if written on `at`'s local day. */
  private countAt(entry: number, at: number): number {
    if (entry === 0) return 0;
    const sameDay = localDayNumber(this.at[entry - 1]!, this.timeZoneOffsetMinutes) === localDayNumber(at, this.timeZoneOffsetMinutes);
    return sameDay ? this.tag[entry - 1]! : 0;
  }
}

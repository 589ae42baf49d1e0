import type { RecipientCounters } from "../policy/types.ts";
import { CHINA_OFFSET_MINUTES, DAY_MS, localDayNumber } from "../lib/dates.ts";
import { BoundedMap } from "./bounded-map.ts";

/**
 * Marketing messages per recipient per enterprise per local day, for the daily cap. Kept in memory
 * per proxy instance (bounded); with several instances each enforces its share (see README).
 */
export class DailyMarketingCounters implements RecipientCounters {
  private readonly counts: BoundedMap<string, number>;

  constructor(
    private readonly timeZoneOffsetMinutes = CHINA_OFFSET_MINUTES,
    maxEntries = 2_000_000,
  ) {
    this.counts = new BoundedMap(maxEntries, DAY_MS + 3_600_000);
  }

  private key(recipientHash: string, enterpriseId: string, at: number): string {
    const day = localDayNumber(at, this.timeZoneOffsetMinutes);
    return `${day}|${enterpriseId}|${recipientHash}`;
  }

  marketingSentToday(recipientHash: string, enterpriseId: string, at: number): number {
    return this.counts.get(this.key(recipientHash, enterpriseId, at), at) ?? 0;
  }

  recordMarketing(recipientHash: string, enterpriseId: string, at: number): void {
    const key = this.key(recipientHash, enterpriseId, at);
    this.counts.set(key, (this.counts.get(key, at) ?? 0) + 1, at);
  }
}

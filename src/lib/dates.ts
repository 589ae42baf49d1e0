/**
 * China-day arithmetic, in one place. Contract dates, traffic counts, daily caps and console
 * filters are calendar days in China Standard Time (UTC+8, no daylight saving). Names say what
 * they return: `…Ms` an epoch-millisecond number, `…Iso` an ISO-8601 string with its offset,
 * a plain `Date` otherwise; a "day" string is always YYYY-MM-DD.
 */

/** China Standard Time (UTC+8, no daylight saving): contract dates are calendar days there. */
export const CHINA_OFFSET_MINUTES = 480;
export const CHINA_OFFSET_MS = CHINA_OFFSET_MINUTES * 60_000;
/** One calendar day in milliseconds (no leap seconds, no daylight saving in China). */
export const DAY_MS = 86_400_000;

/** The calendar date (YYYY-MM-DD) at `at` in a fixed UTC offset, Asia/Shanghai by default. */
export function localDate(at: Date | number, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  const ms = typeof at === "number" ? at : at.getTime();
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The instant a China calendar day (YYYY-MM-DD) begins. */
export function chinaDayStart(day: string): Date {
  return new Date(chinaDayStartMs(day));
}

/** The instant a China calendar day (YYYY-MM-DD) begins, in epoch milliseconds. */
export function chinaDayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS;
}

/** The last millisecond of a China calendar day (YYYY-MM-DD): an inclusive end. */
export function chinaDayEndMs(day: string): number {
  return chinaDayStartMs(day) + DAY_MS - 1;
}

/** The instant a China calendar day (YYYY-MM-DD) begins, as ISO-8601 with its +08:00 offset. */
export function chinaDayStartIso(day: string): string {
  const hours = String(CHINA_OFFSET_MINUTES / 60).padStart(2, "0");
  return `${day}T00:00:00+${hours}:00`;
}

/** The calendar day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * The day number (days since 1970-01-01 in that offset) of an instant: equal for two instants
 * on the same local calendar day. Cheaper than formatting when only "same day?" matters.
 */
export function localDayNumber(at: number, offsetMinutes = CHINA_OFFSET_MINUTES): number {
  return Math.floor((at + offsetMinutes * 60_000) / DAY_MS);
}

/**
 * localDate() for a stream of instants that mostly fall on the same day (every message of the
 * hot path): formats once per China day rather than once per call.
 */
export class ChinaDayCache {
  private from = 0;
  private to = 0;
  private day = "";

  localDate(at: number): string {
    if (at >= this.from && at < this.to) return this.day;
    this.from = localDayNumber(at) * DAY_MS - CHINA_OFFSET_MS;
    this.to = this.from + DAY_MS;
    this.day = localDate(at);
    return this.day;
  }
}

/**
 * Quiet hours for marketing: a local wall-clock window that may wrap midnight (21:00–08:00).
 * The start minute is inside, the end minute is outside: 21:00:00 is quiet, 08:00:00 is not.
 */

const MINUTE = 60_000;
const DAY_MINUTES = 1440;

/** "HH:MM" → minutes after midnight, or undefined when malformed (settings are validated upstream). */
export function parseClock(clock: string): number | undefined {
  if (clock.length !== 5 || clock.charCodeAt(2) !== 0x3a) return undefined;
  const h1 = clock.charCodeAt(0) - 48;
  const h2 = clock.charCodeAt(1) - 48;
  const m1 = clock.charCodeAt(3) - 48;
  const m2 = clock.charCodeAt(4) - 48;
  if (h1 < 0 || h1 > 9 || h2 < 0 || h2 > 9 || m1 < 0 || m1 > 5 || m2 < 0 || m2 > 9) return undefined;
  const hours = h1 * 10 + h2;
  if (hours > 24 || (hours === 24 && (m1 !== 0 || m2 !== 0))) return undefined;
  return hours * 60 + m1 * 10 + m2;
}

/** Local minute of the day at `at` (epoch ms) for a fixed UTC offset; correct for instants before 1970 too. */
export function localMinuteOfDay(at: number, offsetMinutes: number): number {
  const minutes = Math.floor(at / MINUTE) + offsetMinutes;
  return ((minutes % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
}

/**
 * True when `at` falls inside the window. An empty window (start === end) is never quiet; "24:00"
 * is accepted as an end meaning midnight. A malformed window is treated as no window: quiet hours
 * are a marketing courtesy, and refusing every marketing message on a typo would be worse.
 */
export function isQuietTime(
  at: number,
  window: { start: string; end: string; timeZoneOffsetMinutes: number },
): boolean {
  const start = parseClock(window.start);
  const end = parseClock(window.end);
  if (start === undefined || end === undefined) return false;
  const now = localMinuteOfDay(at, window.timeZoneOffsetMinutes);
  const from = start % DAY_MINUTES;
  const to = end % DAY_MINUTES;
  if (from === to) return false;
  return from < to ? now >= from && now < to : now >= from || now < to;
}

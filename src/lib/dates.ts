/** China Standard Time (UTC+8, no daylight saving): contract dates are calendar days there. */
export const CHINA_OFFSET_MINUTES = 480;

/** The calendar date (YYYY-MM-DD) at `at` in a fixed UTC offset, Asia/Shanghai by default. */
export function localDate(at: Date | number, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  const ms = typeof at === "number" ? at : at.getTime();
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The instant a China calendar day (YYYY-MM-DD) begins. */
export function chinaDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MINUTES * 60_000);
}

/** The calendar day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

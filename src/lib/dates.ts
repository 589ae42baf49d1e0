/** China Standard Time (UTC+8, no daylight saving): contract dates are calendar days there. */
export const CHINA_OFFSET_MINUTES = 480;

/** The calendar date (YYYY-MM-DD) at `at` in a fixed UTC offset, Asia/Shanghai by default. */
export function localDate(at: Date | number, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  const ms = typeof at === "number" ? at : at.getTime();
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

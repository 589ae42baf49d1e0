/**
 * The fixed windows the carrier-wide velocity limits count in: 10-minute buckets and clock hours
 * (UTC-aligned, which for China's whole-hour offset are the same as local ones) and China days.
 * Fixed windows are what can be shared cheaply (one counter per window, in Redis or PostgreSQL);
 * their known error: across a window's edge a recipient may receive up to twice the limit within
 * one window's length (README "Carrier-wide velocity").
 */
const TEN_MINUTES = 600_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const CHINA_OFFSET_MS = 8 * HOUR;

export interface Buckets {
  ten: number;
  hour: number;
  day: number;
}

export function bucketsAt(at: number, out: Buckets = { ten: 0, hour: 0, day: 0 }): Buckets {
  out.ten = Math.floor(at / TEN_MINUTES);
  out.hour = Math.floor(at / HOUR);
  out.day = Math.floor((at + CHINA_OFFSET_MS) / DAY);
  return out;
}

/** Seconds a shared counter must live past its window's start (its window plus a margin). */
export const WINDOW_TTL_SECONDS = { ten: 11 * 60, hour: 61 * 60, day: 25 * 3600 } as const;

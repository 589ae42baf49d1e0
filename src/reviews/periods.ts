/** Calendar periods for scheduled reviews, on the China calendar (UTC+8, no daylight saving). Pure. */
import { CHINA_OFFSET_MINUTES } from "../lib/dates.ts";

export type Cadence = "monthly" | "quarterly";
const OFFSET_MS = CHINA_OFFSET_MINUTES * 60_000;

function monthStart(year: number, month: number): Date {
  // Date.UTC normalises month overflow (13 → next January).
  return new Date(Date.UTC(year, month, 1) - OFFSET_MS);
}

/** The start of the period containing `at`. */
export function periodStart(cadence: Cadence, at: Date): Date {
  const local = new Date(at.getTime() + OFFSET_MS);
  const month = local.getUTCMonth();
  return monthStart(local.getUTCFullYear(), cadence === "monthly" ? month : month - (month % 3));
}

/** The start of the period after the one starting at `start`. */
export function nextPeriodStart(cadence: Cadence, start: Date): Date {
  const local = new Date(start.getTime() + OFFSET_MS);
  return monthStart(local.getUTCFullYear(), local.getUTCMonth() + (cadence === "monthly" ? 1 : 3));
}

/** The start of the period before the one starting at `start`. */
export function previousPeriodStart(cadence: Cadence, start: Date): Date {
  const local = new Date(start.getTime() + OFFSET_MS);
  return monthStart(local.getUTCFullYear(), local.getUTCMonth() - (cadence === "monthly" ? 1 : 3));
}

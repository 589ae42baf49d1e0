import { z } from "@hono/zod-openapi";

/**
 * Dates and instants the API accepts in queries and bodies: ISO 8601 that PostgreSQL can store and
 * compare. `z.iso.date()` / `z.iso.datetime()` alone take `0000-01-01` (no year 0 in PostgreSQL,
 * which then failed the request with a 500) and instants past year 9999 once moved to UTC (which
 * `Date#toISOString` writes as `+010000-…`). Years 1900–9999 (UTC for instants): a 422 names the field.
 */
export const MIN_DAY = "1900-01-01";
export const MAX_DAY = "9999-12-31";
const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const apiDate = () => z.iso.date().refine((value) => value >= MIN_DAY && value <= MAX_DAY, `must be a date between ${MIN_DAY} and ${MAX_DAY}`);

export const apiInstant = () =>
  z.iso.datetime({ offset: true }).refine((value) => {
    const ms = Date.parse(value);
    return Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS;
  }, "must be an instant between 1900-01-01T00:00:00Z and 9999-12-31T23:59:59Z");

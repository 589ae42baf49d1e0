/**
 * Query parameters of the console's pages, validated with zod like every other boundary. HTML forms
 * send "" for an unset select or input, so empty strings mean "no filter".
 */
import { z } from "@hono/zod-openapi";
import { ServiceError } from "../lib/errors.ts";
import { localDate } from "../lib/dates.ts";
import type { ConsoleContext } from "./auth.ts";

const blankToUndefined = (value: unknown) => (value === "" ? undefined : value);

export const optionalUuid = z.preprocess(blankToUndefined, z.uuid().optional());
export const optionalDay = z.preprocess(blankToUndefined, z.iso.date().optional());
export const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
export const optionalEnum = <const T extends readonly [string, ...string[]]>(values: T) => z.preprocess(blankToUndefined, z.enum(values).optional());
export const optionalCursor = z.preprocess(blankToUndefined, z.string().max(200).optional());

/** Reads the page's query with a schema; a bad value becomes a 422 page naming the field. */
export function parseQuery<T extends z.ZodTypeAny>(c: ConsoleContext, schema: T): z.infer<T> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) {
    const errors = result.error.issues.map((issue) => ({ path: issue.path.join(".") || "(query)", message: issue.message }));
    throw new ServiceError("VALIDATION_FAILED", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  }
  return result.data;
}

/** A calendar day in China Standard Time as the instant it starts (ISO-8601, +08:00); the day after `day`. */
export { chinaDayStartIso, nextDay } from "../lib/dates.ts";

/** The range the dashboard and detail pages chart when none is chosen: the last 14 days, today included. */
export function defaultRange(now: Date, days = 14): { from: string; to: string } {
  const to = localDate(now);
  const start = new Date(`${to}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - (days - 1));
  return { from: start.toISOString().slice(0, 10), to };
}

/** The chart range a page asked for, each end defaulting to the last 14 days. */
export function chartRange(c: ConsoleContext, now: Date): { from: string; to: string } {
  const query = parseQuery(c, dayRange);
  const fallback = defaultRange(now);
  return { from: query.from ?? fallback.from, to: query.to ?? fallback.to };
}

/** A uuid path parameter; anything else is the same 404 a missing row gives. */
export function uuidParam(c: ConsoleContext, what: string): string {
  const id = z.uuid().safeParse(c.req.param("id"));
  if (!id.success) throw new ServiceError("NOT_FOUND", `${what} not found`);
  return id.data;
}

/** A from/to day pair, from ≤ to, at most ~13 months apart (the charts draw one bar a day). */
export const dayRange = z
  .object({ from: optionalDay, to: optionalDay })
  .refine((range) => !range.from || !range.to || range.from <= range.to, { message: "from must not be after to", path: ["from"] });

import { z } from "@hono/zod-openapi";
import { apiDate, apiInstant } from "../lib/input-dates.ts";
import { partyFilters } from "../lib/party-filters.ts";

export const rejectionsQuery = z.object({
  from: apiInstant().optional().openapi({ description: "Inclusive start (ISO 8601)" }),
  to: apiInstant().optional().openapi({ description: "Exclusive end (ISO 8601)" }),
  ...partyFilters,
  reason: z.string().regex(/^[a-z_]{2,60}$/).optional(),
  monitor: z.enum(["true", "false"]).optional().openapi({ description: "Only monitor-mode (true) or enforced (false) refusals" }),
  format: z
    .enum(["json", "csv"])
    .optional()
    .openapi({ description: "csv: a spreadsheet export of up to 10,000 rows (from the cursor on), formula-like cells prefixed with '" }),
});

export const rejectionSchema = z
  .object({
    id: z.number(),
    at: z.date().or(z.string()),
    reason: z.string(),
    monitor: z.boolean(),
    command: z.string(),
    spId: z.string().nullable(),
    accountId: z.string().nullable(),
    portId: z.string().nullable(),
    sourceAddr: z.string().nullable(),
    signatureId: z.string().nullable(),
    signatureText: z.string().nullable(),
    enterpriseId: z.string().nullable(),
    category: z.string().nullable(),
    recipientMask: z.string().nullable(),
    text: z.string().nullable(),
  })
  .openapi("Rejection");

export const trafficQuery = z.object({
  from: apiDate().optional().openapi({ description: "First day (YYYY-MM-DD)" }),
  to: apiDate().optional().openapi({ description: "Last day (YYYY-MM-DD)" }),
  groupBy: z.enum(["sp", "port", "signature", "enterprise", "category"]).default("sp"),
  ...partyFilters,
});

export const trafficRowSchema = z.object({ day: z.string(), key: z.string(), accepted: z.number(), refused: z.number() }).openapi("TrafficRow");

export type RejectionsFilter = z.infer<typeof rejectionsQuery>;
export type TrafficFilter = z.infer<typeof trafficQuery>;

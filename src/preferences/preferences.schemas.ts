import { z } from "@hono/zod-openapi";
import { msisdnInput } from "../opt-outs/opt-outs.schemas.ts";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM");

export const putPreferenceBody = z
  .object({
    msisdn: msisdnInput,
    categories: z
      .array(z.enum(["marketing", "notification"]))
      .min(1)
      .max(2)
      .refine((list) => new Set(list).size === list.length, "each category once")
      .refine((list) => !list.includes("notification") || list.includes("marketing"), "blocking notifications blocks marketing too: list both")
      .openapi({ description: "What the subscriber blocks: marketing, or marketing and notification. Verification codes are never blocked." }),
    band: z
      .object({ start: hhmm, end: hhmm })
      .refine((band) => band.start !== band.end, "an empty band blocks nothing")
      .nullable()
      .default(null)
      .openapi({ description: "China time; the block applies only inside [start, end) (may wrap midnight). null = all day." }),
    reason: z.string().trim().min(1, "is required").max(500).openapi({ example: "subscriber's request by phone, ticket 2026-1201-0042" }),
  })
  .strict();

export const preferenceQuery = z.object({ msisdn: msisdnInput.optional().openapi({ description: "This number only (hashed before the lookup)" }) });

export const preferenceSchema = z
  .object({
    id: z.uuid(),
    recipientMask: z.string().openapi({ example: "138****0001" }),
    categories: z.array(z.string()),
    bandStart: z.string().nullable(),
    bandEnd: z.string().nullable(),
    source: z.enum(["operator", "mo"]),
    reason: z.string().nullable(),
    createdAt: z.date().or(z.string()),
    updatedAt: z.date().or(z.string()),
  })
  .openapi("SubscriberPreference");

export type PutPreferenceInput = z.infer<typeof putPreferenceBody>;

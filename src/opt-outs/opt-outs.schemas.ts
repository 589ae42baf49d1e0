import { optOutSources } from "../db/schema/index.ts";
import { z } from "@hono/zod-openapi";

export { msisdnInput } from "../lib/msisdn-input.ts";
import { msisdnInput } from "../lib/msisdn-input.ts";

export const optOutSource = z.enum(optOutSources);

export const createOptOutBody = z
  .object({
    msisdn: msisdnInput,
    enterpriseId: z.uuid(),
    source: z.enum(["api", "complaint"]).default("api").openapi({ description: "mo is recorded by the SMPP path, not through the API" }),
  })
  .strict();

export const listOptOutsQuery = z.object({
  enterpriseId: z.uuid().optional(),
  msisdn: msisdnInput.optional().openapi({ description: "Filter by this number (hashed before the lookup)" }),
  source: optOutSource.optional(),
});

export const checkOptOutQuery = z.object({ msisdn: msisdnInput, enterpriseId: z.uuid() });

export const deleteBody = z.object({ reason: z.string().trim().min(1, "is required").max(500) }).strict();

export const optOutSchema = z
  .object({
    id: z.uuid(),
    recipientMask: z.string().openapi({ example: "138****0001" }),
    enterpriseId: z.uuid(),
    source: optOutSource,
    signatureId: z.uuid().nullable(),
    createdAt: z.date().or(z.string()),
  })
  .openapi("OptOut");

export const optOutCheckSchema = z
  .object({
    optedOut: z.boolean(),
    since: z.date().or(z.string()).optional(),
    source: optOutSource.optional(),
  })
  .openapi("OptOutCheck");

export type CreateOptOutInput = z.infer<typeof createOptOutBody>;
export type ListOptOutsFilter = z.infer<typeof listOptOutsQuery>;

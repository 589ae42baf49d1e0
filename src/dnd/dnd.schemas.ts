import { z } from "@hono/zod-openapi";
import { msisdnInput } from "../opt-outs/opt-outs.schemas.ts";

export const createDoNotDisturbBody = z
  .object({
    msisdn: msisdnInput,
    reason: z.string().trim().min(1, "is required").max(500).openapi({ example: "registered through the operator's 拒收 service" }),
  })
  .strict();

export const listDoNotDisturbQuery = z.object({
  msisdn: msisdnInput.optional().openapi({ description: "Filter by this number (hashed before the lookup)" }),
});

export const checkDoNotDisturbQuery = z.object({ msisdn: msisdnInput });

export const doNotDisturbSchema = z
  .object({
    id: z.uuid(),
    recipientMask: z.string().openapi({ example: "138****0001" }),
    reason: z.string().nullable(),
    createdAt: z.date().or(z.string()),
  })
  .openapi("DoNotDisturbEntry");

export const doNotDisturbCheckSchema = z
  .object({ listed: z.boolean(), since: z.date().or(z.string()).optional() })
  .openapi("DoNotDisturbCheck");

export type CreateDoNotDisturbInput = z.infer<typeof createDoNotDisturbBody>;
export type ListDoNotDisturbFilter = z.infer<typeof listDoNotDisturbQuery>;

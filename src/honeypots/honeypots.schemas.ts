import { z } from "@hono/zod-openapi";
import { msisdnInput } from "../opt-outs/opt-outs.schemas.ts";

export const createHoneypotBody = z
  .object({
    msisdn: msisdnInput,
    note: z.string().trim().max(500).optional().openapi({ example: "trap SIM #7, Guangzhou batch" }),
  })
  .strict();

export const honeypotSchema = z
  .object({
    id: z.uuid(),
    recipientMask: z.string().openapi({ example: "138****0001" }),
    note: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.date().or(z.string()),
  })
  .openapi("Honeypot");

export type CreateHoneypotInput = z.infer<typeof createHoneypotBody>;

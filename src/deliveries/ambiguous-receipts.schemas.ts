import { z } from "@hono/zod-openapi";
import { apiInstant } from "../lib/input-dates.ts";

/** A receipt held as ambiguous, as the operator and auditors read it (never its PDU: it holds the recipient in clear). */
export const ambiguousReceiptSchema = z
  .object({
    id: z.number().int(),
    receiptId: z.string().openapi({ description: "The message id as the receipt gave it" }),
    createdAt: z.date().or(z.string()),
    candidates: z.array(
      z.object({
        smscMessageId: z.string().openapi({ description: "A message id as the SMSC issued it that the receipt's id may stand for" }),
        accountId: z.uuid().nullable().openapi({ description: "Its route (null once the route has expired)" }),
        spId: z.uuid().nullable(),
        spMessageId: z.string().nullable(),
      }),
    ),
  })
  .openapi("AmbiguousReceipt");

export const ambiguousReceiptsQuery = z.object({
  from: apiInstant().optional().openapi({ description: "Held at or after (ISO 8601)" }),
  to: apiInstant().optional().openapi({ description: "Held at or before (ISO 8601)" }),
});

export type AmbiguousReceipt = z.infer<typeof ambiguousReceiptSchema>;
export type AmbiguousReceiptsFilter = z.infer<typeof ambiguousReceiptsQuery>;


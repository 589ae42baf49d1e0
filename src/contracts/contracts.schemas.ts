import { z } from "@hono/zod-openapi";
import { contractStatuses } from "../db/schema/registry.ts";
import { apiDate } from "../lib/input-dates.ts";

export const contractStatus = z.enum(contractStatuses);
const isoDate = apiDate().openapi({ example: "2025-01-01", description: "YYYY-MM-DD, inclusive" });

export const contractSchema = z
  .object({
    id: z.uuid(),
    spId: z.uuid(),
    enterpriseId: z.uuid(),
    validFrom: z.string(),
    validTo: z.string(),
    status: contractStatus,
    statusReason: z.string().nullable(),
    createdAt: z.date().or(z.string()),
    updatedAt: z.date().or(z.string()),
  })
  .openapi("Contract");

export const createContractBody = z
  .object({
    spId: z.uuid().optional().openapi({ description: "Required for operators; an SP's own id is used (and checked) for SPs" }),
    enterpriseId: z.uuid(),
    validFrom: isoDate,
    validTo: isoDate,
  })
  .strict()
  .refine((body) => body.validFrom <= body.validTo, { path: ["validTo"], message: "must be on or after validFrom" });

export const updateContractBody = z
  .object({
    validFrom: isoDate.optional(),
    validTo: isoDate.optional(),
    status: z.enum(["active", "terminated"]).optional().openapi({ description: "terminated ends an active contract (final); pending ones are approved or refused instead" }),
    reason: z.string().trim().max(500).optional(),
  })
  .strict();

/** Approving or refusing an SP's contract request: the operator says why (audited). */
export const decideContractBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

export const listContractsQuery = z.object({
  spId: z.uuid().optional(),
  enterpriseId: z.uuid().optional(),
  status: contractStatus.optional(),
  activeOn: isoDate.optional().openapi({ description: "Only contracts active on this date (status active and the date within validFrom..validTo)" }),
});

export type CreateContractInput = z.infer<typeof createContractBody>;
export type DecideContractInput = z.infer<typeof decideContractBody>;
export type UpdateContractInput = z.infer<typeof updateContractBody>;
export type ListContractsFilter = z.infer<typeof listContractsQuery>;

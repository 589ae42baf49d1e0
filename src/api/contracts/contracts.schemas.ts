import { z } from "@hono/zod-openapi";

export const contractStatus = z.enum(["active", "terminated"]);
const isoDate = z.iso.date().openapi({ example: "2025-01-01", description: "YYYY-MM-DD, inclusive" });

export const contractSchema = z
  .object({
    id: z.uuid(),
    spId: z.uuid(),
    enterpriseId: z.uuid(),
    validFrom: z.string(),
    validTo: z.string(),
    status: contractStatus,
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
    status: contractStatus.optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .strict();

export const listContractsQuery = z.object({
  spId: z.uuid().optional(),
  enterpriseId: z.uuid().optional(),
  status: contractStatus.optional(),
  activeOn: z.iso.date().optional().openapi({ description: "Only contracts active on this date (status active and the date within validFrom..validTo)" }),
});

export type CreateContractInput = z.infer<typeof createContractBody>;
export type UpdateContractInput = z.infer<typeof updateContractBody>;
export type ListContractsFilter = z.infer<typeof listContractsQuery>;

import { portStatuses } from "../db/schema/index.ts";
import { z } from "@hono/zod-openapi";

/** SMPP source_addr holds at most 20 digits: the port number plus any extension must fit. */
export const MAX_SOURCE_ADDR_DIGITS = 20;

export const portNumber = z
  .string()
  .trim()
  .regex(/^106\d{2,17}$/, "must be 106 followed by 2 to 17 digits")
  .openapi({ example: "10690001" });
export { portStatuses };
export const portStatus = z.enum(portStatuses);

export const portSchema = z
  .object({
    id: z.uuid(),
    number: z.string(),
    spId: z.uuid(),
    status: portStatus,
    statusReason: z.string().nullable(),
    createdAt: z.date().or(z.string()),
    updatedAt: z.date().or(z.string()),
  })
  .openapi("Port");

export const createPortBody = z.object({ number: portNumber, spId: z.uuid() }).strict();

export const updatePortBody = z
  .object({
    spId: z.uuid().optional().openapi({ description: "Reassign to another SP (its extensions are released)" }),
    status: portStatus.optional(),
    reason: z.string().trim().min(1).max(500).optional().openapi({ description: "Required when the status or the owner changes" }),
  })
  .strict();

export const listPortsQuery = z.object({
  spId: z.uuid().optional(),
  status: portStatus.optional(),
  numberPrefix: z
    .string()
    .regex(/^\d{1,20}$/, "must be digits")
    .optional()
    .openapi({ description: "Ports whose number starts with these digits" }),
});

export const extensionSchema = z
  .object({
    id: z.uuid(),
    portId: z.uuid(),
    extension: z.string(),
    enterpriseId: z.uuid(),
    createdAt: z.date().or(z.string()),
  })
  .openapi("PortExtension");

export const createExtensionBody = z
  .object({
    extension: z.string().regex(/^\d{1,8}$/, "must be 1 to 8 digits").openapi({ example: "123" }),
    enterpriseId: z.uuid(),
  })
  .strict();

export const listExtensionsQuery = z.object({ enterpriseId: z.uuid().optional() });
export const deleteExtensionQuery = z.object({ reason: z.string().trim().max(500).optional() });

export type CreatePortInput = z.infer<typeof createPortBody>;
export type UpdatePortInput = z.infer<typeof updatePortBody>;
export type ListPortsFilter = z.infer<typeof listPortsQuery>;
export type CreateExtensionInput = z.infer<typeof createExtensionBody>;
export type ListExtensionsFilter = z.infer<typeof listExtensionsQuery>;

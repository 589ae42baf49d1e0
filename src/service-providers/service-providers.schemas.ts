import { serviceProviderStatuses } from "../db/schema/index.ts";
import { z } from "@hono/zod-openapi";

/** 增值电信业务经营许可证 numbers: B2-20190001, or with a province prefix: 粤B2-20090059. */
export const licenceNumber = z
  .string()
  .trim()
  .regex(/^[\u4e00-\u9fff]?[AB][12]-\d{8}$/, "must look like B2-20190001 (optionally with a province prefix, e.g. 粤B2-20090059)")
  .openapi({ example: "B2-20190001" });

export { serviceProviderStatuses };
export const spStatus = z.enum(serviceProviderStatuses);

export const serviceProviderSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    licenceNumber: z.string(),
    status: spStatus,
    createdAt: z.date().or(z.string()),
    updatedAt: z.date().or(z.string()),
  })
  .openapi("ServiceProvider");

export const createServiceProviderBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    licenceNumber,
    status: spStatus.optional(),
  })
  .strict();

export const updateServiceProviderBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    licenceNumber: licenceNumber.optional(),
    status: spStatus.optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .strict();

export const listServiceProvidersQuery = z.object({
  status: spStatus.optional(),
  name: z.string().max(200).optional().openapi({ description: "Substring of the name" }),
});

export type CreateServiceProviderInput = z.infer<typeof createServiceProviderBody>;
export type UpdateServiceProviderInput = z.infer<typeof updateServiceProviderBody>;
export type ListServiceProvidersFilter = z.infer<typeof listServiceProvidersQuery>;

import { enterpriseStatuses } from "../db/schema/index.ts";
import { z } from "@hono/zod-openapi";
import { validateUscc } from "../lib/uscc.ts";

/**
 * 统一社会信用代码, upper-cased; a refusal names the GB 32100-2015 rule that failed
 * (length, charset, registration_authority, category, check_character).
 */
export const usccField = z
  .string()
  .max(64)
  .trim()
  .toUpperCase()
  .superRefine((value, ctx) => {
    const result = validateUscc(value);
    if (!result.ok) ctx.addIssue({ code: "custom", message: `${result.rule}: ${result.message}`, params: { rule: result.rule } });
  })
  .openapi({ example: "91350100M000100Y43", description: "统一社会信用代码 (GB 32100-2015), 18 characters with a valid check character" });

export const enterpriseStatus = z.enum(enterpriseStatuses);
const contactName = z.string().trim().min(1).max(100);
const contactPhone = z
  .string()
  .trim()
  .regex(/^\+?\d[\d -]{4,19}$/, "must be a phone number: digits, optionally with +, spaces or dashes (5-20 characters)");

export const enterpriseSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    uscc: z.string(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable(),
    status: enterpriseStatus,
    filedBySpId: z.uuid().nullable().openapi({ description: "The SP that filed it; null when an operator did" }),
    createdAt: z.date().or(z.string()),
    updatedAt: z.date().or(z.string()),
  })
  .openapi("Enterprise");

export const createEnterpriseBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    uscc: usccField,
    contactName: contactName.optional(),
    contactPhone: contactPhone.optional(),
    status: enterpriseStatus.optional(),
  })
  .strict();

export const updateEnterpriseBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    uscc: usccField.optional(),
    contactName: contactName.nullable().optional(),
    contactPhone: contactPhone.nullable().optional(),
    status: enterpriseStatus.optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .strict();

export const listEnterprisesQuery = z.object({
  status: enterpriseStatus.optional(),
  name: z.string().max(200).optional().openapi({ description: "Substring of the name" }),
  uscc: z.string().trim().toUpperCase().max(18).optional().openapi({ description: "Exact USCC" }),
  spId: z.uuid().optional().openapi({ description: "Enterprises this SP filed or has a contract with" }),
});

export type CreateEnterpriseInput = z.infer<typeof createEnterpriseBody>;
export type UpdateEnterpriseInput = z.infer<typeof updateEnterpriseBody>;
export type ListEnterprisesFilter = z.infer<typeof listEnterprisesQuery>;

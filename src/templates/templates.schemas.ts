import { z } from "@hono/zod-openapi";
import { filingFields } from "../allowlists/allowlists.schemas.ts";
import { allowlistStatuses, categories } from "../db/schema/index.ts";

export const templateSchema = z
  .object({
    id: z.uuid(),
    signatureId: z.uuid(),
    spId: z.uuid(),
    text: z.string(),
    ...filingFields,
  })
  .openapi("SignatureTemplate");

export const createTemplateBody = z
  .object({
    signatureId: z.uuid(),
    text: z
      .string()
      .trim()
      .min(2)
      .max(1000)
      .openapi({
        example: "您的验证码是{code}，{number:2}分钟内有效",
        description: "The text after the signature, with typed variables {code} {amount} {date} {time} {name} {number} {url} {phone}, {type:N} for a maximum length",
      }),
  })
  .strict();

export const listTemplatesQuery = z.object({ signatureId: z.uuid().optional(), status: z.enum(allowlistStatuses).optional() });

export const templateRequiredBody = z.object({ required: z.boolean(), reason: z.string().trim().min(1).max(500) }).strict();

export const portPurposeBody = z
  .object({
    categories: z.array(z.enum(categories)).min(1).nullable().openapi({ description: "The categories it may carry; null = any (for an extension: its port's)" }),
    reason: z.string().trim().min(1).max(500),
  })
  .strict();

export type CreateTemplateInput = z.infer<typeof createTemplateBody>;
export type ListTemplatesFilter = z.infer<typeof listTemplatesQuery>;

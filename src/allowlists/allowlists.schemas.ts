import { z } from "@hono/zod-openapi";
import { allowlistStatuses, callbackKinds } from "../db/schema/index.ts";

export const allowlistStatus = z.enum(allowlistStatuses);

/** The review fields of every filed entry (allowlist entries, signature templates): status, why, when approved, timestamps. */
export const filingFields = {
  status: allowlistStatus,
  statusReason: z.string().nullable(),
  approvedAt: z.date().or(z.string()).nullable(),
  createdAt: z.date().or(z.string()),
  updatedAt: z.date().or(z.string()),
};

const common = {
  id: z.uuid(),
  enterpriseId: z.uuid(),
  spId: z.uuid().nullable().openapi({ description: "The SP that filed it; null when an operator did" }),
  ...filingFields,
};

export const linkDomainSchema = z
  .object({ ...common, domain: z.string().openapi({ description: "Registrable domain (eTLD+1, punycode)" }), icpNumber: z.string() })
  .openapi("LinkDomain");

export const callbackNumberSchema = z
  .object({ ...common, number: z.string().openapi({ description: "Digits as the gatekeeper reads them (no +86)" }), kind: z.enum(callbackKinds) })
  .openapi("CallbackNumber");

export const createLinkDomainBody = z
  .object({
    enterpriseId: z.uuid(),
    domain: z.string().trim().min(3).max(253).openapi({ example: "example.com", description: "A domain, host or URL; its registrable domain is stored" }),
    icpNumber: z
      .string()
      .trim()
      .min(6)
      .max(60)
      .regex(/ICP[备证]/u, "must be an ICP filing number such as 京ICP备12345678号-1")
      .openapi({ example: "京ICP备12345678号-1" }),
  })
  .strict();

export const createCallbackNumberBody = z
  .object({
    enterpriseId: z.uuid(),
    number: z.string().trim().min(3).max(30).openapi({ example: "4008001234", description: "400/800/95xxx, landline, mobile; spaces and hyphens allowed" }),
  })
  .strict();

/** Approving or revoking: the operator says why (audited). */
export const decideAllowlistBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

export const listAllowlistQuery = z.object({
  enterpriseId: z.uuid().optional(),
  status: allowlistStatus.optional(),
});

export type CreateLinkDomainInput = z.infer<typeof createLinkDomainBody>;
export type CreateCallbackNumberInput = z.infer<typeof createCallbackNumberBody>;
export type ListAllowlistFilter = z.infer<typeof listAllowlistQuery>;

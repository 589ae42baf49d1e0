import { z } from "@hono/zod-openapi";
import { categories, evidenceKinds, signatureStatuses } from "../db/schema/index.ts";

export const signatureStatus = z.enum(signatureStatuses);
export const category = z.enum(categories);

export const evidenceSchema = z
  .object({
    kind: z.enum(evidenceKinds),
    reference: z.string().trim().min(1).max(200).openapi({ description: "Licence / trademark / ICP / app store reference", example: "91310000MA1FL0000X" }),
    expiresOn: z.iso.date().optional().openapi({ description: "When the evidence itself expires (YYYY-MM-DD)" }),
  })
  .strict()
  .openapi("SignatureEvidence");

/** A port the signature may be sent from; extension '' (the default) = the bare port and any extension of the enterprise. */
export const bindingSchema = z
  .object({
    portId: z.uuid(),
    extension: z.string().regex(/^\d{0,12}$/, "must be digits (or empty)").default(""),
  })
  .strict();

/** Scope is a set: duplicates are dropped. */
const scopeSchema = z
  .array(category)
  .min(1, "must name at least one category")
  .max(3)
  .transform((values) => categories.filter((c) => values.includes(c)));

const bindingsSchema = z.array(bindingSchema).min(1, "must name at least one port").max(200);

const futureDateTime = z.iso.datetime({ offset: true }).openapi({ example: "2027-01-01T00:00:00+08:00" });

export const createSignatureBody = z
  .object({
    text: z.string().max(100).openapi({ description: "The text inside 【】; stored NFKC-normalised, without whitespace or zero-width characters", example: "云端科技" }),
    enterpriseId: z.uuid(),
    spId: z.uuid().optional().openapi({ description: "The filing SP; an SP files for itself (may omit it), an operator must name it" }),
    evidence: evidenceSchema.optional(),
    scope: scopeSchema,
    ports: bindingsSchema,
    expiresAt: futureDateTime.optional(),
    reclaimReason: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: "Operator only: take over the text of a revoked or rejected filing (released, audited with this reason)" }),
    lookAlikeOverrideReason: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: "Operator only: file although another enterprise holds a signature with the same confusable skeleton (audited with this reason)" }),
  })
  .strict();

export const updateSignatureBody = z
  .object({
    evidence: evidenceSchema.optional(),
    scope: scopeSchema.optional(),
    ports: bindingsSchema.optional(),
    expiresAt: futureDateTime.nullable().optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((body) => body.evidence !== undefined || body.scope !== undefined || body.ports !== undefined || body.expiresAt !== undefined, {
    message: "change at least one of evidence, scope, ports, expiresAt",
  });

export const transitionBody = z.object({ reason: z.string().trim().min(1, "is required").max(500) }).strict();

export const listSignaturesQuery = z.object({
  status: signatureStatus.optional(),
  enterpriseId: z.uuid().optional(),
  spId: z.uuid().optional(),
  text: z.string().max(100).optional().openapi({ description: "Substring of the normalised text (the filter is normalised too)" }),
  expiringBefore: z.iso
    .datetime({ offset: true })
    .or(z.iso.date())
    .optional()
    .openapi({ description: "Signatures with an expiry before this instant (or date, midnight UTC)" }),
});

export const signatureSchema = z
  .object({
    id: z.uuid(),
    text: z.string(),
    enterpriseId: z.uuid(),
    spId: z.uuid(),
    status: signatureStatus,
    statusReason: z.string().nullable(),
    scope: z.array(category),
    evidence: z.object({ kind: z.enum(evidenceKinds), reference: z.string(), expiresOn: z.string().nullable() }).nullable(),
    ports: z.array(z.object({ portId: z.uuid(), extension: z.string() })),
    expiresAt: z.date().or(z.string()).nullable(),
    approvedAt: z.date().or(z.string()).nullable(),
    createdAt: z.date().or(z.string()),
    updatedAt: z.date().or(z.string()),
  })
  .openapi("Signature");

export type CreateSignatureInput = z.infer<typeof createSignatureBody>;
export type UpdateSignatureInput = z.infer<typeof updateSignatureBody>;
export type ListSignaturesFilter = z.infer<typeof listSignaturesQuery>;
export type SignatureBindingInput = z.infer<typeof bindingSchema>;
export type EvidenceInput = z.infer<typeof evidenceSchema>;

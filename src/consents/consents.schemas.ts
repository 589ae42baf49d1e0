import { z } from "@hono/zod-openapi";
import { categories, consentSources } from "../db/schema/index.ts";
import { apiInstant } from "../lib/input-dates.ts";
import { msisdnInput } from "../lib/msisdn-input.ts";

/** The longest stated period a consent may claim (three years); a longer one is a typo or a ruse. */
export const MAX_CONSENT_PERIOD_DAYS = 1095;

/** Evidence references are identifiers (a form submission id, a contract number, an MO id), not documents. */
const evidenceRef = z
  .string()
  .trim()
  .min(1, "is required")
  .max(200)
  .regex(/^[^\p{Cc}]+$/u, "must not contain control characters")
  .openapi({ example: "webform-2026-000123", description: "Where the consent can be proven (form id, contract number, recording id …)" });

export const createConsentBody = z
  .object({
    msisdn: msisdnInput,
    enterpriseId: z.uuid(),
    categories: z
      // A CSV cell lists them separated by ";" or "|" (marketing;notification).
      .preprocess(
        (value) => (typeof value === "string" ? value.split(/[;|]/).map((part) => part.trim()) : value),
        z
          .array(z.enum(categories))
          .min(1)
          .max(3)
          .refine((list) => new Set(list).size === list.length, "lists a category twice"),
      )
      .optional()
      .transform((list) => list ?? ["marketing" as const])
      .openapi({ description: "What the recipient consented to receive; marketing by default" }),
    frequency: z.string().trim().min(1, "is required").max(100).openapi({ example: "每周不超过2条", description: "The frequency the request stated" }),
    periodDays: z.coerce.number().int().min(1).max(MAX_CONSENT_PERIOD_DAYS).openapi({ example: 365, description: "The period the request stated; the consent expires this many days after consentedAt" }),
    source: z.enum(consentSources),
    evidenceRef,
    consentedAt: apiInstant().optional().openapi({ description: "When the recipient consented (default: now); not in the future" }),
  })
  .strict();

export const consentStatuses = ["current", "expired", "withdrawn"] as const;

export const listConsentsQuery = z.object({
  enterpriseId: z.uuid().optional(),
  msisdn: msisdnInput.optional().openapi({ description: "Filter by this number (hashed before the lookup)" }),
  status: z.enum(consentStatuses).optional(),
  expiringWithinDays: z.coerce.number().int().min(1).max(366).optional().openapi({ description: "Current consents that expire within this many days" }),
});

export const checkConsentQuery = z.object({ msisdn: msisdnInput, enterpriseId: z.uuid() });

export const withdrawConsentBody = z.object({ reason: z.string().trim().min(1, "is required").max(500) }).strict();

const instant = z.date().or(z.string());

export const consentSchema = z
  .object({
    id: z.uuid(),
    recipientMask: z.string().openapi({ example: "138****0001" }),
    enterpriseId: z.uuid(),
    categories: z.array(z.enum(categories)),
    frequency: z.string().nullable(),
    periodDays: z.number().int().nullable(),
    consentedAt: instant.nullable(),
    expiresAt: instant.nullable(),
    source: z.enum(consentSources).nullable(),
    evidenceRef: z.string().nullable(),
    recordedAt: instant,
    recordedByType: z.string(),
    spId: z.uuid().nullable(),
    withdrawnAt: instant.nullable(),
    status: z.enum(consentStatuses),
  })
  .openapi("Consent");

export const consentCheckSchema = z
  .object({
    consented: z.boolean(),
    categories: z.array(z.enum(categories)).optional(),
    expiresAt: instant.optional(),
    consentId: z.uuid().optional().openapi({ description: "Shown to operators, auditors and the SP that recorded it" }),
  })
  .openapi("ConsentCheck");

export const consentVerificationSchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    firstBrokenSeq: z.number().int().nullable(),
    firstBrokenId: z.string().nullable(),
    problem: z.string().nullable(),
  })
  .openapi("ConsentChainVerification");

export type CreateConsentInput = z.infer<typeof createConsentBody>;
export type ListConsentsFilter = z.infer<typeof listConsentsQuery>;

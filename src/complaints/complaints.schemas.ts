import { z } from "@hono/zod-openapi";
import { attributionConfidences, complaintChannels, complaintTypes } from "../db/schema/index.ts";
import { normaliseMsisdn } from "../lib/pii.ts";
import { partyFilters } from "../lib/party-filters.ts";

export const complaintChannel = z.enum(complaintChannels);
export const complaintType = z.enum(complaintTypes);
export const attributionConfidence = z.enum(attributionConfidences);

/** One complaint as received; also the CSV row of POST /imports/complaints (the header names are these keys). */
export const createComplaintBody = z
  .object({
    receivedAt: z.iso.datetime({ offset: true }).openapi({ description: "When the complaint was received (ISO 8601)", example: "2025-06-03T10:15:00+08:00" }),
    channel: complaintChannel.openapi({ description: "12321 (the reporting centre), 10086 / 10010 (operator hotlines) or other" }),
    sendingNumber: z
      .string()
      .trim()
      .regex(/^\+?\d{5,24}$/, "must be the number the recipient saw (digits, port + extension)")
      .openapi({ example: "106900010123" }),
    recipient: z
      .string()
      .trim()
      .refine((value) => normaliseMsisdn(value) !== undefined, "must be a phone number")
      .openapi({ description: "The complaining recipient; stored only as a keyed hash and a mask", example: "13800000001" }),
    text: z.string().trim().min(1).max(2000).openapi({ description: "The message as the recipient quoted it; stored redacted", example: "【云端优选】双11大促，全场5折 回T退订" }),
    type: complaintType,
  })
  .strict();

export const listComplaintsQuery = z.object({
  attribution: attributionConfidence.optional().openapi({ description: "Only complaints attributed with this confidence (none = unmatched)" }),
  type: complaintType.optional(),
  channel: complaintChannel.optional(),
  ...partyFilters,
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: "receivedAt at or after" }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: "receivedAt before" }),
});

export const complaintSchema = z
  .object({
    id: z.uuid(),
    receivedAt: z.date().or(z.string()),
    channel: complaintChannel,
    type: complaintType,
    sendingNumber: z.string(),
    recipientMask: z.string(),
    text: z.string().openapi({ description: "Redacted: runs of 4+ digits masked" }),
    portId: z.uuid().nullable(),
    extension: z.string().nullable(),
    spId: z.uuid().nullable(),
    extensionEnterpriseId: z.uuid().nullable(),
    signatureId: z.uuid().nullable(),
    signatureText: z.string().nullable(),
    enterpriseId: z.uuid().nullable(),
    confidence: attributionConfidence,
    reasons: z.array(z.string()),
    matchedRejections: z.number().int(),
    matchedAccepted: z.number().int(),
    optOutId: z.uuid().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.date().or(z.string()),
    consent: z
      .object({
        found: z.boolean(),
        id: z.uuid().optional(),
        source: z.string().nullable().optional(),
        evidenceRef: z.string().nullable().optional(),
        consentedAt: z.date().or(z.string()).nullable().optional(),
        expiresAt: z.date().or(z.string()).nullable().optional(),
        withdrawnAt: z.date().or(z.string()).nullable().optional(),
        categories: z.array(z.string()).optional(),
      })
      .optional()
      .openapi({ description: "GET /complaints/{id}, unwanted marketing attributed to an enterprise: the consent in force when it was received, or found=false" }),
  })
  .openapi("Complaint");

export type CreateComplaintInput = z.infer<typeof createComplaintBody>;
export type ListComplaintsFilter = z.infer<typeof listComplaintsQuery>;

import { createConsentBody } from "../../consents/consents.schemas.ts";
import { createConsent } from "../../consents/consents.service.ts";
import { importConsentBatch } from "../../consents/consents.import.ts";
import { defineImportKind } from "./kind.ts";

/**
 * CSV header: msisdn,enterpriseId,frequency,periodDays,source,evidenceRef[,categories][,consentedAt].
 * Rows are judged as POST /consents would (an SP: only enterprises it holds an active contract
 * with); batches go through importConsentBatch (a million rows in minutes).
 */
export const consentsImport = defineImportKind({
  name: "consents",
  rowSchema: createConsentBody,
  importRow: async (ctx, row) => (await createConsent(ctx, row)).consent,
  importBatch: importConsentBatch,
});

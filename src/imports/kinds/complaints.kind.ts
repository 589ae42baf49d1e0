import { createComplaintBody } from "../../complaints/complaints.schemas.ts";
import { recordComplaint } from "../../complaints/complaints.service.ts";
import { evaluateThresholds } from "../../reviews/thresholds.ts";
import { defineImportKind } from "./kind.ts";

/**
 * CSV header: receivedAt,channel,sendingNumber,recipient,text,type (operator only). Each row is
 * attributed as POST /complaints would; thresholds are evaluated once after the file.
 */
export const complaintsImport = defineImportKind({
  name: "complaints",
  rowSchema: createComplaintBody,
  operatorOnly: true,
  importRow: (ctx, row) => recordComplaint(ctx, row),
  afterImport: (ctx) => evaluateThresholds(ctx),
});

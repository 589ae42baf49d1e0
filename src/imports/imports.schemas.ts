import { importKinds, importRowStatuses, importStatuses } from "../db/schema/index.ts";
import { z } from "@hono/zod-openapi";

export const importKindName = z.enum(importKinds);
export const importStatus = z.enum(importStatuses);
export const importRowStatus = z.enum(importRowStatuses);

export const importSchema = z
  .object({
    id: z.uuid(),
    kind: importKindName,
    spId: z.uuid().nullable(),
    actorId: z.string().nullable(),
    status: importStatus,
    totalRows: z.number().int(),
    acceptedRows: z.number().int(),
    refusedRows: z.number().int(),
    createdAt: z.date().or(z.string()),
    finishedAt: z.date().or(z.string()).nullable(),
  })
  .openapi("Import");

export const importRowSchema = z
  .object({
    rowNumber: z.number().int().openapi({ description: "Row in the file; the header is row 1" }),
    status: importRowStatus,
    objectId: z.uuid().nullable(),
    code: z.string().nullable().openapi({ description: "An API error code (VALIDATION_FAILED, CONFLICT …) when refused" }),
    detail: z.string().nullable(),
  })
  .openapi("ImportRow");

export const importResultSchema = z
  .object({
    import: importSchema,
    rows: z.array(importRowSchema).optional().openapi({ description: "Per-row results, inline only for files of at most 100 rows" }),
    links: z.object({ self: z.string(), rows: z.string(), refused: z.string() }),
  })
  .openapi("ImportResult");

export const listImportsQuery = z.object({ kind: importKindName.optional(), status: importStatus.optional() });
export const listImportRowsQuery = z.object({ status: importRowStatus.optional() });

export type ListImportsFilter = z.infer<typeof listImportsQuery>;
export type ListImportRowsFilter = z.infer<typeof listImportRowsQuery>;

import { and, asc, eq, gt } from "drizzle-orm";
import { importRows, imports } from "../db/schema/index.ts";
import { spScope, type ServiceContext } from "../context.ts";
import { notFound } from "../lib/errors.ts";
import type { ListImportRowsFilter, ListImportsFilter } from "./imports.schemas.ts";

export type { ImportOutcome } from "./imports.runner.ts";
export { runImport } from "./imports.runner.ts";

export async function getImport(ctx: ServiceContext, id: string) {
  const scope = spScope(ctx.actor);
  const [row] = await ctx.db
    .select()
    .from(imports)
    .where(and(eq(imports.id, id), scope ? eq(imports.spId, scope) : undefined));
  if (!row) throw notFound("import");
  return row;
}

export async function listImports(ctx: ServiceContext, filter: ListImportsFilter, page: { limit: number; after?: string }) {
  const scope = spScope(ctx.actor);
  return ctx.db
    .select()
    .from(imports)
    .where(
      and(
        scope ? eq(imports.spId, scope) : undefined,
        filter.kind ? eq(imports.kind, filter.kind) : undefined,
        filter.status ? eq(imports.status, filter.status) : undefined,
        page.after ? gt(imports.id, page.after) : undefined,
      ),
    )
    .orderBy(asc(imports.id))
    .limit(page.limit + 1);
}

/** Rows in file order; the cursor is the last row number seen. */
export async function listImportRows(ctx: ServiceContext, importId: string, filter: ListImportRowsFilter, page: { limit: number; after?: string }) {
  await getImport(ctx, importId);
  const after = page.after === undefined ? undefined : Number.parseInt(page.after, 10);
  return ctx.db
    .select({ rowNumber: importRows.rowNumber, status: importRows.status, objectId: importRows.objectId, code: importRows.code, detail: importRows.detail })
    .from(importRows)
    .where(
      and(
        eq(importRows.importId, importId),
        filter.status ? eq(importRows.status, filter.status) : undefined,
        after !== undefined && Number.isFinite(after) ? gt(importRows.rowNumber, after) : undefined,
      ),
    )
    .orderBy(asc(importRows.rowNumber))
    .limit(page.limit + 1);
}

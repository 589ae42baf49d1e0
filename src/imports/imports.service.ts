import { listPage } from "../db/list-page.ts";
import { and, eq } from "drizzle-orm";
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
  return listPage(ctx.db.select().from(imports).$dynamic(), ctx, {
    key: imports.id,
    sp: imports.spId,
    filters: [filter.kind ? eq(imports.kind, filter.kind) : undefined, filter.status ? eq(imports.status, filter.status) : undefined],
    page,
  });
}

/** Rows in file order; the cursor is the last row number seen. */
export async function listImportRows(ctx: ServiceContext, importId: string, filter: ListImportRowsFilter, page: { limit: number; after?: string }) {
  await getImport(ctx, importId);
  const after = page.after === undefined ? undefined : Number.parseInt(page.after, 10);
  const query = ctx.db
    .select({ rowNumber: importRows.rowNumber, status: importRows.status, objectId: importRows.objectId, code: importRows.code, detail: importRows.detail })
    .from(importRows)
    .$dynamic();
  return listPage(query, ctx, {
    key: importRows.rowNumber,
    sp: null, // getImport above: an SP reads only the rows of its own imports
    filters: [eq(importRows.importId, importId), filter.status ? eq(importRows.status, filter.status) : undefined],
    page: { limit: page.limit, after: after !== undefined && Number.isFinite(after) ? after : undefined },
  });
}

import { bearerSecurity, canChange, createRoute, createRouter, decodeCursor, idParam, jsonResponse, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, serviceContext, toPage } from "../route-kit.ts";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type ApiEnv } from "../env.ts";
import { ServiceError } from "../../lib/errors.ts";
import { importKinds } from "../../imports/kinds/index.ts";
import { importResultSchema, importRowSchema, importSchema, listImportRowsQuery, listImportsQuery } from "../../imports/imports.schemas.ts";
import { getImport, listImportRows, listImports, runImport, type ImportOutcome } from "../../imports/imports.service.ts";

const tags = ["Imports"];

function links(id: string) {
  const self = `/api/v1/imports/${id}`;
  return { self, rows: `${self}/rows`, refused: `${self}/rows?status=refused` };
}

function present(outcome: ImportOutcome) {
  return { import: outcome.import, ...(outcome.rows ? { rows: outcome.rows.map(({ importId: _id, ...row }) => row) } : {}), links: links(outcome.import.id) };
}

/** A 100k-row file takes longer than Bun's default 10 s idle timeout while we process it. */
function disableIdleTimeout(c: Context<ApiEnv>) {
  const server = c.env as { timeout?: (request: Request, seconds: number) => void } | undefined;
  server?.timeout?.(c.req.raw, 0);
}

export const importRoutes = createRouter();

for (const kind of Object.values(importKinds)) {
  importRoutes.openapi(
    createRoute({
      method: "post",
      path: `/imports/${kind.name}`,
      tags,
      security: bearerSecurity,
      middleware: [kind.operatorOnly ? operatorOnly : canChange] as const,
      description: `Bulk registration from CSV (UTF-8, optional BOM, header row). Columns: ${Object.keys(kind.rowSchema.shape).join(", ")}. Each row is validated and registered exactly as POST /${kind.name} would; refused rows do not stop the others. Per-row results are inline for files of at most 100 rows, otherwise read them from links.rows.`,
      request: { body: { required: true, content: { "text/csv": { schema: z.string().openapi({ format: "binary" }) } } } },
      responses: {
        201: jsonResponse("The import ran; see import.status and the per-row results", importResultSchema),
        413: { description: "Too large" },
        415: { description: "Not text/csv" },
        ...problemResponses,
      },
    }),
    async (c) => {
      if (!/^text\/csv\b/i.test(c.req.header("content-type") ?? "")) throw new ServiceError("UNSUPPORTED_MEDIA_TYPE", "send the file as text/csv");
      const body = c.req.raw.body;
      if (!body) throw new ServiceError("VALIDATION_FAILED", "the CSV is empty; it needs a header row", [{ path: "(body)", message: "empty CSV" }]);
      disableIdleTimeout(c);
      const deps = c.get("deps");
      const outcome = await runImport(serviceContext(c), kind, body, { clock: deps.clock });
      return c.json(present(outcome), 201);
    },
  );
}

importRoutes
  .openapi(
    createRoute({
      method: "get",
      path: "/imports",
      tags,
      security: bearerSecurity,
      request: { query: pageQuery.extend(listImportsQuery.shape) },
      responses: { 200: jsonResponse("A page", pageSchema(importSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listImports(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/imports/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: jsonResponse("The import summary", importSchema), ...problemResponses },
    }),
    async (c) => c.json(await getImport(serviceContext(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/imports/{id}/rows",
      tags,
      security: bearerSecurity,
      request: { params: idParam, query: pageQuery.extend(listImportRowsQuery.shape) },
      responses: { 200: jsonResponse("Per-row results in file order", pageSchema(importRowSchema)), ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listImportRows(serviceContext(c), c.req.valid("param").id, filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => String(row.rowNumber)), 200);
    },
  );

import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { pageQuery, pageSchema, toPage, decodeCursor } from "../../lib/pagination.ts";
import { ServiceError } from "../../lib/errors.ts";
import { ambiguousReceiptSchema, ambiguousReceiptsQuery } from "../../deliveries/ambiguous-receipts.schemas.ts";
import { listAmbiguousReceipts } from "../../deliveries/ambiguous-receipts.service.ts";

const tags = ["Receipts"];
const readers = requireRole("operator", "auditor", "system");

/** The cursor is the last row's id (a positive integer). */
function idCursor(cursor: string | undefined): number | undefined {
  const decoded = decodeCursor(cursor);
  if (decoded === undefined) return undefined;
  if (!/^[1-9]\d{0,15}$/.test(decoded)) throw new ServiceError("BAD_REQUEST", "cursor is not valid");
  return Number(decoded);
}

export const receiptRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/receipts/ambiguous",
    tags,
    security: bearerSecurity,
    middleware: [readers] as const,
    request: { query: pageQuery.extend(ambiguousReceiptsQuery.shape) },
    responses: {
      200: { description: "Receipts held because their id matched several messages through alias forms, newest first, with the routes each could belong to", content: { "application/json": { schema: pageSchema(ambiguousReceiptSchema) } } },
      ...problemResponses,
    },
  }),
  async (c) => {
    const { limit, cursor, ...filter } = c.req.valid("query");
    const rows = await listAmbiguousReceipts(serviceContext(c), filter, { limit, after: idCursor(cursor) });
    return c.json(toPage(rows, limit, (row) => String(row.id)), 200);
  },
);



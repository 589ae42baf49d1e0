import { bearerSecurity, createRoute, createRouter, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import { z } from "@hono/zod-openapi";
import { rejectionSchema, rejectionsQuery, trafficQuery, trafficRowSchema } from "../../journal/journal.schemas.ts";
import { toCsv } from "../../lib/csv-export.ts";
import { exportRejections, listRejections, parseRejectionCursor, REJECTION_CSV_COLUMNS, trafficByDay } from "../../journal/journal.service.ts";

const tags = ["Journal"];

export const journalRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/rejections",
      tags,
      security: bearerSecurity,
      request: { query: pageQuery.extend(rejectionsQuery.shape) },
      responses: {
        200: {
          description: "Refusals, newest first (format=csv: the same rows as a CSV file)",
          content: { "application/json": { schema: pageSchema(rejectionSchema) }, "text/csv": { schema: z.string() } },
        },
        ...problemResponses,
      },
    }),
    async (c) => {
      const { limit, cursor, format, ...filter } = c.req.valid("query");
      if (format === "csv") {
        const rows = await exportRejections(serviceContext(c), filter, parseRejectionCursor(cursor));
        return c.body(toCsv(REJECTION_CSV_COLUMNS, rows), 200, {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": 'attachment; filename="rejections.csv"',
          "x-content-type-options": "nosniff",
        }) as never;
      }
      return c.json(await listRejections(serviceContext(c), filter, { limit, after: parseRejectionCursor(cursor) }), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/traffic",
      tags,
      security: bearerSecurity,
      request: { query: trafficQuery },
      responses: {
        200: { description: "Accepted and refused counts by day and key", content: { "application/json": { schema: z.object({ items: z.array(trafficRowSchema) }) } } },
        ...problemResponses,
      },
    }),
    async (c) => c.json({ items: await trafficByDay(serviceContext(c), c.req.valid("query")) }, 200),
  );

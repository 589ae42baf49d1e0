import { createRoute, z } from "@hono/zod-openapi";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { pageQuery, pageSchema } from "../pagination.ts";
import { rejectionSchema, rejectionsQuery, trafficQuery, trafficRowSchema } from "./journal.schemas.ts";
import { listRejections, parseRejectionCursor, trafficByDay } from "./journal.service.ts";

const tags = ["Journal"];

export const journalRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/rejections",
      tags,
      security: bearerSecurity,
      request: { query: pageQuery.extend(rejectionsQuery.shape) },
      responses: { 200: { description: "Refusals, newest first", content: { "application/json": { schema: pageSchema(rejectionSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
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

import { createRoute, z } from "@hono/zod-openapi";
import { operatorOnly, requireRole } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { deleteBody } from "../../opt-outs/opt-outs.schemas.ts";
import { decodeCursor, pageQuery, pageSchema, toPage } from "../../lib/pagination.ts";
import { checkDoNotDisturbQuery, createDoNotDisturbBody, doNotDisturbCheckSchema, doNotDisturbSchema, listDoNotDisturbQuery } from "../../dnd/dnd.schemas.ts";
import { checkDoNotDisturb, createDoNotDisturb, listDoNotDisturb, removeDoNotDisturb } from "../../dnd/dnd.service.ts";

const tags = ["Do not disturb"];
const one = (description: string) => ({ description, content: { "application/json": { schema: doNotDisturbSchema } } });
/** SPs may check a number, not read the list (see dnd.service.ts). */
const readers = requireRole("operator", "auditor", "system");

export const doNotDisturbRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/dnd",
      tags,
      security: bearerSecurity,
      summary: "Put a number on the operator-wide do-not-disturb list (operator only; idempotent)",
      middleware: [operatorOnly] as const,
      request: { body: { required: true, content: { "application/json": { schema: createDoNotDisturbBody } } } },
      responses: { 201: one("Added"), 200: one("Already listed: the existing entry"), ...problemResponses },
    }),
    async (c) => {
      const { entry, created } = await createDoNotDisturb(serviceContext(c), c.req.valid("json"));
      return created ? c.json(entry, 201) : c.json(entry, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/dnd",
      tags,
      security: bearerSecurity,
      summary: "List the do-not-disturb list, masks only (operator, auditor)",
      middleware: [readers] as const,
      request: { query: pageQuery.extend(listDoNotDisturbQuery.shape) },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(doNotDisturbSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listDoNotDisturb(serviceContext(c), filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/dnd/check",
      tags,
      security: bearerSecurity,
      summary: "Is this number on the do-not-disturb list? (any role)",
      request: { query: checkDoNotDisturbQuery },
      responses: { 200: { description: "The answer", content: { "application/json": { schema: doNotDisturbCheckSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await checkDoNotDisturb(serviceContext(c), c.req.valid("query").msisdn), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/dnd/{id}",
      tags,
      security: bearerSecurity,
      summary: "Take a number off the do-not-disturb list (operator only; reason required)",
      middleware: [operatorOnly] as const,
      request: { params: z.object({ id: z.uuid() }), body: { required: true, content: { "application/json": { schema: deleteBody } } } },
      responses: { 200: one("Removed; the entry as it was"), ...problemResponses },
    }),
    async (c) => c.json(await removeDoNotDisturb(serviceContext(c), c.req.valid("param").id, c.req.valid("json").reason), 200),
  );

import { bearerSecurity, createRoute, createRouter, jsonBody, jsonResponse, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, serviceContext, staffOnly } from "../route-kit.ts";
import { z } from "@hono/zod-openapi";
import { deleteBody } from "../../opt-outs/opt-outs.schemas.ts";
import { checkDoNotDisturbQuery, createDoNotDisturbBody, doNotDisturbCheckSchema, doNotDisturbSchema, listDoNotDisturbQuery } from "../../dnd/dnd.schemas.ts";
import { checkDoNotDisturb, createDoNotDisturb, listDoNotDisturb, removeDoNotDisturb } from "../../dnd/dnd.service.ts";

const tags = ["Do not disturb"];
const one = (description: string) => ({ description, content: { "application/json": { schema: doNotDisturbSchema } } });
/** SPs may check a number, not read the list (see dnd.service.ts). */
const readers = staffOnly;

export const doNotDisturbRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/dnd",
      tags,
      security: bearerSecurity,
      summary: "Put a number on the operator-wide do-not-disturb list (operator only; idempotent)",
      middleware: [operatorOnly] as const,
      request: { body: jsonBody(createDoNotDisturbBody) },
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
      responses: { 200: jsonResponse("A page", pageSchema(doNotDisturbSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listDoNotDisturb(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/dnd/check",
      tags,
      security: bearerSecurity,
      summary: "Is this number on the do-not-disturb list? (any role)",
      request: { query: checkDoNotDisturbQuery },
      responses: { 200: jsonResponse("The answer", doNotDisturbCheckSchema), ...problemResponses },
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
      request: { params: z.object({ id: z.uuid() }), body: jsonBody(deleteBody) },
      responses: { 200: one("Removed; the entry as it was"), ...problemResponses },
    }),
    async (c) => c.json(await removeDoNotDisturb(serviceContext(c), c.req.valid("param").id, c.req.valid("json").reason), 200),
  );

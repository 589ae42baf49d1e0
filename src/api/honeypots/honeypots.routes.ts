import { z } from "@hono/zod-openapi";
import { bearerSecurity, createRoute, createRouter, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, requireRole, serviceContext } from "../route-kit.ts";
import { deleteBody } from "../../opt-outs/opt-outs.schemas.ts";
import { createHoneypotBody, honeypotSchema } from "../../honeypots/honeypots.schemas.ts";
import { createHoneypot, listHoneypots, removeHoneypot } from "../../honeypots/honeypots.service.ts";

const tags = ["Honeypots"];
const one = (description: string) => ({ description, content: { "application/json": { schema: honeypotSchema } } });
/** Auditors may see the masks; SPs nothing at all (honeypots.service.ts). */
const readers = requireRole("operator", "auditor", "system");

export const honeypotRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/honeypots",
      tags,
      security: bearerSecurity,
      summary: "Register a trap number (operator only; stored as keyed hash + mask; idempotent)",
      middleware: [operatorOnly] as const,
      request: { body: { required: true, content: { "application/json": { schema: createHoneypotBody } } } },
      responses: { 201: one("Registered"), 200: one("Already registered: the existing entry"), ...problemResponses },
    }),
    async (c) => {
      const { honeypot, created } = await createHoneypot(serviceContext(c), c.req.valid("json"));
      return created ? c.json(honeypot, 201) : c.json(honeypot, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/honeypots",
      tags,
      security: bearerSecurity,
      summary: "List trap numbers, masks only (operator, auditor)",
      middleware: [readers] as const,
      request: { query: pageQuery },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(honeypotSchema) } } }, ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (_filter, page) => listHoneypots(serviceContext(c), page)), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/honeypots/{id}",
      tags,
      security: bearerSecurity,
      summary: "Remove a trap number (operator only; reason required)",
      middleware: [operatorOnly] as const,
      request: { params: z.object({ id: z.uuid() }), body: { required: true, content: { "application/json": { schema: deleteBody } } } },
      responses: { 200: one("Removed; the entry as it was"), ...problemResponses },
    }),
    async (c) => c.json(await removeHoneypot(serviceContext(c), c.req.valid("param").id, c.req.valid("json").reason), 200),
  );

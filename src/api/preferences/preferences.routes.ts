import { z } from "@hono/zod-openapi";
import { bearerSecurity, createRoute, createRouter, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, requireRole, serviceContext } from "../route-kit.ts";
import { deleteBody } from "../../opt-outs/opt-outs.schemas.ts";
import { preferenceQuery, preferenceSchema, putPreferenceBody } from "../../preferences/preferences.schemas.ts";
import { listPreferences, putPreference, removePreference } from "../../preferences/preferences.service.ts";

const tags = ["Subscriber preferences"];
const one = (description: string) => ({ description, content: { "application/json": { schema: preferenceSchema } } });
const readers = requireRole("operator", "auditor", "system");

export const preferenceRoutes = createRouter()
  .openapi(
    createRoute({
      method: "put",
      path: "/preferences",
      tags,
      security: bearerSecurity,
      summary: "Set a subscriber's blocks on the subscriber's request (operator only): marketing, or marketing and notifications, all day or in a China-time band; replaces any earlier one",
      middleware: [operatorOnly] as const,
      request: { body: { required: true, content: { "application/json": { schema: putPreferenceBody } } } },
      responses: { 200: one("The preference now in force"), ...problemResponses },
    }),
    async (c) => c.json(await putPreference(serviceContext(c), c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/preferences",
      tags,
      security: bearerSecurity,
      summary: "List subscribers' preferences, or one number's (operator, auditor; masks only)",
      middleware: [readers] as const,
      request: { query: pageQuery.extend(preferenceQuery.shape) },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(preferenceSchema) } } }, ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listPreferences(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/preferences/{id}",
      tags,
      security: bearerSecurity,
      summary: "Clear a subscriber's preference (operator only; reason required)",
      middleware: [operatorOnly] as const,
      request: { params: z.object({ id: z.uuid() }), body: { required: true, content: { "application/json": { schema: deleteBody } } } },
      responses: { 200: one("Cleared; the preference as it was"), ...problemResponses },
    }),
    async (c) => c.json((await removePreference(serviceContext(c), { id: c.req.valid("param").id }, c.req.valid("json").reason))!, 200),
  );

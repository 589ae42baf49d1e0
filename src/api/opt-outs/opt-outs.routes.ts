import { bearerSecurity, canChange, createRoute, createRouter, jsonBody, jsonResponse, pageOf, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import { z } from "@hono/zod-openapi";
import { checkOptOutQuery, createOptOutBody, deleteBody, listOptOutsQuery, optOutCheckSchema, optOutSchema } from "../../opt-outs/opt-outs.schemas.ts";
import { checkOptOut, createOptOut, deleteOptOut, listOptOuts } from "../../opt-outs/opt-outs.service.ts";

const tags = ["Opt-outs"];
const one = (description: string) => ({ description, content: { "application/json": { schema: optOutSchema } } });

export const optOutRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/opt-outs",
      tags,
      security: bearerSecurity,
      summary: "Record that a number refuses an enterprise's messages (idempotent)",
      middleware: [canChange] as const,
      request: { body: jsonBody(createOptOutBody) },
      responses: { 201: one("Recorded"), 200: one("Already recorded: the existing opt-out"), ...problemResponses },
    }),
    async (c) => {
      const { optOut, created } = await createOptOut(serviceContext(c), c.req.valid("json"));
      return created ? c.json(optOut, 201) : c.json(optOut, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/opt-outs",
      tags,
      security: bearerSecurity,
      summary: "List opt-outs (masks only; an SP sees enterprises it filed or is contracted to)",
      request: { query: pageQuery.extend(listOptOutsQuery.shape) },
      responses: { 200: jsonResponse("A page", pageSchema(optOutSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listOptOuts(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/opt-outs/check",
      tags,
      security: bearerSecurity,
      summary: "Is this number opted out of this enterprise?",
      request: { query: checkOptOutQuery },
      responses: { 200: jsonResponse("The answer", optOutCheckSchema), ...problemResponses },
    }),
    async (c) => c.json(await checkOptOut(serviceContext(c), c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/opt-outs/{id}",
      tags,
      security: bearerSecurity,
      summary: "Withdraw an opt-out, e.g. after the recipient consented again (operator only; reason required)",
      request: { params: z.object({ id: z.uuid() }), body: jsonBody(deleteBody) },
      responses: { 200: one("Withdrawn; the record as it was"), ...problemResponses },
    }),
    async (c) => c.json(await deleteOptOut(serviceContext(c), c.req.valid("param").id, c.req.valid("json").reason), 200),
  );

import { z } from "@hono/zod-openapi";
import { bearerSecurity, canChange, createRoute, createRouter, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import { decideAllowlistBody } from "../../allowlists/allowlists.schemas.ts";
import { categories } from "../../db/schema/index.ts";
import { createTemplateBody, listTemplatesQuery, portPurposeBody, templateRequiredBody, templateSchema } from "../../templates/templates.schemas.ts";
import { createTemplate, decideTemplate, listTemplates, setPortPurpose, setTemplateRequired } from "../../templates/templates.service.ts";

const tags = ["Templates"];
const idParam = z.object({ id: z.uuid() });
const json = <T extends z.ZodTypeAny>(schema: T) => ({ "application/json": { schema } });
const purposeSchema = z.object({ portId: z.string(), extensionId: z.string().nullable(), categories: z.array(z.enum(categories)).nullable() });

const decide = (action: "approve" | "revoke") =>
  createRoute({
    method: "post",
    path: `/templates/{id}/${action}`,
    tags,
    security: bearerSecurity,
    summary: action === "approve" ? "Approve a pending template (operator, with a reason)" : "Revoke a template (operator, with a reason; final)",
    middleware: [operatorOnly] as const,
    request: { params: idParam, body: { required: true, content: json(decideAllowlistBody) } },
    responses: { 200: { description: "Decided", content: json(templateSchema) }, ...problemResponses },
  });

/** Signature templates (rule `templates`), the template-only switch of a signature, and port purpose (rule `port_purpose`). */
export const templateRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/templates",
      tags,
      security: bearerSecurity,
      summary: "File a template for a signature (pending until an operator approves it)",
      middleware: [canChange] as const,
      request: { body: { required: true, content: json(createTemplateBody) } },
      responses: { 201: { description: "Filed", content: json(templateSchema) }, ...problemResponses },
    }),
    async (c) => c.json(await createTemplate(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/templates",
      tags,
      security: bearerSecurity,
      request: { query: pageQuery.extend(listTemplatesQuery.shape) },
      responses: { 200: { description: "A page (an SP sees its own)", content: json(pageSchema(templateSchema)) }, ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listTemplates(serviceContext(c), filter, page)), 200),
  )
  .openapi(decide("approve"), async (c) => c.json(await decideTemplate(serviceContext(c), c.req.valid("param").id, "approve", c.req.valid("json").reason), 200))
  .openapi(decide("revoke"), async (c) => c.json(await decideTemplate(serviceContext(c), c.req.valid("param").id, "revoke", c.req.valid("json").reason), 200))
  .openapi(
    createRoute({
      method: "put",
      path: "/signatures/{id}/template-required",
      tags,
      security: bearerSecurity,
      summary: "Make a signature template-only, or free it (operator)",
      middleware: [operatorOnly] as const,
      request: { params: idParam, body: { required: true, content: json(templateRequiredBody) } },
      responses: { 200: { description: "Saved", content: json(z.object({ signatureId: z.string(), templateRequired: z.boolean() })) }, ...problemResponses },
    }),
    async (c) => {
      const body = c.req.valid("json");
      return c.json(await setTemplateRequired(serviceContext(c), c.req.valid("param").id, body.required, body.reason), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/ports/{id}/purpose",
      tags: ["Ports"],
      security: bearerSecurity,
      summary: "Declare the categories a port may carry (operator; null = any)",
      middleware: [operatorOnly] as const,
      request: { params: idParam, body: { required: true, content: json(portPurposeBody) } },
      responses: { 200: { description: "Saved", content: json(purposeSchema) }, ...problemResponses },
    }),
    async (c) => {
      const body = c.req.valid("json");
      return c.json(await setPortPurpose(serviceContext(c), c.req.valid("param").id, undefined, body.categories, body.reason), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/ports/{id}/extensions/{extensionId}/purpose",
      tags: ["Ports"],
      security: bearerSecurity,
      summary: "Declare the categories one extension may carry (operator; null = its port's)",
      middleware: [operatorOnly] as const,
      request: { params: z.object({ id: z.uuid(), extensionId: z.uuid() }), body: { required: true, content: json(portPurposeBody) } },
      responses: { 200: { description: "Saved", content: json(purposeSchema) }, ...problemResponses },
    }),
    async (c) => {
      const { id, extensionId } = c.req.valid("param");
      const body = c.req.valid("json");
      return c.json(await setPortPurpose(serviceContext(c), id, extensionId, body.categories, body.reason), 200);
    },
  );

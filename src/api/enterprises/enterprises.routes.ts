import { createRoute, z } from "@hono/zod-openapi";
import { canChange } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { decodeCursor, pageQuery, pageSchema, toPage } from "../../lib/pagination.ts";
import { createEnterpriseBody, enterpriseSchema, listEnterprisesQuery, updateEnterpriseBody } from "../../enterprises/enterprises.schemas.ts";
import { createEnterprise, getEnterprise, listEnterprises, updateEnterprise } from "../../enterprises/enterprises.service.ts";

const tags = ["Enterprises"];
const idParam = z.object({ id: z.uuid() });

export const enterpriseRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/enterprises",
      tags,
      security: bearerSecurity,
      middleware: [canChange] as const,
      request: { body: { required: true, content: { "application/json": { schema: createEnterpriseBody } } } },
      responses: { 201: { description: "Created", content: { "application/json": { schema: enterpriseSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await createEnterprise(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/enterprises",
      tags,
      security: bearerSecurity,
      request: { query: pageQuery.extend(listEnterprisesQuery.shape) },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(enterpriseSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listEnterprises(serviceContext(c), filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/enterprises/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: { description: "The enterprise", content: { "application/json": { schema: enterpriseSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await getEnterprise(serviceContext(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/enterprises/{id}",
      tags,
      security: bearerSecurity,
      middleware: [canChange] as const,
      request: { params: idParam, body: { required: true, content: { "application/json": { schema: updateEnterpriseBody } } } },
      responses: { 200: { description: "Updated", content: { "application/json": { schema: enterpriseSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await updateEnterprise(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  );

import { createRoute, z } from "@hono/zod-openapi";
import { canChange, operatorOnly } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { decodeCursor, pageQuery, pageSchema, toPage } from "../../lib/pagination.ts";
import {
  createServiceProviderBody,
  listServiceProvidersQuery,
  serviceProviderSchema,
  updateServiceProviderBody,
} from "../../service-providers/service-providers.schemas.ts";
import { createServiceProvider, getServiceProvider, listServiceProviders, updateServiceProvider } from "../../service-providers/service-providers.service.ts";

const tags = ["Service providers"];
const idParam = z.object({ id: z.uuid() });

export const serviceProviderRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/service-providers",
      tags,
      security: bearerSecurity,
      middleware: [operatorOnly] as const,
      request: { body: { required: true, content: { "application/json": { schema: createServiceProviderBody } } } },
      responses: { 201: { description: "Created", content: { "application/json": { schema: serviceProviderSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await createServiceProvider(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/service-providers",
      tags,
      security: bearerSecurity,
      request: { query: pageQuery.extend(listServiceProvidersQuery.shape) },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(serviceProviderSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listServiceProviders(serviceContext(c), filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/service-providers/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: { description: "The SP", content: { "application/json": { schema: serviceProviderSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await getServiceProvider(serviceContext(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/service-providers/{id}",
      tags,
      security: bearerSecurity,
      middleware: [canChange] as const,
      request: { params: idParam, body: { required: true, content: { "application/json": { schema: updateServiceProviderBody } } } },
      responses: { 200: { description: "Updated", content: { "application/json": { schema: serviceProviderSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await updateServiceProvider(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  );

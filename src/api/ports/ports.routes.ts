import { createRoute, z } from "@hono/zod-openapi";
import { canChange, operatorOnly } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { decodeCursor, pageQuery, pageSchema, toPage } from "../../lib/pagination.ts";
import { createExtension, deleteExtension, listExtensions } from "../../ports/extensions.service.ts";
import {
  createExtensionBody,
  createPortBody,
  deleteExtensionQuery,
  extensionSchema,
  listExtensionsQuery,
  listPortsQuery,
  portSchema,
  updatePortBody,
} from "../../ports/ports.schemas.ts";
import { createPort, getPort, listPorts, updatePort } from "../../ports/ports.service.ts";

const tags = ["Ports"];
const idParam = z.object({ id: z.uuid() });

export const portRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/ports",
      tags,
      security: bearerSecurity,
      middleware: [operatorOnly] as const,
      request: { body: { required: true, content: { "application/json": { schema: createPortBody } } } },
      responses: { 201: { description: "Assigned", content: { "application/json": { schema: portSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await createPort(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/ports",
      tags,
      security: bearerSecurity,
      request: { query: pageQuery.extend(listPortsQuery.shape) },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(portSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listPorts(serviceContext(c), filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/ports/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: { description: "The port", content: { "application/json": { schema: portSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await getPort(serviceContext(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/ports/{id}",
      tags,
      security: bearerSecurity,
      // SPs reach the service so that another SP's port answers 404, their own 403.
      middleware: [canChange] as const,
      request: { params: idParam, body: { required: true, content: { "application/json": { schema: updatePortBody } } } },
      responses: { 200: { description: "Updated", content: { "application/json": { schema: portSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await updatePort(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/ports/{id}/extensions",
      tags,
      security: bearerSecurity,
      middleware: [canChange] as const,
      request: { params: idParam, body: { required: true, content: { "application/json": { schema: createExtensionBody } } } },
      responses: { 201: { description: "Assigned", content: { "application/json": { schema: extensionSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await createExtension(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/ports/{id}/extensions",
      tags,
      security: bearerSecurity,
      request: { params: idParam, query: pageQuery.extend(listExtensionsQuery.shape) },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(extensionSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listExtensions(serviceContext(c), c.req.valid("param").id, filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/ports/{id}/extensions/{extensionId}",
      tags,
      security: bearerSecurity,
      middleware: [canChange] as const,
      request: { params: z.object({ id: z.uuid(), extensionId: z.uuid() }), query: deleteExtensionQuery },
      responses: { 204: { description: "Released" }, ...problemResponses },
    }),
    async (c) => {
      const { id, extensionId } = c.req.valid("param");
      await deleteExtension(serviceContext(c), id, extensionId, c.req.valid("query").reason);
      return c.body(null, 204);
    },
  );

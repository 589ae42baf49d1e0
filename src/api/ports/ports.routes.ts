import { bearerSecurity, canChange, createRoute, createRouter, decodeCursor, idParam, jsonBody, jsonResponse, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, serviceContext, toPage } from "../route-kit.ts";
import { z } from "@hono/zod-openapi";
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

export const portRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/ports",
      tags,
      security: bearerSecurity,
      middleware: [operatorOnly] as const,
      request: { body: jsonBody(createPortBody) },
      responses: { 201: jsonResponse("Assigned", portSchema), ...problemResponses },
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
      responses: { 200: jsonResponse("A page", pageSchema(portSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listPorts(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/ports/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: jsonResponse("The port", portSchema), ...problemResponses },
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
      request: { params: idParam, body: jsonBody(updatePortBody) },
      responses: { 200: jsonResponse("Updated", portSchema), ...problemResponses },
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
      request: { params: idParam, body: jsonBody(createExtensionBody) },
      responses: { 201: jsonResponse("Assigned", extensionSchema), ...problemResponses },
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
      responses: { 200: jsonResponse("A page", pageSchema(extensionSchema)), ...problemResponses },
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

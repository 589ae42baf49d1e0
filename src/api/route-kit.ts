/**
 * What a routes file is built from, in one import: the OpenAPI route, the router and the service
 * context, the role guards, the shared schemas and responses, and list paging.
 */
export { createRoute } from "@hono/zod-openapi";
export { canChange, operatorOnly, requireRole, staffOnly } from "./auth.ts";
export { bearerSecurity, createRouter, serviceContext } from "./env.ts";
export { idParam, jsonBody, jsonResponse, problemResponses } from "./openapi.ts";
export { decodeCursor, pageOf, pageQuery, pageSchema, toPage } from "../lib/pagination.ts";

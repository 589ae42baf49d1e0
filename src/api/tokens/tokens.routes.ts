import { bearerSecurity, canChange, createRoute, createRouter, jsonResponse, pageOf, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import { z } from "@hono/zod-openapi";
import { createToken, listTokens, revokeToken } from "../../tokens/tokens.service.ts";

const tags = ["Tokens"];
const role = z.enum(["operator", "auditor", "sp"]);
const tokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    role,
    spId: z.uuid().nullable(),
    createdAt: z.date().or(z.string()),
    revokedAt: z.date().or(z.string()).nullable(),
    lastUsedAt: z.date().or(z.string()).nullable(),
  })
  .openapi("Token");

export const tokenRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/tokens",
      tags,
      security: bearerSecurity,
      middleware: [canChange] as const,
      request: {
        body: {
          required: true,
          content: { "application/json": { schema: z.object({ name: z.string().trim().min(1).max(100), role, spId: z.uuid().optional() }).strict() } },
        },
      },
      responses: {
        201: {
          description: "Created; the secret is shown once",
          content: { "application/json": { schema: z.object({ token: tokenSchema, secret: z.string() }) } },
        },
        ...problemResponses,
      },
    }),
    async (c) => c.json(await createToken(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tokens",
      tags,
      security: bearerSecurity,
      request: { query: pageQuery },
      responses: { 200: jsonResponse("A page", pageSchema(tokenSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (_filter, page) => listTokens(serviceContext(c), page)), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/tokens/{id}/revoke",
      tags,
      security: bearerSecurity,
      middleware: [canChange] as const,
      request: {
        params: z.object({ id: z.uuid() }),
        body: { required: false, content: { "application/json": { schema: z.object({ reason: z.string().max(500).optional() }).strict() } } },
      },
      responses: { 200: jsonResponse("Revoked", tokenSchema), ...problemResponses },
    }),
    async (c) => c.json(await revokeToken(serviceContext(c), c.req.valid("param").id, c.req.valid("json")?.reason), 200),
  );

import { createRoute, z } from "@hono/zod-openapi";
import { canChange, operatorOnly } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { decodeCursor, pageQuery, pageSchema, toPage } from "../../lib/pagination.ts";
import { accountSchema, createAccountBody, listAccountsQuery, rotatePasswordBody, updateAccountBody } from "../../accounts/accounts.schemas.ts";
import { createAccount, getAccount, listAccounts, rotateAccountPassword, updateAccount } from "../../accounts/accounts.service.ts";

const tags = ["Bind accounts"];
const idParam = z.object({ id: z.uuid() });

export const accountRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/accounts",
      tags,
      security: bearerSecurity,
      middleware: [operatorOnly] as const,
      request: { body: { required: true, content: { "application/json": { schema: createAccountBody } } } },
      responses: { 201: { description: "Created (the password is never returned)", content: { "application/json": { schema: accountSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await createAccount(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/accounts",
      tags,
      security: bearerSecurity,
      request: { query: pageQuery.extend(listAccountsQuery.shape) },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(accountSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listAccounts(serviceContext(c), filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/accounts/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: { description: "The account", content: { "application/json": { schema: accountSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await getAccount(serviceContext(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/accounts/{id}",
      tags,
      security: bearerSecurity,
      middleware: [canChange] as const,
      request: { params: idParam, body: { required: true, content: { "application/json": { schema: updateAccountBody } } } },
      responses: { 200: { description: "Updated", content: { "application/json": { schema: accountSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await updateAccount(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/accounts/{id}/password",
      tags,
      security: bearerSecurity,
      middleware: [canChange] as const,
      request: { params: idParam, body: { required: true, content: { "application/json": { schema: rotatePasswordBody } } } },
      responses: { 200: { description: "Rotated (the password is never returned)", content: { "application/json": { schema: accountSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await rotateAccountPassword(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  );

import { bearerSecurity, canChange, createRoute, createRouter, idParam, jsonBody, jsonResponse, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import { accountSchema, createAccountBody, listAccountsQuery, rotatePasswordBody, updateAccountBody } from "../../accounts/accounts.schemas.ts";
import { createAccount, getAccount, listAccounts, rotateAccountPassword, updateAccount } from "../../accounts/accounts.service.ts";

const tags = ["Bind accounts"];

export const accountRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/accounts",
      tags,
      security: bearerSecurity,
      middleware: [operatorOnly] as const,
      request: { body: jsonBody(createAccountBody) },
      responses: { 201: jsonResponse("Created (the password is never returned)", accountSchema), ...problemResponses },
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
      responses: { 200: jsonResponse("A page", pageSchema(accountSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listAccounts(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/accounts/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: jsonResponse("The account", accountSchema), ...problemResponses },
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
      request: { params: idParam, body: jsonBody(updateAccountBody) },
      responses: { 200: jsonResponse("Updated", accountSchema), ...problemResponses },
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
      request: { params: idParam, body: jsonBody(rotatePasswordBody) },
      responses: { 200: jsonResponse("Rotated (the password is never returned)", accountSchema), ...problemResponses },
    }),
    async (c) => c.json(await rotateAccountPassword(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  );

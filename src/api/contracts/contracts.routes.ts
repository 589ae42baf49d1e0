import { createRoute, z } from "@hono/zod-openapi";
import { canChange, operatorOnly } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { decodeCursor, pageQuery, pageSchema, toPage } from "../../lib/pagination.ts";
import { createContractBody, contractSchema, decideContractBody, listContractsQuery, updateContractBody } from "../../contracts/contracts.schemas.ts";
import { createContract, decideContract, getContract, listContracts, updateContract } from "../../contracts/contracts.service.ts";

const tags = ["Contracts"];
const idParam = z.object({ id: z.uuid() });

export const contractRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/contracts",
      tags,
      security: bearerSecurity,
      summary: "File a contract (operator: active at once) or request one (SP: pending until an operator approves it)",
      middleware: [canChange] as const,
      request: { body: { required: true, content: { "application/json": { schema: createContractBody } } } },
      responses: { 201: { description: "Created", content: { "application/json": { schema: contractSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await createContract(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/contracts",
      tags,
      security: bearerSecurity,
      request: { query: pageQuery.extend(listContractsQuery.shape) },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(contractSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listContracts(serviceContext(c), filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/contracts/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: { description: "The contract", content: { "application/json": { schema: contractSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await getContract(serviceContext(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/contracts/{id}",
      tags,
      security: bearerSecurity,
      summary: "Renew (dates) or end (status terminated) a contract (operator)",
      middleware: [operatorOnly] as const,
      request: { params: idParam, body: { required: true, content: { "application/json": { schema: updateContractBody } } } },
      responses: { 200: { description: "Updated", content: { "application/json": { schema: contractSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await updateContract(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/contracts/{id}/approve",
      tags,
      security: bearerSecurity,
      summary: "Approve an SP's pending contract request: it becomes active (operator, with a reason)",
      middleware: [operatorOnly] as const,
      request: { params: idParam, body: { required: true, content: { "application/json": { schema: decideContractBody } } } },
      responses: { 200: { description: "Decided", content: { "application/json": { schema: contractSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await decideContract(serviceContext(c), c.req.valid("param").id, "approve", c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/contracts/{id}/refuse",
      tags,
      security: bearerSecurity,
      summary: "Refuse an SP's pending contract request (operator, with a reason; final)",
      middleware: [operatorOnly] as const,
      request: { params: idParam, body: { required: true, content: { "application/json": { schema: decideContractBody } } } },
      responses: { 200: { description: "Decided", content: { "application/json": { schema: contractSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await decideContract(serviceContext(c), c.req.valid("param").id, "refuse", c.req.valid("json")), 200),
  );

import { bearerSecurity, canChange, createRoute, createRouter, idParam, jsonBody, jsonResponse, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import { createContractBody, contractSchema, decideContractBody, listContractsQuery, updateContractBody } from "../../contracts/contracts.schemas.ts";
import { createContract, decideContract, getContract, listContracts, updateContract } from "../../contracts/contracts.service.ts";

const tags = ["Contracts"];

export const contractRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/contracts",
      tags,
      security: bearerSecurity,
      summary: "File a contract (operator: active at once) or request one (SP: pending until an operator approves it)",
      middleware: [canChange] as const,
      request: { body: jsonBody(createContractBody) },
      responses: { 201: jsonResponse("Created", contractSchema), ...problemResponses },
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
      responses: { 200: jsonResponse("A page", pageSchema(contractSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listContracts(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/contracts/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: jsonResponse("The contract", contractSchema), ...problemResponses },
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
      request: { params: idParam, body: jsonBody(updateContractBody) },
      responses: { 200: jsonResponse("Updated", contractSchema), ...problemResponses },
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
      request: { params: idParam, body: jsonBody(decideContractBody) },
      responses: { 200: jsonResponse("Decided", contractSchema), ...problemResponses },
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
      request: { params: idParam, body: jsonBody(decideContractBody) },
      responses: { 200: jsonResponse("Decided", contractSchema), ...problemResponses },
    }),
    async (c) => c.json(await decideContract(serviceContext(c), c.req.valid("param").id, "refuse", c.req.valid("json")), 200),
  );

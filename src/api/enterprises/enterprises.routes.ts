import { bearerSecurity, canChange, createRoute, createRouter, idParam, jsonBody, jsonResponse, pageOf, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import { createEnterpriseBody, enterpriseSchema, listEnterprisesQuery, updateEnterpriseBody } from "../../enterprises/enterprises.schemas.ts";
import { createEnterprise, getEnterprise, listEnterprises, updateEnterprise } from "../../enterprises/enterprises.service.ts";

const tags = ["Enterprises"];

export const enterpriseRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/enterprises",
      tags,
      security: bearerSecurity,
      middleware: [canChange] as const,
      request: { body: jsonBody(createEnterpriseBody) },
      responses: { 201: jsonResponse("Created", enterpriseSchema), ...problemResponses },
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
      responses: { 200: jsonResponse("A page", pageSchema(enterpriseSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listEnterprises(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/enterprises/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: jsonResponse("The enterprise", enterpriseSchema), ...problemResponses },
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
      request: { params: idParam, body: jsonBody(updateEnterpriseBody) },
      responses: { 200: jsonResponse("Updated", enterpriseSchema), ...problemResponses },
    }),
    async (c) => c.json(await updateEnterprise(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  );

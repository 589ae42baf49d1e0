import { bearerSecurity, canChange, createRoute, createRouter, idParam, jsonBody, jsonResponse, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import {
  createServiceProviderBody,
  listServiceProvidersQuery,
  serviceProviderSchema,
  updateServiceProviderBody,
} from "../../service-providers/service-providers.schemas.ts";
import { createServiceProvider, getServiceProvider, listServiceProviders, updateServiceProvider } from "../../service-providers/service-providers.service.ts";

const tags = ["Service providers"];

export const serviceProviderRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/service-providers",
      tags,
      security: bearerSecurity,
      middleware: [operatorOnly] as const,
      request: { body: jsonBody(createServiceProviderBody) },
      responses: { 201: jsonResponse("Created", serviceProviderSchema), ...problemResponses },
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
      responses: { 200: jsonResponse("A page", pageSchema(serviceProviderSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listServiceProviders(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/service-providers/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: jsonResponse("The SP", serviceProviderSchema), ...problemResponses },
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
      request: { params: idParam, body: jsonBody(updateServiceProviderBody) },
      responses: { 200: jsonResponse("Updated", serviceProviderSchema), ...problemResponses },
    }),
    async (c) => c.json(await updateServiceProvider(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  );

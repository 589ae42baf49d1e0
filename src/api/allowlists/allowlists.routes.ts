import { z } from "@hono/zod-openapi";
import { bearerSecurity, canChange, createRoute, createRouter, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import {
  callbackNumberSchema,
  createCallbackNumberBody,
  createLinkDomainBody,
  decideAllowlistBody,
  linkDomainSchema,
  listAllowlistQuery,
} from "../../allowlists/allowlists.schemas.ts";
import {
  createCallbackNumber,
  createLinkDomain,
  decideAllowlist,
  getAllowlistRow,
  listCallbackNumbers,
  listLinkDomains,
} from "../../allowlists/allowlists.service.ts";

const idParam = z.object({ id: z.uuid() });
const json = <T extends z.ZodTypeAny>(schema: T) => ({ "application/json": { schema } });

/** Link domains (rule `links`) and call-back numbers (rule `callbacks`): filed pending, approved or revoked by an operator. */
export const allowlistRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/link-domains",
      tags: ["Link domains"],
      security: bearerSecurity,
      summary: "File a domain an enterprise may link to, with its ICP filing (pending until an operator approves it)",
      middleware: [canChange] as const,
      request: { body: { required: true, content: json(createLinkDomainBody) } },
      responses: { 201: { description: "Filed", content: json(linkDomainSchema) }, ...problemResponses },
    }),
    async (c) => c.json(await createLinkDomain(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/link-domains",
      tags: ["Link domains"],
      security: bearerSecurity,
      request: { query: pageQuery.extend(listAllowlistQuery.shape) },
      responses: { 200: { description: "A page (an SP sees its own filings)", content: json(pageSchema(linkDomainSchema)) }, ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listLinkDomains(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/link-domains/{id}",
      tags: ["Link domains"],
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: { description: "The filing", content: json(linkDomainSchema) }, ...problemResponses },
    }),
    async (c) => c.json((await getAllowlistRow(serviceContext(c), "link_domain", c.req.valid("param").id)) as z.infer<typeof linkDomainSchema>, 200),
  )
  .openapi(decideRoute("link-domains", "approve", linkDomainSchema), async (c) =>
    c.json(await decideAllowlist(serviceContext(c), "link_domain", c.req.valid("param").id, "approve", c.req.valid("json").reason), 200),
  )
  .openapi(decideRoute("link-domains", "revoke", linkDomainSchema), async (c) =>
    c.json(await decideAllowlist(serviceContext(c), "link_domain", c.req.valid("param").id, "revoke", c.req.valid("json").reason), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/callback-numbers",
      tags: ["Call-back numbers"],
      security: bearerSecurity,
      summary: "File an enterprise's service number (pending until an operator approves it)",
      middleware: [canChange] as const,
      request: { body: { required: true, content: json(createCallbackNumberBody) } },
      responses: { 201: { description: "Filed", content: json(callbackNumberSchema) }, ...problemResponses },
    }),
    async (c) => c.json(await createCallbackNumber(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/callback-numbers",
      tags: ["Call-back numbers"],
      security: bearerSecurity,
      request: { query: pageQuery.extend(listAllowlistQuery.shape) },
      responses: { 200: { description: "A page (an SP sees its own filings)", content: json(pageSchema(callbackNumberSchema)) }, ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listCallbackNumbers(serviceContext(c), filter, page)), 200),
  )
  .openapi(decideRoute("callback-numbers", "approve", callbackNumberSchema), async (c) =>
    c.json(await decideAllowlist(serviceContext(c), "callback_number", c.req.valid("param").id, "approve", c.req.valid("json").reason), 200),
  )
  .openapi(decideRoute("callback-numbers", "revoke", callbackNumberSchema), async (c) =>
    c.json(await decideAllowlist(serviceContext(c), "callback_number", c.req.valid("param").id, "revoke", c.req.valid("json").reason), 200),
  );

function decideRoute<T extends z.ZodTypeAny>(resource: "link-domains" | "callback-numbers", action: "approve" | "revoke", schema: T) {
  return createRoute({
    method: "post",
    path: `/${resource}/{id}/${action}`,
    tags: [resource === "link-domains" ? "Link domains" : "Call-back numbers"],
    security: bearerSecurity,
    summary: action === "approve" ? "Approve a pending filing (operator, with a reason)" : "Revoke a filing (operator, with a reason; final)",
    middleware: [operatorOnly] as const,
    request: { params: idParam, body: { required: true, content: json(decideAllowlistBody) } },
    responses: { 200: { description: "Decided", content: json(schema) }, ...problemResponses },
  });
}

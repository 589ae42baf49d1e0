import { bearerSecurity, canChange, createRoute, createRouter, idParam, jsonBody, jsonResponse, pageOf, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import { signatureActions, type SignatureAction } from "../../signatures/signatures.lifecycle.ts";
import { createSignatureBody, listSignaturesQuery, signatureSchema, transitionBody, updateSignatureBody } from "../../signatures/signatures.schemas.ts";
import { createSignature, getSignature, listSignatures, transitionSignature, updateSignature } from "../../signatures/signatures.service.ts";

const tags = ["Signatures"];
const one = (description: string) => ({ description, content: { "application/json": { schema: signatureSchema } } });

const actionDescriptions: Record<SignatureAction, string> = {
  approve: "pending → approved, or suspended → approved (reinstate). Needs evidence in date and a non-empty scope.",
  reject: "pending → rejected.",
  suspend: "approved → suspended.",
  revoke: "any state except revoked → revoked (final; the text stays taken until an operator files it again with reclaimReason).",
};

export const signatureRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/signatures",
      tags,
      security: bearerSecurity,
      summary: "File a signature (operator, or an SP for itself); created pending",
      middleware: [canChange] as const,
      request: { body: jsonBody(createSignatureBody) },
      responses: { 201: one("Filed, pending approval"), ...problemResponses },
    }),
    async (c) => c.json(await createSignature(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/signatures",
      tags,
      security: bearerSecurity,
      summary: "List signatures (an SP sees those it filed)",
      request: { query: pageQuery.extend(listSignaturesQuery.shape) },
      responses: { 200: jsonResponse("A page", pageSchema(signatureSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listSignatures(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/signatures/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: one("The signature"), ...problemResponses },
    }),
    async (c) => c.json(await getSignature(serviceContext(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/signatures/{id}",
      tags,
      security: bearerSecurity,
      summary: "Change evidence, scope, ports or expiry; a rejected filing, or a widened approved one, returns to pending",
      middleware: [canChange] as const,
      request: { params: idParam, body: jsonBody(updateSignatureBody) },
      responses: { 200: one("Updated"), ...problemResponses },
    }),
    async (c) => c.json(await updateSignature(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  );

// The four operator decisions share one shape (openapi() registers on the router in place). The
// role check is in the service, not operatorOnly middleware: an SP must get 404 for another SP's
// signature (no existence leak) and 403 only for its own.
for (const action of signatureActions) {
  signatureRoutes.openapi(
    createRoute({
      method: "post",
      path: `/signatures/{id}/${action}`,
      tags,
      security: bearerSecurity,
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} a signature (operator only; reason required)`,
      description: actionDescriptions[action],
      request: { params: idParam, body: jsonBody(transitionBody) },
      responses: { 200: one("The signature in its new state"), ...problemResponses },
    }),
    async (c) => c.json(await transitionSignature(serviceContext(c), c.req.valid("param").id, action, c.req.valid("json").reason), 200),
  );
}

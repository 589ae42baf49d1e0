import { createRoute, z } from "@hono/zod-openapi";
import { canChange, requireRole } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { decodeCursor, pageQuery, pageSchema, toPage } from "../../lib/pagination.ts";
import {
  checkConsentQuery,
  consentCheckSchema,
  consentSchema,
  consentVerificationSchema,
  createConsentBody,
  listConsentsQuery,
  withdrawConsentBody,
} from "../../consents/consents.schemas.ts";
import { checkConsent, createConsent, listConsents, withdrawConsent } from "../../consents/consents.service.ts";
import { verifyConsentChain } from "../../consents/consents.chain.ts";

const tags = ["Consents"];
const one = (description: string) => ({ description, content: { "application/json": { schema: consentSchema } } });

export const consentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/consents",
      tags,
      security: bearerSecurity,
      summary: "Record a recipient's consent to an enterprise's messages (an SP: only for enterprises it holds an active contract with)",
      middleware: [canChange] as const,
      request: { body: { required: true, content: { "application/json": { schema: createConsentBody } } } },
      responses: { 201: one("Recorded"), 200: one("Already recorded with this evidence: the existing consent"), ...problemResponses },
    }),
    async (c) => {
      const { consent, created } = await createConsent(serviceContext(c), c.req.valid("json"));
      return created ? c.json(consent, 201) : c.json(consent, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/consents",
      tags,
      security: bearerSecurity,
      summary: "List consents (masks only; an SP sees the consents it recorded)",
      request: { query: pageQuery.extend(listConsentsQuery.shape) },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(consentSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listConsents(serviceContext(c), filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/consents/check",
      tags,
      security: bearerSecurity,
      summary: "Does this number have a current consent for this enterprise?",
      request: { query: checkConsentQuery },
      responses: { 200: { description: "The answer", content: { "application/json": { schema: consentCheckSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await checkConsent(serviceContext(c), c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/consents/verify",
      tags,
      security: bearerSecurity,
      summary: "Verify the consent ledger's hash chain; names the first broken entry (operators and auditors)",
      middleware: [requireRole("operator", "auditor", "system")] as const,
      responses: { 200: { description: "The verification", content: { "application/json": { schema: consentVerificationSchema } } }, ...problemResponses },
    }),
    async (c) => {
      // A million entries take longer than Bun's default 10 s idle timeout to walk.
      (c.env as { timeout?: (request: Request, seconds: number) => void } | undefined)?.timeout?.(c.req.raw, 0);
      return c.json(await verifyConsentChain(serviceContext(c).db), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/consents/{id}",
      tags,
      security: bearerSecurity,
      summary: "Withdraw a consent (reason required; an SP withdraws only consents it recorded)",
      middleware: [canChange] as const,
      request: { params: z.object({ id: z.uuid() }), body: { required: true, content: { "application/json": { schema: withdrawConsentBody } } } },
      responses: { 200: one("Withdrawn"), ...problemResponses },
    }),
    async (c) => c.json(await withdrawConsent(serviceContext(c), c.req.valid("param").id, c.req.valid("json").reason), 200),
  );

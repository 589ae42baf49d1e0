import { createRoute, z } from "@hono/zod-openapi";
import { operatorOnly, requireRole } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import {
  contentRuleSchema,
  createContentRuleBody,
  dryRunBody,
  dryRunSchema,
  ruleCountsSchema,
  updateContentRuleBody,
} from "../../content-rules/content-rules.schemas.ts";
import {
  contentRuleCounts,
  createContentRule,
  dryRunContentRule,
  getContentRule,
  listContentRules,
  updateContentRule,
} from "../../content-rules/content-rules.service.ts";

const tags = ["Content rules"];
const idParam = z.object({ id: z.uuid() });
const json = <T extends z.ZodTypeAny>(schema: T) => ({ "application/json": { schema } });
/** SPs never read content rules (they would write around them). */
const staff = requireRole("operator", "auditor", "system");

export const contentRuleRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/content-rules",
      tags,
      security: bearerSecurity,
      middleware: [staff] as const,
      responses: { 200: { description: "Every content rule (operator, auditor)", content: json(z.object({ items: z.array(contentRuleSchema) })) }, ...problemResponses },
    }),
    async (c) => c.json({ items: await listContentRules(serviceContext(c)) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/content-rules",
      tags,
      security: bearerSecurity,
      summary: "Add a content rule (operator); patterns that could backtrack catastrophically are refused (422)",
      middleware: [operatorOnly] as const,
      request: { body: { required: true, content: json(createContentRuleBody) } },
      responses: { 201: { description: "Created; proxies apply it within a second", content: json(contentRuleSchema) }, ...problemResponses },
    }),
    async (c) => c.json(await createContentRule(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/content-rules/dry-run",
      tags,
      security: bearerSecurity,
      summary: "Run a draft rule on the last day's journal: how many refused or monitored messages, from which SPs, it would have matched",
      middleware: [staff] as const,
      request: { body: { required: true, content: json(dryRunBody) } },
      responses: { 200: { description: "What the draft would have matched", content: json(dryRunSchema) }, ...problemResponses },
    }),
    async (c) => c.json(await dryRunContentRule(serviceContext(c), c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/content-rules/counts",
      tags,
      security: bearerSecurity,
      summary: "Per rule, the last day's monitored and enforced hits",
      middleware: [staff] as const,
      responses: { 200: { description: "Counts", content: json(ruleCountsSchema) }, ...problemResponses },
    }),
    async (c) => c.json(await contentRuleCounts(serviceContext(c)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/content-rules/{id}",
      tags,
      security: bearerSecurity,
      middleware: [staff] as const,
      request: { params: idParam },
      responses: { 200: { description: "The rule", content: json(contentRuleSchema) }, ...problemResponses },
    }),
    async (c) => c.json(await getContentRule(serviceContext(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/content-rules/{id}",
      tags,
      security: bearerSecurity,
      middleware: [operatorOnly] as const,
      request: { params: idParam, body: { required: true, content: json(updateContentRuleBody) } },
      responses: { 200: { description: "Updated", content: json(contentRuleSchema) }, ...problemResponses },
    }),
    async (c) => c.json(await updateContentRule(serviceContext(c), c.req.valid("param").id, c.req.valid("json")), 200),
  );

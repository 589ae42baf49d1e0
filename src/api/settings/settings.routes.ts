import { createRoute, z } from "@hono/zod-openapi";
import { operatorOnly, staffOnly } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { getPolicySettings, policySettingsSchema, updatePolicySettings } from "../../settings/policy-settings.service.ts";

const tags = ["Settings"];

export const settingsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/settings/policy",
      tags,
      security: bearerSecurity,
      summary: "The policy settings (operators and auditors; an SP is refused: rule modes say which checks only monitor)",
      middleware: [staffOnly] as const,
      responses: { 200: { description: "Rule modes, quiet hours and caps", content: { "application/json": { schema: policySettingsSchema } } }, ...problemResponses },
    }),
    async (c) => c.json(await getPolicySettings(serviceContext(c)), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/settings/policy",
      tags,
      security: bearerSecurity,
      summary: "Replace the policy settings (operators; audited with the reason)",
      middleware: [operatorOnly] as const,
      request: {
        body: { required: true, content: { "application/json": { schema: policySettingsSchema.extend({ reason: z.string().trim().min(1).max(500) }).strict() } } },
      },
      responses: { 200: { description: "Saved; proxies apply it within a second", content: { "application/json": { schema: policySettingsSchema } } }, ...problemResponses },
    }),
    async (c) => {
      const { reason, ...settings } = c.req.valid("json");
      return c.json(await updatePolicySettings(serviceContext(c), settings, reason), 200);
    },
  );

import { bearerSecurity, createRoute, createRouter, operatorOnly, problemResponses } from "../route-kit.ts";
import { z } from "@hono/zod-openapi";

export interface MoInjector {
  injectMo(input: { from: string; to: string; text: string }): unknown;
}

/**
 * Only mounted when the built-in SMSC simulator is the upstream (demo and trials): lets an
 * operator make a phone "reply" to a port, e.g. with T to opt out.
 */
export function simulatorRoutes(simulator: MoInjector) {
  return createRouter().openapi(
    createRoute({
      method: "post",
      path: "/simulator/mo",
      tags: ["Simulator"],
      security: bearerSecurity,
      middleware: [operatorOnly] as const,
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z
                .object({
                  from: z.string().regex(/^\+?\d{5,20}$/).openapi({ example: "13800000002" }),
                  to: z.string().regex(/^\d{3,20}$/).openapi({ example: "1069000101" }),
                  text: z.string().min(1).max(500).openapi({ example: "T" }),
                })
                .strict(),
            },
          },
        },
      },
      responses: { 202: { description: "Injected as an MO deliver_sm from the simulated SMSC", content: { "application/json": { schema: z.object({ injected: z.boolean() }) } } }, ...problemResponses },
    }),
    (c) => {
      simulator.injectMo(c.req.valid("json"));
      return c.json({ injected: true }, 202);
    },
  );
}

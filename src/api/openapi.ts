import { z } from "@hono/zod-openapi";

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: problemSchema } } });

/** The error responses every authenticated route can give. */
export const problemResponses = {
  400: problem("Malformed request"),
  401: problem("Missing or invalid token"),
  403: problem("Role not allowed"),
  404: problem("Not found (or not yours)"),
  409: problem("Conflict"),
  422: problem("Validation failed"),
} as const;

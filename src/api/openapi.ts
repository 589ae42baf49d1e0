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

/** JSON content of one schema, for a request body or a response. */
const jsonContent = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

/** A response carrying one JSON schema. */
export const jsonResponse = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: jsonContent(schema) });

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: jsonContent(schema) });

/** The `{id}` path parameter of every object route (ids are UUIDv7). */
export const idParam = z.object({ id: z.uuid() });

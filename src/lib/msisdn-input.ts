import { z } from "@hono/zod-openapi";
import { normaliseMsisdn } from "./pii.ts";

/**
 * A phone number as a client sends it: validated and normalised here, hashed and masked by the
 * service, never stored or echoed in clear. Error messages never repeat the value.
 */
export const msisdnInput = z
  .string()
  .max(40)
  .transform((value, context) => {
    const normalised = normaliseMsisdn(value);
    if (!normalised) {
      context.addIssue({ code: "custom", message: "is not a valid phone number (5–20 digits, optionally +86/0086)" });
      return z.NEVER;
    }
    return normalised;
  })
  .openapi({ type: "string", example: "13800000001", description: "Phone number in clear; only its hash and mask are kept" });

import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The one closed list of API error codes. Every error the API returns is one of these, as
 * application/problem+json `{ type, title, status, code, detail, errors? }`.
 */
export const errorCodes = {
  BAD_REQUEST: { status: 400, title: "The request is malformed" },
  VALIDATION_FAILED: { status: 422, title: "The request did not pass validation" },
  UNAUTHENTICATED: { status: 401, title: "A valid bearer token is required" },
  FORBIDDEN: { status: 403, title: "Your role may not do this" },
  NOT_FOUND: { status: 404, title: "No such resource" },
  CONFLICT: { status: 409, title: "The change conflicts with existing data" },
  INVALID_TRANSITION: { status: 409, title: "That state change is not allowed" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "The request body is too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported content type" },
  TOO_MANY_REQUESTS: { status: 429, title: "Too many requests" },
  INTERNAL: { status: 500, title: "Internal error" },
  UNAVAILABLE: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ErrorCode = keyof typeof errorCodes;

export interface FieldError {
  path: string;
  message: string;
}

/** Thrown by services; the API turns it into problem+json, other callers read `code`. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly errors?: FieldError[],
  ) {
    super(message ?? errorCodes[code].title);
    this.name = "ServiceError";
  }
}

export const notFound = (what: string) => new ServiceError("NOT_FOUND", `${what} not found`);
export const conflict = (detail: string) => new ServiceError("CONFLICT", detail);
export const forbidden = (detail: string) => new ServiceError("FORBIDDEN", detail);
export const invalid = (path: string, message: string) =>
  new ServiceError("VALIDATION_FAILED", `${path}: ${message}`, [{ path, message }]);

export function problemBody(code: ErrorCode, detail?: string, errors?: FieldError[]) {
  const { status, title } = errorCodes[code];
  return {
    type: `urn:gatekeeper:error:${code.toLowerCase()}`,
    title,
    status,
    code,
    detail: detail ?? title,
    ...(errors?.length ? { errors } : {}),
  };
}

import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import type { AppDependencies } from "../context.ts";
import { migrationsApplied } from "../db/client.ts";
import { codesOf, isBadInputError, isOutOfRangeError, isUnavailableError } from "../db/errors.ts";
import { AuthFailureLimiter, authenticate } from "./auth.ts";
import type { ApiEnv } from "./env.ts";
import { auditRoutes } from "./audit/audit.routes.ts";
import { doNotDisturbRoutes } from "./dnd/dnd.routes.ts";
import { honeypotRoutes } from "./honeypots/honeypots.routes.ts";
import { preferenceRoutes } from "./preferences/preferences.routes.ts";
import { ServiceError, errorCodes, problemBody, type ErrorCode } from "../lib/errors.ts";
import { optOutRoutes } from "./opt-outs/opt-outs.routes.ts";
import { consentRoutes } from "./consents/consents.routes.ts";
import { accountRoutes } from "./accounts/accounts.routes.ts";
import { contractRoutes } from "./contracts/contracts.routes.ts";
import { enterpriseRoutes } from "./enterprises/enterprises.routes.ts";
import { importRoutes } from "./imports/imports.routes.ts";
import { portRoutes } from "./ports/ports.routes.ts";
import { serviceProviderRoutes } from "./service-providers/service-providers.routes.ts";
import { signatureRoutes } from "./signatures/signatures.routes.ts";
import { tokenRoutes } from "./tokens/tokens.routes.ts";
import { journalRoutes } from "./journal/journal.routes.ts";
import { settingsRoutes } from "./settings/settings.routes.ts";
import { complaintRoutes } from "./complaints/complaints.routes.ts";
import { reviewRoutes } from "./reviews/reviews.routes.ts";
import { receiptRoutes } from "./receipts/receipts.routes.ts";
import { allowlistRoutes } from "./allowlists/allowlists.routes.ts";
import { contentRuleRoutes } from "./content-rules/content-rules.routes.ts";
import { templateRoutes } from "./templates/templates.routes.ts";

export interface AppOptions {
  logger?: Logger;
  /** Extra routers mounted under /api/v1 by the composition root (journal, reviews …). */
  extraRoutes?: OpenAPIHono<ApiEnv>[];
  /** Routes outside /api (the web console, /metrics). */
  mount?: (app: OpenAPIHono<ApiEnv>) => void;
  maxJsonBytes?: number;
  maxUploadBytes?: number;
  /** Failed authentications allowed per client address and window before 429 (default 20 a minute). */
  authFailures?: { maxFailures: number; windowMs: number };
}

/** The routers every deployment has; the OpenAPI document is generated from their schemas. */
export const apiRouters = [
  serviceProviderRoutes,
  enterpriseRoutes,
  contractRoutes,
  portRoutes,
  accountRoutes,
  signatureRoutes,
  optOutRoutes,
  consentRoutes,
  doNotDisturbRoutes,
  preferenceRoutes,
  honeypotRoutes,
  importRoutes,
  tokenRoutes,
  auditRoutes,
  journalRoutes,
  settingsRoutes,
  complaintRoutes,
  reviewRoutes,
  receiptRoutes,
  allowlistRoutes,
  contentRuleRoutes,
  templateRoutes,
];

function problem(code: ErrorCode, detail?: string, errors?: { path: string; message: string }[]) {
  return new Response(JSON.stringify(problemBody(code, detail, errors)), {
    status: errorCodes[code].status,
    headers: { "content-type": "application/problem+json" },
  });
}

export function createApp(deps: AppDependencies, options: AppOptions = {}) {
  const app = new OpenAPIHono<ApiEnv>();
  const limiter = new AuthFailureLimiter(options.authFailures?.maxFailures, options.authFailures?.windowMs);
  const maxJsonBytes = options.maxJsonBytes ?? 1024 * 1024;
  const maxUploadBytes = options.maxUploadBytes ?? 256 * 1024 * 1024;

  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    const reachable = await deps.database.ping(2000);
    checks.database = { ok: reachable, ...(reachable ? {} : { detail: "database unreachable" }) };
    if (reachable) {
      const applied = await migrationsApplied(deps.database.db);
      checks.migrations = { ok: applied, ...(applied ? {} : { detail: "migrations not applied" }) };
    }
    Object.assign(checks, (await deps.readiness?.()) ?? {});
    const ok = Object.values(checks).every((check) => check.ok);
    return c.json({ status: ok ? "ready" : "not ready", checks }, ok ? 200 : 503);
  });

  app.use("/api/v1/*", async (c, next) => {
    // PostgreSQL text cannot hold NUL: refuse it at the door rather than fail deep in a query.
    if (/%00/.test(new URL(c.req.url).search)) return problem("BAD_REQUEST", "the query string contains a NUL character");
    const method = c.req.method;
    // DELETE carries a body too (the reason for withdrawing an opt-out or a DND entry).
    if (method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE") {
      const type = c.req.header("content-type") ?? "";
      const isUpload = /^text\/csv|^multipart\/form-data|^application\/octet-stream/i.test(type);
      const limit = isUpload ? maxUploadBytes : maxJsonBytes;
      const declared = Number(c.req.header("content-length") ?? "0");
      if (declared > limit) return problem("PAYLOAD_TOO_LARGE", `the body may be at most ${limit} bytes`);
      if (!isUpload && type && !/^application\/json\b/i.test(type)) {
        return problem("UNSUPPORTED_MEDIA_TYPE", "send application/json (or text/csv to an import)");
      }
      return bodyLimit({ maxSize: limit, onError: () => problem("PAYLOAD_TOO_LARGE", `the body may be at most ${limit} bytes`) })(c, next);
    }
    await next();
  });
  app.use("/api/v1/*", authenticate(limiter));

  for (const router of [...apiRouters, ...(options.extraRoutes ?? [])]) app.route("/api/v1", router);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "SMS port and signature gatekeeper — admin API",
      version: "1.0.0",
      description: "Registry of service providers, enterprises, contracts, ports, bind accounts, signatures, opt-outs; journal and reviews.",
    },
  });

  options.mount?.(app);

  app.notFound(() => problem("NOT_FOUND", "no such route"));
  app.onError((error, c) => errorResponse(error, c.req, options.logger));
  return app;
}

/** The problem answer for an error a route threw: the client's fault, the database away, or a bug (logged without its message). */
function errorResponse(error: unknown, req: { path: string; method: string }, logger: AppOptions["logger"]) {
  if (error instanceof ServiceError) return problem(error.code, error.message, error.errors);
  if (error instanceof HTTPException) {
    const status = error.status;
    const code: ErrorCode = status === 413 ? "PAYLOAD_TOO_LARGE" : status === 401 ? "UNAUTHENTICATED" : status === 404 ? "NOT_FOUND" : "BAD_REQUEST";
    return problem(code, error.message || undefined);
  }
  if (error instanceof SyntaxError) return problem("BAD_REQUEST", "the body is not valid JSON");
  if (isBadInputError(error)) return problem("BAD_REQUEST", "a value cannot be stored as given (e.g. it contains a NUL character)");
  if (isOutOfRangeError(error)) return problem("VALIDATION_FAILED", "a date or number is out of the range that can be stored");
  if (isUnavailableError(error)) {
    logger?.warn({ error: describeError(error), path: req.path, method: req.method }, "API request while the database is unreachable");
    return problem("UNAVAILABLE", "the database cannot be reached right now; try again shortly");
  }
  // Never the error's message: a failed query's carries its parameters (the request's filter
  // values, ids, numbers), and PostgreSQL's often quotes the offending value. Kind, code and stack only.
  logger?.error({ error: describeError(error), path: req.path, method: req.method }, "unhandled API error");
  return problem("INTERNAL", "an internal error occurred; it has been logged");
}

/** What may be logged of an unexpected error: its class, PostgreSQL code and call stack, never its message. */
function describeError(error: unknown) {
  const code = codesOf(error)[0];
  const stack = error instanceof Error && error.stack ? error.stack.split("\n").filter((line) => /^\s+at /.test(line)).slice(0, 12).join("\n") : undefined;
  return { type: error instanceof Error ? error.name : typeof error, code, stack };
}

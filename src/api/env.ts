import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Actor, AppDependencies, ServiceContext } from "../context.ts";
import { problemBody } from "../lib/errors.ts";

export interface ApiEnv {
  Variables: {
    actor: Actor;
    deps: AppDependencies;
  };
}

/** A router for one feature; validation failures leave as 422 problem+json naming each field. */
export function createRouter() {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const errors = result.error.issues.map((issue) => ({ path: issue.path.join(".") || "(body)", message: issue.message }));
        const detail = errors.map((e) => `${e.path}: ${e.message}`).join("; ");
        return c.json(problemBody("VALIDATION_FAILED", detail, errors), 422, { "content-type": "application/problem+json" });
      }
    },
  });
}

/** Builds the service context for this request: database, actor and the time, once. */
export function serviceContext(c: Context<ApiEnv>): ServiceContext {
  const deps = c.get("deps");
  return { db: deps.database.db, actor: c.get("actor"), now: deps.clock(), pii: deps.pii, secrets: deps.secrets, passwordHashing: deps.passwordHashing };
}

export const bearerSecurity = [{ bearerAuth: [] }];

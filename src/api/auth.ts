import type { Context, MiddlewareHandler } from "hono";
import type { Actor } from "../context.ts";
import type { ApiEnv } from "./env.ts";
import { ServiceError } from "../lib/errors.ts";
import { authenticateToken } from "../tokens/tokens.service.ts";

/** Failed-authentication budget per client address: brute force on tokens gets 429. */
export class AuthFailureLimiter {
  private failures = new Map<string, { count: number; windowStart: number }>();
  constructor(
    private readonly maxFailures = 20,
    private readonly windowMs = 60_000,
  ) {}
  blocked(address: string, now: number): boolean {
    const entry = this.failures.get(address);
    if (!entry) return false;
    if (now - entry.windowStart > this.windowMs) {
      this.failures.delete(address);
      return false;
    }
    return entry.count >= this.maxFailures;
  }
  fail(address: string, now: number): void {
    const entry = this.failures.get(address);
    if (!entry || now - entry.windowStart > this.windowMs) this.failures.set(address, { count: 1, windowStart: now });
    else entry.count++;
    if (this.failures.size > 100_000) this.failures.clear();
  }
}

export function clientAddress(c: Context): string {
  // Bun exposes the peer through the server's requestIP; behind a proxy the operator sets X-Forwarded-For.
  const env = c.env as { requestIP?: (req: Request) => { address: string } | null } | undefined;
  return env?.requestIP?.(c.req.raw)?.address ?? "local";
}

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function authenticate(limiter: AuthFailureLimiter): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S{8,200})$/i.exec(header);
    const address = clientAddress(c);
    const now = Date.now();
    if (limiter.blocked(address, now)) throw new ServiceError("TOO_MANY_REQUESTS", "too many failed authentications; try again later");
    if (!match) {
      limiter.fail(address, now);
      throw new ServiceError("UNAUTHENTICATED", "send Authorization: Bearer <token>");
    }
    const deps = c.get("deps");
    const actor = await authenticateToken(deps.database.db, match[1]!, deps.clock());
    if (!actor) {
      limiter.fail(address, now);
      throw new ServiceError("UNAUTHENTICATED", "the token is not valid or was revoked");
    }
    if (actor.type === "sp" && actor.readOnly && !READ_METHODS.has(c.req.method)) {
      throw new ServiceError("FORBIDDEN", "this service provider is suspended: its tokens are read-only");
    }
    c.set("actor", actor);
    await next();
  };
}

/** Roles allowed to call a route at all; finer checks (SP scoping) live in the services. */
export function requireRole(...roles: Actor["type"][]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const actor = c.get("actor");
    if (!roles.includes(actor.type)) throw new ServiceError("FORBIDDEN", `role ${actor.type} may not do this`);
    await next();
  };
}

/** Changes are for operators and SPs; auditors read. */
export const canChange = requireRole("operator", "sp", "system");
export const operatorOnly = requireRole("operator", "system");
/** The carrier's own staff: operators and auditors read; an SP is refused. */
export const staffOnly = requireRole("operator", "auditor", "system");

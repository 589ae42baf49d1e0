import type { Logger } from "pino";
import { createApp, type AppOptions } from "../../src/api/app.ts";
import { ensureBootstrapToken, createToken } from "../../src/tokens/tokens.service.ts";
import type { Actor, AppDependencies, ServiceContext } from "../../src/context.ts";
import { createPiiProtector } from "../../src/lib/pii.ts";
import type { SecretBox } from "../../src/lib/secrets.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

/**
 * Bind passwords hashed at argon2id's lowest cost (1 MiB, one pass): the product's default costs
 * ~150 ms a hash and as much for the first bind of each account, which summed to minutes over the
 * suite. Tests of the hashing itself set their own cost.
 */
export const TEST_PASSWORD_HASHING = { memoryCost: 1024, timeCost: 1 } as const;

/** The DOM lib is not loaded (bun-types only), so name the fetch body type from RequestInit. */

export interface TestApi {
  url: string;
  database: TestDatabase;
  deps: AppDependencies;
  operatorToken: string;
  /** A real HTTP request against the running server. */
  request(method: string, path: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string>; raw?: NonNullable<RequestInit["body"]> }): Promise<TestResponse>;
  /** Convenience: request with the operator token that must succeed (2xx), returning the JSON. */
  as(token: string): {
    get<T = any>(path: string): Promise<T>;
    post<T = any>(path: string, body?: unknown): Promise<T>;
    patch<T = any>(path: string, body?: unknown): Promise<T>;
  };
  serviceContext(actor?: Actor): ServiceContext;
  tokenFor(role: "operator" | "auditor" | "sp", spId?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface StartApiOptions extends AppOptions {
  now?: () => Date;
  /** Seals CMPP shared secrets (the server's SECRETS_KEY); absent: CMPP accounts are refused. */
  secrets?: SecretBox;
  logger?: Logger;
}

export async function startTestApi(options: StartApiOptions = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  const deps: AppDependencies = {
    database,
    pii: createPiiProtector("test-pii-key-0123456789abcdef0123456789"),
    clock: options.now ?? (() => new Date()),
    secrets: options.secrets,
    passwordHashing: TEST_PASSWORD_HASHING,
  };
  const app = createApp(deps, options);
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => app.fetch(req, srv) });
  const url = `http://127.0.0.1:${server.port}`;
  const system: Actor = { type: "system", id: "test" };
  const serviceContext = (actor: Actor = system): ServiceContext => ({ db: database.db, actor, now: deps.clock(), pii: deps.pii, secrets: deps.secrets, passwordHashing: deps.passwordHashing });
  const operatorToken = (await ensureBootstrapToken(serviceContext()))!;

  async function request(method: string, path: string, opts: { token?: string | null; body?: unknown; headers?: Record<string, string>; raw?: NonNullable<RequestInit["body"]> } = {}) {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? operatorToken : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: NonNullable<RequestInit["body"]> | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as any, text };
  }

  function as(token: string) {
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await request(method, path, { token, body });
      if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status}: ${response.text}`);
      return response.body;
    };
    return {
      get: (path: string) => call("GET", path),
      post: (path: string, body?: unknown) => call("POST", path, body ?? {}),
      patch: (path: string, body?: unknown) => call("PATCH", path, body ?? {}),
    };
  }

  return {
    url,
    database,
    deps,
    operatorToken,
    request,
    as,
    serviceContext,
    async tokenFor(role, spId) {
      const { secret } = await createToken(serviceContext(), { name: `test ${role}`, role, spId: spId ?? null });
      return secret;
    },
    async close() {
      server.stop(true);
      await database.destroy();
    },
  };
}

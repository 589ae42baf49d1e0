import { z } from "@hono/zod-openapi";
import { parseSecretsKey } from "./lib/secrets.ts";

/**
 * Environment, parsed once at start-up by the composition root. Nothing else reads process.env.
 * A bad value stops start-up with one line naming the variable (see formatConfigError).
 */
const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z.string().trim().min(1).optional().or(z.literal("").transform(() => undefined));
/** A 32-byte key (64 hex digits or base64): SECRETS_KEY seals CMPP shared secrets (src/lib/secrets.ts). */
const secretsKey = optionalString.superRefine((value, ctx) => {
  if (value === undefined) return;
  try {
    parseSecretsKey(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
});

export const configSchema = z.object({
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(),
  ),
  DATA_DIR: z.string().min(1).default("./data"),
  HTTP_HOST: z.string().min(1).default("127.0.0.1"),
  HTTP_PORT: port.default(8080),
  SMPP_HOST: z.string().min(1).default("0.0.0.0"),
  SMPP_PORT: port.default(2775),
  SMPP_TLS_PORT: port.optional(),
  SMPP_TLS_CERT: optionalString,
  SMPP_TLS_KEY: optionalString,
  /** Close a connection that has not bound within this time (never-binding clients hold sockets). */
  SMPP_BIND_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Close a connection whose PDU stays half-sent this long (slowloris). */
  SMPP_PARTIAL_PDU_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Close a connection silent this long (ESMEs send enquire_link every 30 s or so). */
  SMPP_INACTIVITY_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
  SMPP_DELIVER_WINDOW: z.coerce.number().int().min(1).max(1000).default(100),
  /** Connections accepted in total, and from one remote address; more are refused at accept. */
  SMPP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(1000),
  SMPP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
  /** How long the parts of a concatenated message wait for the rest before all are refused. */
  SMPP_CONCAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(8000),
  /** This many failed binds from one address within the window lock it out for SMPP_BIND_LOCKOUT_MS. */
  SMPP_BIND_LOCKOUT_FAILURES: z.coerce.number().int().min(1).max(1_000_000_000).default(5),
  /** This many wrong passwords for one account (from any addresses) within the window lock that account out for SMPP_BIND_LOCKOUT_MS. */
  SMPP_BIND_ACCOUNT_LOCKOUT_FAILURES: z.coerce.number().int().min(1).max(1_000_000_000).default(10),
  SMPP_BIND_LOCKOUT_WINDOW_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
  SMPP_BIND_LOCKOUT_MS: z.coerce.number().int().min(100).default(15 * 60_000),
  ADMIN_TOKEN: optionalString.pipe(z.string().min(24, "must be at least 24 characters").optional()),
  PII_KEY: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  /**
   * argon2id cost of new bind-password hashes (memory in KiB, passes). Defaults are Bun's (64 MiB,
   * 2 passes: about 150 ms on this machine). A hash keeps its own cost, so a change applies to
   * passwords set afterwards; the test suite lowers it.
   */
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(1024).max(4_194_304).default(65_536),
  PASSWORD_HASH_PASSES: z.coerce.number().int().min(1).max(64).default(2),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  UPSTREAM_SMSC_URL: optionalString.pipe(
    z.string().regex(/^smpps?:\/\/[^:@/]+:[^@/]*@[^:/]+:\d+/, "must look like smpp://system_id:password@host:port").optional(),
  ),
  UPSTREAM_BINDS: z.coerce.number().int().min(1).max(64).default(2),
  UPSTREAM_WINDOW: z.coerce.number().int().min(1).max(10000).default(100),
  /** How long a submit waits for the SMSC's submit_sm_resp before the SP gets ESME_RTHROTTLED. */
  UPSTREAM_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  SIMULATOR_PORT: port.default(2776),
  SIMULATOR_RECEIPT_DELAY_MS: z.coerce.number().int().min(0).default(200),
  JOURNAL_FULL_TEXT: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
  JOURNAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  INSTANCE_ID: optionalString,
  /** The CMPP listener for SPs (off unless set; 7890 is customary). Needs CMPP_GATEWAY_CODE and SECRETS_KEY. */
  CMPP_PORT: port.optional(),
  CMPP_HOST: z.string().min(1).default("0.0.0.0"),
  /** This instance's ISMG code in CMPP Msg_Ids (22 bits); each instance its own, no default. */
  CMPP_GATEWAY_CODE: z.coerce.number().int().min(0).max(0x3fffff).optional(),
  /** CONNECT Timestamp accepted this far from our clock (the authenticator can be replayed within it). */
  CMPP_TIMESTAMP_SKEW_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
  /** C, T: ACTIVE_TEST after this much silence, and its answer timeout (the specification's 180 s, 60 s). */
  CMPP_ACTIVE_TEST_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(180_000),
  CMPP_ACTIVE_TEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** How long a DELIVER (status report, MO) waits for its DELIVER_RESP before it is stored instead. */
  CMPP_DELIVER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  SECRETS_KEY: secretsKey,
  /** The key before the last rotation: seals made with it still open, and are re-sealed under SECRETS_KEY at start. */
  SECRETS_KEY_PREVIOUS: secretsKey,
  /** The sockets every plain-TCP SMPP and CMPP connection uses: Bun's own ("bun") or node:net ("node"); TLS is node:tls either way. */
  SOCKET_API: z.enum(["bun", "node"]).default("bun"),
  PROXY_INSTANCES: z.coerce.number().int().min(1).max(256).default(1),
  /** Proxy processes `npm start` runs on this host, sharing SMPP_PORT (see src/workers.ts). */
  PROXY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /** Set by the supervisor for each worker it starts (0 … PROXY_WORKERS-1); not for operators. */
  PROXY_WORKER_INDEX: z.coerce.number().int().min(0).max(63).optional(),
  /** Shares the carrier-wide velocity counters between proxies (README "Carrier-wide velocity"). */
  REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL").optional()),
  /** Key prefix in Redis (several deployments, or tests, may share one Redis). */
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default("gk:velocity:"),
  /** How often each proxy exchanges its velocity counts with the others (Redis or PostgreSQL). */
  VELOCITY_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    throw new ConfigError(`invalid configuration: ${name} ${issue.message}`);
  }
  const config = result.data;
  if (config.CMPP_PORT !== undefined && config.CMPP_GATEWAY_CODE === undefined) throw new ConfigError("invalid configuration: CMPP_GATEWAY_CODE is required when CMPP_PORT is set (each instance its own code, 0..4194303)");
  if (config.CMPP_PORT !== undefined && config.SECRETS_KEY === undefined) throw new ConfigError("invalid configuration: SECRETS_KEY is required when CMPP_PORT is set (it opens the CMPP shared secrets)");
  if (config.SECRETS_KEY_PREVIOUS !== undefined && config.SECRETS_KEY === undefined) throw new ConfigError("invalid configuration: SECRETS_KEY_PREVIOUS needs SECRETS_KEY");
  if (config.PROXY_WORKERS > 1) {
    // PGlite lives inside one process; the workers share the database, so it must be a server.
    if (!config.DATABASE_URL) throw new ConfigError("invalid configuration: PROXY_WORKERS above 1 needs DATABASE_URL (PostgreSQL)");
    // The other workers find the built-in simulator (run by worker 0) by its port.
    if (!config.UPSTREAM_SMSC_URL && config.SIMULATOR_PORT === 0) throw new ConfigError("invalid configuration: PROXY_WORKERS above 1 needs a fixed SIMULATOR_PORT (or UPSTREAM_SMSC_URL)");
    if (config.SMPP_PORT === 0) throw new ConfigError("invalid configuration: PROXY_WORKERS above 1 needs a fixed SMPP_PORT (the workers share it)");
  }
  return config;
}

import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Executor } from "../db/client.ts";
import { PostgresVelocityStore } from "./postgres-store.ts";
import { RedisVelocityStore } from "./redis-store.ts";
import { VelocityCounters } from "./velocity-counters.ts";

/**
 * How this proxy shares its velocity counts: through Redis when REDIS_URL is set; else through
 * PostgreSQL when several proxies run (PROXY_INSTANCES > 1, or PROXY_WORKERS > 1 on this host); else in memory (one proxy, exact).
 * Default flush: 100 ms for Redis, 250 ms for PostgreSQL (one upsert per flush per proxy).
 */
export function createVelocityCounters(config: Pick<Config, "REDIS_URL" | "REDIS_KEY_PREFIX" | "PROXY_INSTANCES" | "PROXY_WORKERS" | "VELOCITY_FLUSH_MS">, db: Executor, logger?: Logger, clock?: () => number): VelocityCounters {
  const store = config.REDIS_URL ? new RedisVelocityStore(config.REDIS_URL, config.REDIS_KEY_PREFIX) : config.PROXY_INSTANCES * config.PROXY_WORKERS > 1 ? new PostgresVelocityStore(db) : undefined;
  let lastLogged = 0;
  return new VelocityCounters({
    store,
    flushMs: config.VELOCITY_FLUSH_MS ?? (store?.kind === "postgres" ? 250 : 100),
    clock,
    onError: (error) => {
      const now = Date.now();
      if (now - lastLogged < 10_000) return;
      lastLogged = now;
      logger?.warn({ err: error, store: store?.kind }, "velocity counters could not be shared; this proxy keeps counting locally and sends its counts when the store is back");
    },
  });
}

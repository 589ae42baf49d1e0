/**
 * Composition root: parses configuration, opens the database, runs migrations, and starts the
 * admin API, the SMPP proxy and (when no real SMSC is configured) the SMSC simulator.
 */
import pino from "pino";
import { createApp } from "./api/app.ts";
import { ensureBootstrapToken } from "./api/tokens/tokens.service.ts";
import { ConfigError, parseConfig, type Config } from "./config.ts";
import type { AppDependencies } from "./context.ts";
import { openDatabase } from "./db/client.ts";
import { createPiiProtector } from "./lib/pii.ts";
import { resolvePiiKey } from "./settings/settings.service.ts";

export async function start(config: Config) {
  const logger = pino({ level: config.LOG_LEVEL, base: { instance: config.INSTANCE_ID } });
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await database.migrate();
  const pii = createPiiProtector(await resolvePiiKey(database.db, config.PII_KEY));
  const clock = () => new Date();
  const deps: AppDependencies = { database, pii, clock };

  const bootstrapSecret = await ensureBootstrapToken(
    { db: database.db, actor: { type: "system", id: "bootstrap" }, now: clock(), pii },
    config.ADMIN_TOKEN,
  );

  const app = createApp(deps, { logger });
  const http = Bun.serve({ hostname: config.HTTP_HOST, port: config.HTTP_PORT, fetch: (req, server) => app.fetch(req, server) });

  const where = config.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `PGlite in ${config.DATA_DIR}/pglite`;
  console.log(`database     ${where}`);
  console.log(`admin API    http://${config.HTTP_HOST}:${http.port}/api/v1  (OpenAPI: /api/openapi.json)`);
  if (bootstrapSecret) console.log(`operator token (shown once, keep it): ${bootstrapSecret}`);
  else if (!config.ADMIN_TOKEN) console.log("operator token: already issued earlier (set ADMIN_TOKEN to choose one)");

  const stop = async () => {
    http.stop();
    await database.close();
  };
  return { http, database, stop, logger };
}

if (import.meta.main) {
  try {
    const running = await start(parseConfig(process.env));
    const shutdown = async (signal: string) => {
      running.logger.info({ signal }, "shutting down");
      await running.stop();
      process.exit(0);
    };
    process.on("SIGTERM", () => void shutdown("SIGTERM"));
    process.on("SIGINT", () => void shutdown("SIGINT"));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

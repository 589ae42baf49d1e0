import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { parseConfig } from "../../src/config.ts";
import { ApiClient } from "../../demo/api-client.ts";
import { startGateway, type Gateway, type GatewayOptions } from "../../src/main.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { TEST_PASSWORD_HASHING } from "./api.ts";

export interface TestGateway extends Gateway {
  api: ApiClient;
  testDatabase: TestDatabase;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The whole product in-process, as `npm start` runs it: admin API, registry, journal, SMPP proxy
 * and the SMSC simulator as upstream — every port 0, on a fresh test database.
 */
export async function startTestGateway(
  options: { env?: Record<string, string>; simulator?: GatewayOptions["simulator"]; database?: TestDatabase; clock?: GatewayOptions["clock"] } = {},
): Promise<TestGateway> {
  const testDatabase = options.database ?? (await createTestDatabase());
  const dataDir = mkdtempSync(join(tmpdir(), "gatekeeper-"));
  const config = parseConfig({
    HTTP_PORT: "0",
    SMPP_PORT: "0",
    SMPP_HOST: "127.0.0.1",
    SIMULATOR_PORT: "0",
    SIMULATOR_RECEIPT_DELAY_MS: "20",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    PII_KEY: "test-pii-key-0123456789abcdef0123456789",
    INSTANCE_ID: `test-${Math.random().toString(36).slice(2, 8)}`,
    // Cheap bind-password hashes (test/helpers/api.ts TEST_PASSWORD_HASHING says why).
    PASSWORD_HASH_MEMORY_KIB: String(TEST_PASSWORD_HASHING.memoryCost),
    PASSWORD_HASH_PASSES: String(TEST_PASSWORD_HASHING.timeCost),
    ...options.env,
  });
  const gateway = await startGateway({ config, database: testDatabase, logger: pino({ level: "silent" }), simulator: options.simulator, clock: options.clock });
  return {
    ...gateway,
    api: new ApiClient(gateway.httpUrl, gateway.bootstrapToken!),
    testDatabase,
    dataDir,
    async close() {
      await gateway.stop(2000);
      if (!options.database) await testDatabase.destroy();
    },
  };
}

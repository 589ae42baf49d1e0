/** The CMPP listener's settings from the configuration (src/config.ts): CMPP_*, and the SMPP lockout and connection caps it shares. */
import type { Config } from "../../src/config.ts";

export function cmppGatewaySettings(config: Config) {
  return {
    host: config.CMPP_HOST,
    port: config.CMPP_PORT!,
    gatewayCode: config.CMPP_GATEWAY_CODE!,
    instances: config.PROXY_INSTANCES,
    maxTimestampSkewMs: config.CMPP_TIMESTAMP_SKEW_MS,
    activeTestIntervalMs: config.CMPP_ACTIVE_TEST_INTERVAL_MS,
    activeTestTimeoutMs: config.CMPP_ACTIVE_TEST_TIMEOUT_MS,
    deliverTimeoutMs: config.CMPP_DELIVER_TIMEOUT_MS,
    concatenationTimeoutMs: config.SMPP_CONCAT_TIMEOUT_MS,
    maxConnections: config.SMPP_MAX_CONNECTIONS,
    maxConnectionsPerAddress: config.SMPP_MAX_CONNECTIONS_PER_ADDRESS,
    lockout: {
      maxFailures: config.SMPP_BIND_LOCKOUT_FAILURES,
      maxAccountFailures: config.SMPP_BIND_ACCOUNT_LOCKOUT_FAILURES,
      windowMs: config.SMPP_BIND_LOCKOUT_WINDOW_MS,
      lockoutMs: config.SMPP_BIND_LOCKOUT_MS,
    },
  };
}

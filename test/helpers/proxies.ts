import { afterEach } from "vitest";
import { startSimulator, type RunningSimulator, type SimulatorOptions } from "../../smpp/simulator/index.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { connectEsme, type Esme } from "./esme.ts";
import { startTestGateway, type TestGateway } from "./gateway.ts";

type BindMode = "transceiver" | "transmitter" | "receiver";

/** What a test gets from `useSharedProxies`: several proxies (or runs of one) on one database. */
export interface SharedProxies {
  /** The SMSC every proxy binds upstream to (after `start` with a simulator). */
  readonly simulator: RunningSimulator;
  /** The database every proxy uses (after `start`). */
  readonly database: TestDatabase;
  /** A fresh database and, unless `false`, an SMSC simulator on port 0 with these options. */
  start(simulator?: SimulatorOptions | false): Promise<void>;
  /**
   * A proxy on the shared database, bound upstream as `upstreamSystemId` to the shared simulator
   * (with one upstream bind), or with its own built-in simulator when `start` made none.
   */
  gateway(upstreamSystemId?: string, env?: Record<string, string>): Promise<TestGateway>;
  /** Binds an ESME to a proxy; it is closed with that proxy or after the test. */
  bind(gateway: TestGateway, account: { systemId: string; password: string }, mode?: BindMode): Promise<Esme>;
  /** Closes the proxy's binds, then the proxy (gracefully: its journal is flushed): a restart, or a proxy gone. */
  stop(gateway: TestGateway): Promise<void>;
}

/**
 * For tests of what must hold across proxies and restarts (receipts, consent requests, opt-out
 * attribution, velocity counters): everything started through the fixture is closed after each
 * test, binds first, then proxies, the simulator and the database.
 */
export function useSharedProxies(): SharedProxies {
  let simulator: RunningSimulator | undefined;
  let database: TestDatabase | undefined;
  const binds = new Map<TestGateway, Esme[]>();

  afterEach(async () => {
    for (const [gateway, esmes] of binds) {
      for (const esme of esmes) await esme.close().catch(() => {});
      await gateway.close().catch(() => {});
    }
    binds.clear();
    await simulator?.stop();
    simulator = undefined;
    await database?.destroy();
    database = undefined;
  });

  return {
    get simulator() {
      if (!simulator) throw new Error("useSharedProxies: start() made no simulator");
      return simulator;
    },
    get database() {
      if (!database) throw new Error("useSharedProxies: start() first");
      return database;
    },
    async start(simulatorOptions = {}) {
      if (simulatorOptions !== false) simulator = await startSimulator({ host: "127.0.0.1", port: 0, ...simulatorOptions });
      database = await createTestDatabase();
    },
    async gateway(upstreamSystemId = "gatekeeper", env = {}) {
      const upstream: Record<string, string> = simulator ? { UPSTREAM_SMSC_URL: `smpp://${upstreamSystemId}:secret@127.0.0.1:${simulator.port}`, UPSTREAM_BINDS: "1" } : {};
      const gateway = await startTestGateway({ env: { ...upstream, ...env }, database: this.database });
      binds.set(gateway, []);
      return gateway;
    },
    async bind(gateway, account, mode = "transceiver") {
      const esme = await connectEsme(gateway.smppPort, account, mode);
      binds.get(gateway)!.push(esme);
      return esme;
    },
    async stop(gateway) {
      for (const esme of binds.get(gateway) ?? []) await esme.close();
      binds.delete(gateway);
      await gateway.close();
    },
  };
}

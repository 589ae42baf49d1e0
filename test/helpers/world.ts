import { afterEach, beforeEach } from "vitest";
import { seedDemoWorld, type DemoWorld } from "../../demo/seed.ts";
import { connectEsme, type Esme } from "./esme.ts";
import { startTestGateway, type TestGateway } from "./gateway.ts";
import { waitFor } from "./wait.ts";

export { waitFor };

/** Seeds the demo world through the API and waits until the proxy's snapshot has all of it. */
export async function seedAndSync(gateway: TestGateway): Promise<DemoWorld> {
  const world = await seedDemoWorld(gateway.api);
  await waitFor(() => gateway.registry.snapshot.signatureByText("云端优选")?.status === "approved" && gateway.registry.snapshot.settings.quietHours === null);
  return world;
}

/** What a test gets from `useWorld`: its own gateway, the demo world in it, and binds it need not close. */
export interface WorldFixture {
  /** The whole product on a fresh database (see startTestGateway). */
  readonly gateway: TestGateway;
  /** The demo's SPs, enterprises, ports, accounts and signatures, already in the proxy's snapshot. */
  readonly world: DemoWorld;
  /** Binds an ESME (node-smpp) to the proxy; it is unbound after the test. */
  connect(credentials: { systemId: string; password: string }, mode?: "transceiver" | "transmitter" | "receiver"): Promise<Esme>;
  /** ESMEs the test bound itself and wants closed after it. */
  readonly esmes: Esme[];
}

/**
 * Gives each test of the file a world: before each test a gateway on a fresh database with the
 * demo world seeded and synced (and `upstreamBinds` upstream binds up, when asked); after it, every
 * ESME in `esmes` closed and the gateway stopped.
 */
export function useWorld(options: Parameters<typeof startTestGateway>[0] & { upstreamBinds?: number } = {}): WorldFixture {
  let gateway: TestGateway | undefined;
  let world: DemoWorld | undefined;
  const esmes: Esme[] = [];
  beforeEach(async () => {
    gateway = await startTestGateway(options);
    world = await seedAndSync(gateway);
    if (options.upstreamBinds) await gateway.upstream.waitForBinds(options.upstreamBinds);
  });
  afterEach(async () => {
    for (const esme of esmes.splice(0)) await esme.close().catch(() => {});
    await gateway?.close();
    gateway = undefined;
    world = undefined;
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useWorld: the world exists only inside a test");
    return value;
  };
  return {
    get gateway() {
      return started(gateway);
    },
    get world() {
      return started(world);
    },
    esmes,
    async connect(credentials, mode) {
      const esme = await connectEsme(started(gateway).smppPort, credentials, mode);
      esmes.push(esme);
      return esme;
    },
  };
}

import { seedDemoWorld, type DemoWorld } from "../../demo/seed.ts";
import type { TestGateway } from "./gateway.ts";

/** Seeds the demo world through the API and waits until the proxy's snapshot has all of it. */
export async function seedAndSync(gateway: TestGateway): Promise<DemoWorld> {
  const world = await seedDemoWorld(gateway.api);
  await waitFor(() => gateway.registry.snapshot.signatureByText("云端优选")?.status === "approved" && gateway.registry.snapshot.settings.quietHours === null);
  return world;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000, what = "condition"): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

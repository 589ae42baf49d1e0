/** Shared set-up for the SMPP fault tests: the whole gateway on port 0 with the demo world seeded. */
import { seedDemoWorld, type DemoWorld } from "../../../src/demo/seed.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";

export interface FaultWorld {
  gateway: TestGateway;
  world: DemoWorld;
}

export async function startFaultGateway(env: Record<string, string> = {}): Promise<FaultWorld> {
  const gateway = await startTestGateway({ env });
  const world = await seedDemoWorld(gateway.api);
  await waitFor(() => gateway.registry.snapshot.signatureByText("云端优选")?.status === "approved" && gateway.registry.snapshot.accountsBySystemId.has(world.accountB.systemId), 5000, "registry snapshot");
  await gateway.upstream.waitForBinds(1);
  return { gateway, world };
}

/** Creates a bind account through the admin API and waits until the proxy's snapshot has it. */
export async function createAccount(
  gateway: TestGateway,
  fields: { spId: string; systemId: string; password: string; maxBinds?: number; maxSubmitsPerSecond?: number; allowedIps?: string[] },
): Promise<{ id: string; systemId: string; password: string }> {
  const created = await gateway.api.post<{ id: string }>("/accounts", { defaultCategory: "notification", ...fields });
  await waitFor(() => gateway.registry.snapshot.accountsBySystemId.has(fields.systemId), 5000, `account ${fields.systemId} in the snapshot`);
  return { id: created.id, systemId: fields.systemId, password: fields.password };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(check: () => boolean, timeoutMs = 3000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A verification message of SP A (port 1069000101, 【云端科技】) carrying a unique marker. */
export function cloudMessage(marker: string, destination = "13800000001") {
  return {
    source_addr: "1069000101",
    destination_addr: destination,
    service_type: "VER",
    data_coding: 8,
    short_message: { message: `【云端科技】您的验证码是482913，5分钟内有效。#${marker}` },
  };
}

/** A verification message of SP B (port 10690002, 【星河银行】) carrying a unique marker. */
export function bankMessage(marker: string, destination = "13900000001") {
  return {
    source_addr: "10690002",
    destination_addr: destination,
    service_type: "VER",
    data_coding: 8,
    short_message: { message: `【星河银行】您的验证码是375104，请勿泄露。#${marker}` },
  };
}

/** The marker at the end of a text sent with cloudMessage / bankMessage. */
export const markerOf = (text: string) => /#([\w-]+)$/.exec(text)?.[1];

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One line of JSON per test with its numbers (the guarantees document quotes them). */
export function report(test: string, numbers: Record<string, unknown>): void {
  console.log(JSON.stringify({ test, ...numbers }));
}

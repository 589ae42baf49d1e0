/** Shared set-up for the SMPP fault tests: the whole gateway on port 0 with the demo world seeded. */
import { seedDemoWorld, type DemoWorld } from "../../../demo/seed.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { sleep, waitFor } from "../../helpers/wait.ts";

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

export { sleep, waitFor };

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

/** A raw SMPP peer over a plain socket (optionally from another loopback address). */
export interface RawSmpp {
  socket: import("node:net").Socket;
  openedAt: number;
  /** Resolves with the time the server closed the connection. */
  closed: Promise<number>;
  isClosed(): boolean;
  send(bytes: Uint8Array): void;
  /** The next PDU from the server: header fields; rejects after `timeoutMs` or on close. */
  next(timeoutMs?: number): Promise<{ commandId: number; status: number; sequence: number }>;
  destroy(): void;
}

export async function rawSmpp(port: number, localAddress?: string): Promise<RawSmpp> {
  const net = await import("node:net");
  const socket = net.connect({ port, host: "127.0.0.1", ...(localAddress && { localAddress }) });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  socket.on("error", () => {});
  const openedAt = performance.now();
  let closedFlag = false;
  const closed = new Promise<number>((resolve) => {
    const done = () => {
      closedFlag = true;
      resolve(performance.now());
    };
    socket.once("end", done);
    socket.once("close", done);
  });
  let buffer = Buffer.alloc(0);
  const queue: { commandId: number; status: number; sequence: number }[] = [];
  const waiters: ((pdu: { commandId: number; status: number; sequence: number }) => void)[] = [];
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 16 && buffer.length >= buffer.readUInt32BE(0)) {
      const length = buffer.readUInt32BE(0);
      const pdu = { commandId: buffer.readUInt32BE(4), status: buffer.readUInt32BE(8), sequence: buffer.readUInt32BE(12) };
      buffer = buffer.subarray(length);
      const waiter = waiters.shift();
      if (waiter) waiter(pdu);
      else queue.push(pdu);
    }
  });
  return {
    socket,
    openedAt,
    closed,
    isClosed: () => closedFlag,
    send: (bytes) => void socket.write(bytes),
    next: (timeoutMs = 3000) =>
      new Promise((resolve, reject) => {
        const queued = queue.shift();
        if (queued) return resolve(queued);
        const timer = setTimeout(() => reject(new Error(`no PDU within ${timeoutMs} ms`)), timeoutMs);
        void closed.then(() => setTimeout(() => reject(new Error("closed")), 50));
        waiters.push((pdu) => {
          clearTimeout(timer);
          resolve(pdu);
        });
      }),
    destroy: () => socket.destroy(),
  };
}

/** Binds a raw peer as transceiver; resolves with the bind_resp command_status. */
export async function rawBind(peer: RawSmpp, systemId: string, password: string, sequence = 1): Promise<number> {
  const { bindBody, pdu, Cmd } = await import("./fuzz-generator.ts");
  peer.send(pdu(Cmd.bind_transceiver, sequence, bindBody(systemId, password)));
  return (await peer.next()).status;
}

/**
 * The whole gateway with its CMPP listener on port 0, the demo world seeded, and a CMPP account for
 * SP A (华信通信, port 10690001): SP code 901234, shared secret "cmpp-secret-A". The SP side is
 * test/cmpp/spec-client.ts, written from the specification, not from cmpp/.
 */
import iconv from "iconv-lite";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";
import type { DemoWorld } from "../../../demo/seed.ts";
import { ID, parseDeliver, SpecClient, deliverRespFrame, type Frame, type Version } from "../spec-client.ts";

/** A made-up 32-byte key (64 hex digits). */
export const TEST_SECRETS_KEY = "4a1f0e6b9c2d7e3f8a5b6c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f";
export const SP_CODE = "901234";
export const SP_SECRET = "cmpp-secret-A";
export const GATEWAY_CODE = 1234;

export interface CmppWorld {
  gateway: TestGateway;
  world: DemoWorld;
  accountId: string;
  port: number;
  close(): Promise<void>;
}

export async function startCmppWorld(env: Record<string, string> = {}, limits: { maxBinds?: number; maxSubmitsPerSecond?: number } = {}): Promise<CmppWorld> {
  const gateway = await startTestGateway({
    env: { CMPP_PORT: "0", CMPP_HOST: "127.0.0.1", CMPP_GATEWAY_CODE: String(GATEWAY_CODE), SECRETS_KEY: TEST_SECRETS_KEY, ...env },
  });
  const world = await seedAndSync(gateway);
  const account = await gateway.api.post<{ id: string }>("/accounts", { spId: world.spA.id, systemId: SP_CODE, protocol: "cmpp", password: SP_SECRET, maxBinds: limits.maxBinds ?? 4, maxSubmitsPerSecond: limits.maxSubmitsPerSecond ?? 5000 });
  await waitFor(() => gateway.registry.snapshot.accountsBySystemId.get(SP_CODE)?.protocol === "cmpp", 3000, "CMPP account in the snapshot");
  return { gateway, world, accountId: account.id, port: gateway.cmppPort!, close: () => gateway.close() };
}

/** A connected SP (CONNECT accepted) speaking `version`. */
export async function connectSp(port: number, version: Version = 2, o: { code?: string; secret?: string } = {}): Promise<SpecClient> {
  const client = await SpecClient.open(port);
  const answer = await client.connect({ sourceAddr: o.code ?? SP_CODE, secret: o.secret ?? SP_SECRET, versionByte: version === 2 ? 0x20 : 0x30 });
  if (answer.status !== 0) throw new Error(`CONNECT refused with Status ${answer.status}`);
  return client;
}

/** The next DELIVER matching `match`, answered with DELIVER_RESP Result 0 (as an SP does). */
export async function takeDeliver(client: SpecClient, version: Version, match: (d: ReturnType<typeof parseDeliver>) => boolean = () => true, timeoutMs = 5000) {
  const frame = await client.next((f: Frame) => f.commandId === ID.DELIVER && match(parseDeliver(f.body, version)), timeoutMs);
  const deliver = parseDeliver(frame.body, version);
  client.send(deliverRespFrame(frame.sequenceId, version, deliver.msgId, 0));
  return deliver;
}

export const ucs2 = (text: string) => Buffer.from(text, "utf16le").swap16();
export const gbk = (text: string) => iconv.encode(text, "gbk");

/** A SUBMIT's usual fields for SP A (Msg_src = its code, Src_Id = its port 10690001). */
export const base = { msgSrc: SP_CODE, srcId: "10690001", serviceId: "NTF", msgFmt: 8 };

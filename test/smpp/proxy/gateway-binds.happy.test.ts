import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient } from "../../../demo/api-client.ts";
import type { DemoWorld } from "../../../demo/seed.ts";
import { encodeText } from "../../../src/text/index.ts";
import { messageRoutes } from "../../../src/db/schema/index.ts";
import { connectEsme, shortMessageText, type Esme, type EsmeMessage } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * A trusted gateway bind (an ISMG in front of the gatekeeper) carries two SPs' traffic over one
 * SMPP bind; node-smpp plays the ISMG. Each message is SP A's or SP B's by its source port.
 */
let gateway: TestGateway | undefined;
const esmes: Esme[] = [];

afterEach(async () => {
  for (const esme of esmes.splice(0)) await esme.close().catch(() => {});
  await gateway?.close();
  gateway = undefined;
});

const ISMG = { systemId: "ismg_sh", password: "ismg0001" };

async function startWithGateway(): Promise<{ world: DemoWorld; gatewayAccountId: string }> {
  gateway = await startTestGateway();
  const world = await seedAndSync(gateway);
  const account = await gateway.api.post<{ id: string }>("/accounts", { kind: "gateway", ...ISMG, allowedIps: ["127.0.0.1/32"], maxBinds: 4, maxSubmitsPerSecond: 1000 });
  await waitFor(() => gateway!.registry.snapshot.accountsById.has(account.id), 3000, "gateway account in the snapshot");
  return { world, gatewayAccountId: account.id };
}

async function bind(credentials: { systemId: string; password: string }, mode: "transceiver" | "receiver" = "transceiver"): Promise<Esme> {
  const esme = await connectEsme(gateway!.smppPort, credentials, mode);
  esmes.push(esme);
  return esme;
}

async function spApi(spId: string): Promise<ApiClient> {
  const { secret } = await gateway!.api.post<{ secret: string }>("/tokens", { name: `sp ${spId}`, role: "sp", spId });
  return new ApiClient(gateway!.httpUrl, secret);
}

const message = (source: string, to: string, text: string, serviceType = "VER") => ({
  source_addr: source,
  destination_addr: to,
  service_type: serviceType,
  registered_delivery: 1,
  data_coding: 8,
  short_message: Buffer.from(encodeText(text, 8)),
});

const isReceipt = (m: EsmeMessage) => (m.esm_class & 0x04) === 0x04;
type Row = { reason: string; spId: string | null; accountId: string | null; sourceAddr: string | null };

describe("trusted gateway binds over SMPP (happy)", () => {
  it("one gateway bind carries SP A's and SP B's messages; each is judged, journaled, routed and counted as its port owner's", async () => {
    const { world, gatewayAccountId } = await startWithGateway();
    const ismg = await bind(ISMG);
    const fromA = await ismg.submit(message("10690001", "13800138001", "【云端科技】您的验证码是 314159。"));
    const fromB = await ismg.submit(message("10690002", "13800138002", "【星河银行】您的验证码是 271828。"));
    expect(fromA.status).toBe(0);
    expect(fromB.status).toBe(0);
    // Refusals judged as each port owner: SP A has no contract with 星河银行; 【无名小店】 is unregistered.
    const refusedA = await ismg.submit(message("10690001", "13800138003", "【星河银行】您的验证码是 999999。"));
    const refusedB = await ismg.submit(message("10690002", "13800138004", "【无名小店】您的验证码是 123456。"));
    expect(refusedA.status).not.toBe(0);
    expect(refusedB.status).not.toBe(0);

    // The journal: every row the gateway's link, but the SP is the port owner's.
    const all = async () => (await gateway!.api.get<{ items: Row[] }>("/rejections")).items;
    await waitFor(async () => (await all()).length >= 2, 5000, "two journal rows");
    const rows = await all();
    expect(rows.find((r) => r.sourceAddr === "10690001")).toMatchObject({ spId: world.spA.id, accountId: gatewayAccountId, reason: "sublet_no_contract" });
    expect(rows.find((r) => r.sourceAddr === "10690002")).toMatchObject({ spId: world.spB.id, accountId: gatewayAccountId, reason: "signature_unregistered" });
    // Each SP sees its own row only, through the API.
    const seenByA = (await (await spApi(world.spA.id)).get<{ items: Row[] }>("/rejections")).items;
    const seenByB = (await (await spApi(world.spB.id)).get<{ items: Row[] }>("/rejections")).items;
    expect(seenByA.map((r) => r.sourceAddr)).toEqual(["10690001"]);
    expect(seenByB.map((r) => r.sourceAddr)).toEqual(["10690002"]);
    // The gateway's account is not theirs to see: blanked, as other SPs' ids are.
    expect(seenByA[0]).toMatchObject({ spId: world.spA.id, accountId: null });
    expect(seenByB[0]).toMatchObject({ spId: world.spB.id, accountId: null });

    // Receipt routes are the SPs', over the gateway's account.
    await waitFor(async () => (await gateway!.database.db.select().from(messageRoutes)).length >= 2, 5000, "two routes");
    const [routeA] = await gateway!.database.db.select().from(messageRoutes).where(eq(messageRoutes.smscMessageId, fromA.messageId));
    const [routeB] = await gateway!.database.db.select().from(messageRoutes).where(eq(messageRoutes.smscMessageId, fromB.messageId));
    expect(routeA).toMatchObject({ spId: world.spA.id, accountId: gatewayAccountId });
    expect(routeB).toMatchObject({ spId: world.spB.id, accountId: gatewayAccountId });

    // Traffic counts: one accepted message for each SP, none for anybody else.
    await waitFor(async () => {
      const items = (await (await spApi(world.spA.id)).get<{ items: { accepted: number }[] }>("/traffic")).items;
      return items.reduce((sum, row) => sum + row.accepted, 0) === 1;
    }, 5000, "SP A's accepted count");
    const trafficB = (await (await spApi(world.spB.id)).get<{ items: { accepted: number; spId: string }[] }>("/traffic")).items;
    expect(trafficB.reduce((sum, row) => sum + row.accepted, 0)).toBe(1);
  }, 60_000);

  it("receipts of messages the gateway carried go back over the gateway bind with the ids it was given, even while the SP has its own bind", async () => {
    const { world } = await startWithGateway();
    const ownA = await bind(world.accountA);
    const ismg = await bind(ISMG);
    const ids: string[] = [];
    for (const [source, text] of [
      ["10690001", "【云端科技】您的验证码是 111111。"],
      ["10690002", "【星河银行】您的验证码是 222222。"],
      ["10690001", "【云端科技】您的验证码是 333333。"],
    ] as const) {
      const result = await ismg.submit(message(source, `1380013${String(ids.length).padStart(4, "0")}`, text));
      expect(result.status).toBe(0);
      ids.push(result.messageId);
    }
    const direct = await ownA.submit(message("10690001", "13800139999", "【云端科技】您的验证码是 444444。"));
    expect(direct.status).toBe(0);
    await waitFor(() => ismg.delivered.filter(isReceipt).length >= 3 && ownA.delivered.filter(isReceipt).length >= 1, 10_000, "receipts");
    await new Promise((r) => setTimeout(r, 300)); // anything misrouted would show up now
    expect(ismg.delivered.filter(isReceipt).map((m) => m.receipted_message_id).sort()).toEqual([...ids].sort());
    expect(ownA.delivered.filter(isReceipt).map((m) => m.receipted_message_id)).toEqual([direct.messageId]);
  }, 60_000);

  it("MO: to an SP with its own receiver bound, to that bind; to an SP with none, over the gateway bind that carries it", async () => {
    const { world } = await startWithGateway();
    const ismg = await bind(ISMG);
    const ownA = await bind(world.accountA, "receiver");
    expect(await gateway!.simulator!.injectMo({ from: "13800138011", to: "10690001", text: "你好 A" })).toBe(0);
    expect(await gateway!.simulator!.injectMo({ from: "13800138012", to: "10690002", text: "你好 B" })).toBe(0);
    const toA = await ownA.waitForDelivery((m) => m.source_addr === "13800138011");
    const toB = await ismg.waitForDelivery((m) => m.source_addr === "13800138012");
    expect(shortMessageText(toA)).toContain("你好 A");
    expect(shortMessageText(toB)).toContain("你好 B");
    expect(ismg.delivered.some((m) => m.source_addr === "13800138011")).toBe(false);
    expect(ownA.delivered.some((m) => m.source_addr === "13800138012")).toBe(false);

    // SP A's own bind goes away: its next MO goes over the gateway.
    esmes.splice(esmes.indexOf(ownA), 1);
    await ownA.close();
    await waitFor(() => [...gateway!.proxy.server.sessions()].filter((s) => s.context?.accountId === world.accountA.id).length === 0, 3000, "SP A unbound");
    expect(await gateway!.simulator!.injectMo({ from: "13800138013", to: "10690001", text: "你好 again" })).toBe(0);
    expect(shortMessageText(await ismg.waitForDelivery((m) => m.source_addr === "13800138013"))).toContain("你好 again");
  }, 60_000);

  it("receipts and MO that arrive while no gateway receiver is bound are held, then delivered when the gateway binds", async () => {
    await startWithGateway();
    const sender = await bind(ISMG);
    const sent = await sender.submit({ ...message("10690002", "13800138021", "【星河银行】您的验证码是 555555。") });
    expect(sent.status).toBe(0);
    gateway!.simulator!.script.holdReceipts();
    esmes.splice(esmes.indexOf(sender), 1);
    await sender.close();
    await waitFor(() => [...gateway!.proxy.server.sessions()].length === 0, 3000, "gateway unbound");
    gateway!.simulator!.script.holdReceipts(false);
    expect(await gateway!.simulator!.injectMo({ from: "13800138022", to: "10690002", text: "held MO" })).toBe(0);
    const later = await bind(ISMG, "receiver");
    const receipt = await later.waitForDelivery(isReceipt, 10_000);
    expect(receipt.receipted_message_id).toBe(sent.messageId);
    expect(shortMessageText(await later.waitForDelivery((m) => m.source_addr === "13800138022", 10_000))).toContain("held MO");
  }, 60_000);
});

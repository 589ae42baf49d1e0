import net from "node:net";
import { describe, expect, it } from "vitest";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { CommandId, CommandStatus } from "../../../smpp/wire/commands.ts";
import { encodeBind, encodeSubmitSm, encodeEnquireLink } from "../../../smpp/wire/encode.ts";
import { encodeText } from "../../../src/text/index.ts";
import { connectEsme } from "../../helpers/esme.ts";
import { useWorld, waitFor } from "../../helpers/world.ts";

const t = useWorld({ env: { SMPP_BIND_LOCKOUT_FAILURES: "3", SMPP_BIND_LOCKOUT_MS: "60000" } });
const esmes = t.esmes;

async function bind(credentials = t.world.accountA) {
  const esme = await connectEsme(t.gateway.smppPort, credentials);
  esmes.push(esme);
  return esme;
}

const verification = (destination: string) => ({
  source_addr: "1069000101",
  destination_addr: destination,
  service_type: "VER",
  data_coding: 8,
  short_message: Buffer.from(encodeText("【云端科技】您的验证码是 556677。", 8)),
});

/** Reads whole PDUs off a raw socket. */
function rawClient(port: number) {
  const socket = net.connect(port, "127.0.0.1");
  let buffer = Buffer.alloc(0);
  const pdus: { id: number; status: number; seq: number }[] = [];
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 16 && buffer.length >= buffer.readUInt32BE(0)) {
      const length = buffer.readUInt32BE(0);
      pdus.push({ id: buffer.readUInt32BE(4), status: buffer.readUInt32BE(8), seq: buffer.readUInt32BE(12) });
      buffer = buffer.subarray(length);
    }
  });
  return {
    socket,
    pdus,
    ready: new Promise<void>((resolve) => socket.once("connect", () => resolve())),
    send: (bytes: Uint8Array) => socket.write(bytes),
    waitFor: (predicate: (p: { id: number; status: number; seq: number }) => boolean) => waitFor(() => pdus.some(predicate), 3000, "raw PDU").then(() => pdus.find(predicate)!),
  };
}

describe("binds (error and security)", () => {
  it("refuses an unknown system_id and a wrong password with their statuses, then locks the address out", async () => {
    await expect(connectEsme(t.gateway.smppPort, { systemId: "nobody", password: "x1234567" })).rejects.toMatchObject({ status: CommandStatus.ESME_RINVSYSID });
    await expect(connectEsme(t.gateway.smppPort, { systemId: "hx_sp", password: "wrong123" })).rejects.toMatchObject({ status: CommandStatus.ESME_RINVPASWD });
    await expect(connectEsme(t.gateway.smppPort, { systemId: "hx_sp", password: "wrong456" })).rejects.toMatchObject({ status: CommandStatus.ESME_RINVPASWD });
    // Third failure from this address: locked out, so even the right password is refused.
    await expect(connectEsme(t.gateway.smppPort, t.world.accountA)).rejects.toMatchObject({ status: CommandStatus.ESME_RBINDFAIL });
  });

  it("refuses a bind from outside the account's allowlist", async () => {
    await t.gateway.api.call("PATCH", `/accounts/${t.world.accountB.id}`, { allowedIps: ["10.9.9.0/24"], reason: "test" });
    await waitFor(() => t.gateway.registry.snapshot.accountsById.get(t.world.accountB.id)?.allowedIps.length === 1);
    await expect(connectEsme(t.gateway.smppPort, t.world.accountB)).rejects.toMatchObject({ status: CommandStatus.ESME_RBINDFAIL });
    await t.gateway.api.call("PATCH", `/accounts/${t.world.accountB.id}`, { allowedIps: ["127.0.0.1/32"], reason: "test" });
    await waitFor(() => t.gateway.registry.snapshot.accountsById.get(t.world.accountB.id)?.allowedIps[0] === "127.0.0.1/32");
    await bind(t.world.accountB);
  });
});

describe("submissions (error)", () => {
  it("answers a malformed submit_sm with an error response and goes on with the session", async () => {
    const raw = rawClient(t.gateway.smppPort);
    await raw.ready;
    raw.send(encodeBind("transceiver", 1, { systemId: "hx_sp", password: "hx123456" }));
    expect((await raw.waitFor((p) => p.seq === 1)).status).toBe(0);
    // A submit_sm whose source_addr has no NUL terminator before the body ends.
    const broken = Buffer.from([0, 0, 0, 24, 0, 0, 0, CommandId.submit_sm, 0, 0, 0, 0, 0, 0, 0, 2, 0x31, 0x30, 0x36, 0x39, 0x30, 0x30, 0x30, 0x31]);
    raw.send(broken);
    const answer = await raw.waitFor((p) => p.seq === 2);
    expect([CommandId.submit_sm_resp, CommandId.generic_nack]).toContain(answer.id);
    expect(answer.status).not.toBe(0);
    raw.send(encodeSubmitSm(3, { sourceAddr: "1069000101", destinationAddr: "13800000021", serviceType: "VER", dataCoding: 8, shortMessage: encodeText("【云端科技】验证码 123456。", 8) }));
    expect(await raw.waitFor((p) => p.seq === 3)).toMatchObject({ id: CommandId.submit_sm_resp, status: 0 });
    raw.send(encodeEnquireLink(4));
    expect(await raw.waitFor((p) => p.seq === 4)).toMatchObject({ id: CommandId.enquire_link_resp, status: 0 });
    raw.socket.destroy();
  });

  it("throttles an account over its rate with ESME_RTHROTTLED, leaving another account alone", async () => {
    await t.gateway.api.call("PATCH", `/accounts/${t.world.accountA.id}`, { maxSubmitsPerSecond: 3, reason: "test" });
    await waitFor(() => t.gateway.registry.snapshot.accountsById.get(t.world.accountA.id)?.maxSubmitsPerSecond === 3);
    const a = await bind();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => a.submit(verification(`138000001${String(i).padStart(2, "0")}`))));
    const throttled = results.filter((r) => r.status === CommandStatus.ESME_RTHROTTLED).length;
    expect(throttled).toBeGreaterThanOrEqual(6);
    expect(results.filter((r) => r.status === 0).length).toBeGreaterThanOrEqual(1);
    const b = await bind(t.world.accountB);
    const other = await b.submit({ source_addr: "10690002", destination_addr: "13800000031", service_type: "NTF", data_coding: 8, short_message: Buffer.from(encodeText("【星河银行】您的信用卡账单已出。", 8)) });
    expect(other.status).toBe(0);
  });

  it("answers a retryable status, never success, when the SMSC is down", async () => {
    const esme = await bind();
    t.gateway.simulator!.script.stopListener();
    t.gateway.simulator!.script.dropAllLinks();
    await waitFor(() => t.gateway.upstream.state().bindsUp === 0);
    const result = await esme.submit(verification("13800000041"));
    expect(result.status).toBe(commandStatusFor("upstream_unavailable"));
    t.gateway.simulator!.script.startListener();
    await waitFor(() => t.gateway.upstream.state().bindsUp > 0, 10_000);
    expect((await esme.submit(verification("13800000042"))).status).toBe(0);
  });

  it("judges submit_multi per destination and lists refused ones", async () => {
    await t.gateway.api.post("/opt-outs", { msisdn: "13800000052", enterpriseId: t.world.cloud.id, source: "api" });
    await t.gateway.api.post("/dnd", { msisdn: "13800000053", reason: "test" });
    await waitFor(() => t.gateway.registry.snapshot.isDoNotDisturb(t.gateway.deps.pii.hash("13800000053")));
    const esme = await bind();
    const result = await esme.submitMulti({
      source_addr: "1069000101",
      service_type: "MKT",
      dest_address: [{ destination_addr: "13800000051" }, { destination_addr: "13800000052" }, { destination_addr: "13800000053" }],
      data_coding: 8,
      short_message: Buffer.from(encodeText("【云端商城】周末特惠，满100减20，回T退订", 8)),
    });
    expect(result.status).toBe(0);
    const refused = Object.fromEntries(result.unsuccess.map((u) => [u.destination_addr, u.error_status_code]));
    expect(refused).toEqual({ "13800000052": commandStatusFor("recipient_opted_out"), "13800000053": commandStatusFor("recipient_do_not_disturb") });
    expect(t.gateway.simulator!.received.count).toBe(1);
  });

  it("lets a rule in monitor mode pass the message and journals the would-be refusal", async () => {
    const settings = await t.gateway.api.get("/settings/policy");
    await t.gateway.api.put("/settings/policy", { ...settings, ruleModes: { sublet: "monitor" }, reason: "trial the sublet rule" });
    await waitFor(() => t.gateway.registry.snapshot.settings.ruleModes.sublet === "monitor");
    const esme = await bind();
    const result = await esme.submit({ source_addr: "10690001", destination_addr: "13800000061", data_coding: 8, short_message: Buffer.from(encodeText("【星河银行】您的验证码是 889900。", 8)) });
    expect(result.status).toBe(0);
    await t.gateway.journal.flush();
    const monitored = await t.gateway.api.get("/rejections?monitor=true");
    expect(monitored.items.map((r: { reason: string }) => r.reason)).toEqual(["sublet_no_contract"]);
  });
});

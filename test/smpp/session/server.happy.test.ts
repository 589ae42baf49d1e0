/** The server as an ESME sees it, with node-smpp as the ESME: bind, submit, receipts, unbind. */
import { afterEach, describe, expect, it } from "vitest";
import { createSmppServer, type SmppServer } from "../../../smpp/session/server.ts";
import { CommandStatus, decodePdu, rewriteSequence, tlvCString, TlvTag, type Pdu } from "../../../smpp/wire/index.ts";
import { nodeSmppCall, nodeSmppSession, ucs2, waitFor, type NodeSmppSession } from "../../helpers/raw-peer.ts";

let server: SmppServer<{ account: string }> | undefined;
afterEach(async () => {
  await server?.stop(500);
  server = undefined;
});

interface Seen {
  pdu: Pdu<"submit_sm">;
  frame: Uint8Array;
  account: string;
}

async function startServer(seen: Seen[] = []) {
  server = await createSmppServer<{ account: string }>({
    port: 0,
    host: "127.0.0.1",
    systemId: "GATEKEEPER",
    handlers: {
      authenticate: ({ systemId, password }) =>
        password === "pw" ? { ok: true, context: { account: `acct-${systemId}` } } : { ok: false, status: CommandStatus.ESME_RINVPASWD },
      submitSm: async (session, pdu, frame) => {
        seen.push({ pdu, frame: Uint8Array.from(frame), account: session.context!.account });
        return { status: 0, messageId: `MSG${seen.length}` };
      },
    },
  });
  return server;
}

describe("server with a node-smpp ESME", () => {
  it("binds, judges a submit_sm with its raw frame, and answers a message_id", async () => {
    const seen: Seen[] = [];
    const { port } = await startServer(seen);
    const esme = await nodeSmppSession(port);
    const bindResp = await nodeSmppCall(esme, "bind_transceiver", { system_id: "sp_alpha", password: "pw" });
    expect(bindResp).toMatchObject({ command_status: 0, system_id: "GATEKEEPER" });

    const resp = await nodeSmppCall(esme, "submit_sm", {
      source_addr: "1069000012345", destination_addr: "13800000001", data_coding: 8, short_message: Buffer.from(ucs2("【示例】您的验证码是123456")), registered_delivery: 1,
    });
    expect(resp).toMatchObject({ command_status: 0, message_id: "MSG1" });
    expect(seen[0]!.account).toBe("acct-sp_alpha");
    expect(seen[0]!.pdu.body).toMatchObject({ sourceAddr: "1069000012345", destinationAddr: "13800000001", dataCoding: 8 });
    const decoded = decodePdu(seen[0]!.frame);
    expect(decoded.ok && decoded.pdu.command).toBe("submit_sm");

    const enquire = await nodeSmppCall(esme, "enquire_link");
    expect(enquire.command).toBe("enquire_link_resp");

    const unbound = await nodeSmppCall(esme, "unbind");
    expect(unbound.command).toBe("unbind_resp");
    await waitFor(() => server!.connectionCount === 0, 2000, "session to close after unbind");
  });

  it("refuses a bind with the authenticate hook's status", async () => {
    const { port } = await startServer();
    const esme = await nodeSmppSession(port);
    const resp = await nodeSmppCall(esme, "bind_transmitter", { system_id: "sp_alpha", password: "wrong" });
    expect(resp.command_status).toBe(CommandStatus.ESME_RINVPASWD);
    esme.destroy();
  });

  it("pushes a delivery receipt to a bound receiver and returns its deliver_sm_resp status", async () => {
    const { port } = await startServer();
    const esme = await nodeSmppSession(port);
    await nodeSmppCall(esme, "bind_receiver", { system_id: "sp_beta", password: "pw" });
    const received: NodeSmppSession[] = [];
    let answer = 0;
    esme.on("deliver_sm", (pdu: NodeSmppSession) => {
      received.push(pdu);
      esme.send(pdu.response({ command_status: answer }));
    });
    await waitFor(() => server!.receiversFor("sp_beta").length === 1, 2000, "receiver bound");
    const session = server!.receiversFor("sp_beta")[0]!;
    const receipt = {
      sourceAddr: "13800000001", destinationAddr: "1069000012345", esmClass: 0x04,
      shortMessage: Buffer.from("id:MSG1 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:"),
      tlvs: [tlvCString(TlvTag.receipted_message_id, "MSG1")],
    };
    expect(await server!.deliver(session, receipt)).toBe(0);
    answer = CommandStatus.ESME_RMSGQFUL;
    expect(await server!.deliver(session, receipt)).toBe(CommandStatus.ESME_RMSGQFUL);
    expect(received[0]).toMatchObject({ esm_class: 4, receipted_message_id: "MSG1" });
    esme.destroy();
  });

  it("forwards the received frame unchanged apart from its sequence number", async () => {
    const seen: Seen[] = [];
    const { port } = await startServer(seen);
    const esme = await nodeSmppSession(port);
    await nodeSmppCall(esme, "bind_transmitter", { system_id: "sp_alpha", password: "pw" });
    await nodeSmppCall(esme, "submit_sm", { destination_addr: "13800000002", short_message: "hello" });
    const forwarded = rewriteSequence(seen[0]!.frame, 99);
    expect(Buffer.from(forwarded.subarray(16))).toEqual(Buffer.from(seen[0]!.frame.subarray(16)));
    esme.destroy();
  });

  it("answers data_sm and submit_multi (with unsuccess_smes) and refuses query_sm", async () => {
    server = await createSmppServer<{ account: string }>({
      port: 0, host: "127.0.0.1",
      handlers: {
        authenticate: () => ({ ok: true, context: { account: "a" } }),
        dataSm: (_session, pdu) => ({ status: 0, messageId: `D-${pdu.body.destinationAddr}` }),
        submitMulti: (_session, pdu) => ({
          status: 0, messageId: "MULTI1",
          unsuccess: pdu.body.destinations.flatMap((d) => (d.kind === "sme" && d.address.endsWith("9") ? [{ ton: d.ton, npi: d.npi, address: d.address, errorStatusCode: CommandStatus.ESME_RX_R_APPN }] : [])),
        }),
      },
    });
    const esme = await nodeSmppSession(server.port);
    await nodeSmppCall(esme, "bind_transceiver", { system_id: "sp", password: "pw" });
    expect(await nodeSmppCall(esme, "data_sm", { destination_addr: "13800000001", message_payload: Buffer.from("payload") })).toMatchObject({ command: "data_sm_resp", command_status: 0, message_id: "D-13800000001" });
    const multi = await nodeSmppCall(esme, "submit_multi", {
      short_message: "hello", dest_address: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "13800000001" }, { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "13800000009" }],
    });
    expect(multi).toMatchObject({ command: "submit_multi_resp", message_id: "MULTI1", unsuccess_sme: [{ destination_addr: "13800000009", error_status_code: 0x66 }] });
    expect(await nodeSmppCall(esme, "query_sm", { message_id: "X" })).toMatchObject({ command: "query_sm_resp", command_status: CommandStatus.ESME_RQUERYFAIL });
    esme.destroy();
  });
});

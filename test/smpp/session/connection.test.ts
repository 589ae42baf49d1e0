/** Outgoing window, timeouts, sequence numbers, keep-alive and dead-link detection. */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connectSmpp, type SmppClient } from "../../../smpp/session/client.ts";
import { SmppBindError } from "../../../smpp/session/connection.ts";
import { PendingRequests, SmppRequestError } from "../../../smpp/session/pending.ts";
import { createSmppServer, type SmppServer } from "../../../smpp/session/server.ts";
import { CommandStatus, decodePdu, encodeBindResp, PduFramer } from "../../../smpp/wire/index.ts";
import { rawPeer, waitFor } from "../../helpers/raw-peer.ts";

let server: SmppServer | undefined;
let client: SmppClient | undefined;
const extra: net.Server[] = [];
afterEach(async () => {
  client?.close();
  client = undefined;
  await server?.stop(300);
  server = undefined;
  for (const s of extra.splice(0)) s.close();
});

async function hangingServer(inactivityTimeoutMs = 0) {
  server = await createSmppServer<unknown>({
    port: 0, host: "127.0.0.1", inactivityTimeoutMs,
    handlers: { authenticate: () => ({ ok: true, context: {} }), submitSm: () => new Promise(() => {}) },
  });
  return server.port;
}

describe("connection window and timeouts", () => {
  it("rejects a request at once when the window is full, and times out unanswered ones", async () => {
    const port = await hangingServer();
    client = await connectSmpp({ port, systemId: "sp", password: "pw", windowSize: 2, requestTimeoutMs: 200 });
    const fields = { destinationAddr: "13800000001", shortMessage: Buffer.from("hi") };
    const first = client.submitSm(fields);
    const second = client.submitSm(fields);
    expect(client.inFlight).toBe(2);
    await expect(client.submitSm(fields)).rejects.toMatchObject({ reason: "window_full" });
    const started = Date.now();
    await expect(first).rejects.toBeInstanceOf(SmppRequestError);
    await expect(second).rejects.toMatchObject({ reason: "timeout" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(client.inFlight).toBe(0);
  });

  it("rejects pending requests when the connection closes", async () => {
    const port = await hangingServer();
    client = await connectSmpp({ port, systemId: "sp", password: "pw" });
    const pending = client.submitSm({ destinationAddr: "13800000001" });
    await waitFor(() => server!.connectionCount === 1);
    for (const session of server!.sessions()) session.destroy("test");
    await expect(pending).rejects.toMatchObject({ reason: "closed" });
  });

  it("wraps sequence numbers from 0x7FFFFFFF to 1, skipping numbers still in flight", () => {
    const pending = new PendingRequests(10, 1000, 0x7ffffffe);
    expect(pending.nextSequence()).toBe(0x7fffffff);
    void pending.add(1, 4, Date.now()).catch(() => {});
    expect(pending.nextSequence()).toBe(2);
    pending.rejectAll("closed", "test");
  });

  it("rejects a bind refused by the server with SmppBindError carrying its status", async () => {
    server = await createSmppServer<unknown>({ port: 0, host: "127.0.0.1", handlers: { authenticate: () => ({ ok: false, status: CommandStatus.ESME_RINVSYSID }) } });
    await expect(connectSmpp({ port: server.port, systemId: "nobody", password: "x" })).rejects.toMatchObject({ status: CommandStatus.ESME_RINVSYSID });
    await expect(connectSmpp({ port: server.port, systemId: "nobody", password: "x" })).rejects.toBeInstanceOf(SmppBindError);
  });

  it("detects a dead link: an unanswered enquire_link closes the client", async () => {
    // A peer that answers the bind and then goes silent, like a hung SMSC.
    const silent = net.createServer((socket) => {
      socket.on("error", () => {});
      const framer = new PduFramer();
      socket.on("data", (chunk: Uint8Array) => {
        framer.push(chunk);
        for (let f = framer.next(); f; f = framer.next()) {
          const d = decodePdu(f);
          if (d.ok && d.pdu.command === "bind_transceiver") socket.write(encodeBindResp(d.pdu.commandId, d.pdu.sequenceNumber, 0, "SILENT"));
        }
      });
    });
    extra.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    client = await connectSmpp({ port, systemId: "sp", password: "pw", enquireLinkIntervalMs: 50, requestTimeoutMs: 100 });
    const reason = await new Promise<string>((resolve) => client!.connection.once("close", resolve));
    expect(reason).toBe("enquire_link unanswered");
  });

  it("keeps an idle link alive with enquire_link", async () => {
    const port = await hangingServer(300);
    client = await connectSmpp({ port, systemId: "sp", password: "pw", enquireLinkIntervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(client.state).toBe("bound_trx");
  });

  it("closes a silent bound session after the inactivity timeout", async () => {
    const port = await hangingServer(150);
    const peer = await rawPeer(port);
    const { encodeBind } = await import("../../../smpp/wire/index.ts");
    peer.send(encodeBind("transmitter", 1, { systemId: "sp", password: "pw" }));
    await peer.next();
    await peer.closed;
  });
});

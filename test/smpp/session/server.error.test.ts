/** Refusals, malformed input and limits: every one answered, and the session goes on (or closes on purpose). */
import { afterEach, describe, expect, it } from "vitest";
import { createSmppServer, type SmppServer, type SmppServerOptions } from "../../../smpp/session/server.ts";
import {
  CommandId, CommandStatus as S, encodeBind, encodeEnquireLink, encodeSubmitMulti, encodeSubmitSm, encodeUnbind, setSequence,
} from "../../../smpp/wire/index.ts";
import { frameOf, rawPeer, sleep, waitFor, type RawPeer } from "../../helpers/raw-peer.ts";

let server: SmppServer | undefined;
const peers: RawPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server?.stop(300);
  server = undefined;
});

async function start(overrides: Partial<SmppServerOptions<unknown>> = {}) {
  server = await createSmppServer<unknown>({
    port: 0, host: "127.0.0.1",
    handlers: {
      authenticate: ({ password }) => (password === "pw" ? { ok: true, context: {} } : { ok: false, status: S.ESME_RINVPASWD }),
      submitSm: () => ({ status: 0, messageId: "OK1" }),
    },
    ...overrides,
  });
  return server;
}

async function peer(port: number) {
  const p = await rawPeer(port);
  peers.push(p);
  return p;
}

const submit = (seq: number) => encodeSubmitSm(seq, { sourceAddr: "1069000012", destinationAddr: "13800000001", shortMessage: Buffer.from("hello") });

async function expectAlive(p: RawPeer, seq = 900) {
  p.send(encodeEnquireLink(seq));
  expect(await p.next()).toMatchObject({ command: "enquire_link_resp", sequenceNumber: seq });
}

describe("server refusals and malformed input", () => {
  it("answers submit_sm before bind with ESME_RINVBNDSTS and keeps the session", async () => {
    const p = await peer((await start()).port);
    p.send(submit(1));
    expect(await p.next()).toMatchObject({ command: "submit_sm_resp", commandStatus: S.ESME_RINVBNDSTS, sequenceNumber: 1 });
    await expectAlive(p);
  });

  it("refuses submit_sm from a receiver bind and a second bind", async () => {
    const p = await peer((await start()).port);
    p.send(encodeBind("receiver", 1, { systemId: "sp", password: "pw" }));
    expect(await p.next()).toMatchObject({ command: "bind_receiver_resp", commandStatus: 0 });
    p.send(submit(2));
    expect(await p.next()).toMatchObject({ command: "submit_sm_resp", commandStatus: S.ESME_RINVBNDSTS });
    p.send(encodeBind("transmitter", 3, { systemId: "sp", password: "pw" }));
    expect(await p.next()).toMatchObject({ command: "bind_transmitter_resp", commandStatus: S.ESME_RALYBND });
    await expectAlive(p);
  });

  it("answers an unknown command id with generic_nack ESME_RINVCMDID and goes on", async () => {
    const p = await peer((await start()).port);
    p.send(frameOf(0x00000077, 5, [1, 2, 3]));
    expect(await p.next()).toMatchObject({ command: "generic_nack", commandStatus: S.ESME_RINVCMDID, sequenceNumber: 5 });
    await expectAlive(p);
  });

  it("answers response-type command ids that answer nothing (unknown, unsolicited, wrong sequence) with generic_nack in a bound session, never a generic_nack itself", async () => {
    const p = await peer((await start()).port);
    p.send(encodeBind("transceiver", 1, { systemId: "sp", password: "pw" }));
    await p.next();
    p.send(frameOf(0x80000077, 7, [1, 2, 3])); // unknown id with the response bit
    expect(await p.next()).toMatchObject({ command: "generic_nack", commandStatus: S.ESME_RINVCMDID, sequenceNumber: 7 });
    p.send(frameOf(CommandId.submit_sm_resp, 8, "ABC\0")); // a response the server never asked for
    expect(await p.next()).toMatchObject({ command: "generic_nack", commandStatus: S.ESME_RINVCMDID, sequenceNumber: 8 });
    p.send(frameOf(CommandId.deliver_sm_resp, 9, "\0")); // to a sequence the server never used
    expect(await p.next()).toMatchObject({ command: "generic_nack", commandStatus: S.ESME_RINVCMDID, sequenceNumber: 9 });
    p.send(frameOf(CommandId.generic_nack, 10)); // a stray generic_nack is not answered
    await expectAlive(p, 11);
    await expect(p.next(200)).rejects.toThrow(/no PDU/);
  });

  it("answers a malformed submit_sm body with its own status, then serves the next PDU (node-smpp would stall)", async () => {
    const p = await peer((await start()).port);
    p.send(encodeBind("transceiver", 1, { systemId: "sp", password: "pw" }));
    await p.next();
    p.send(frameOf(CommandId.submit_sm, 2, "\0", [0, 0], "1069000012")); // source_addr without NUL
    expect(await p.next()).toMatchObject({ command: "submit_sm_resp", commandStatus: S.ESME_RINVSRCADR, sequenceNumber: 2 });
    p.send(submit(3));
    expect(await p.next()).toMatchObject({ command: "submit_sm_resp", commandStatus: 0, body: { messageId: "OK1" } });
    await expectAlive(p);
  });

  it("answers an unparsable bind, then accepts a good one on the same connection", async () => {
    const p = await peer((await start()).port);
    p.send(frameOf(CommandId.bind_transmitter, 1, "sp\0", "pw"));
    expect(await p.next()).toMatchObject({ command: "bind_transmitter_resp", commandStatus: S.ESME_RINVPASWD });
    p.send(encodeBind("transmitter", 2, { systemId: "sp", password: "pw" }));
    expect(await p.next()).toMatchObject({ command: "bind_transmitter_resp", commandStatus: 0 });
  });

  it("closes after three refused binds", async () => {
    const p = await peer((await start()).port);
    for (let i = 1; i <= 3; i++) {
      p.send(encodeBind("transmitter", i, { systemId: "sp", password: "bad" }));
      expect(await p.next()).toMatchObject({ commandStatus: S.ESME_RINVPASWD });
    }
    await p.closed;
  });

  it("answers command_length < 16 with generic_nack ESME_RINVCMDLEN and closes", async () => {
    const p = await peer((await start()).port);
    p.send(Buffer.from("0000000c0000001500000000", "hex"));
    expect(await p.next()).toMatchObject({ command: "generic_nack", commandStatus: S.ESME_RINVCMDLEN });
    await p.closed;
  });

  it("answers command_length over the maximum with generic_nack and closes", async () => {
    const p = await peer((await start({ maxPduLength: 4096 })).port);
    p.send(Buffer.from("000100000000000400000000000000aa", "hex"));
    expect(await p.next()).toMatchObject({ command: "generic_nack", commandStatus: S.ESME_RINVCMDLEN, sequenceNumber: 0xaa });
    await p.closed;
  });

  it("closes a connection that never binds", async () => {
    const p = await peer((await start({ bindTimeoutMs: 150 })).port);
    const started = Date.now();
    await p.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it("closes a connection that leaves a PDU half-sent", async () => {
    const p = await peer((await start({ partialFrameTimeoutMs: 150 })).port);
    p.send(submit(1).subarray(0, 20));
    await p.closed;
  });

  it("caps connections per remote address", async () => {
    const { port } = await start({ maxConnectionsPerAddress: 2 });
    const a = await peer(port);
    const b = await peer(port);
    await waitFor(() => server!.connectionCount === 2);
    const c = await peer(port);
    await c.closed;
    await expectAlive(a);
    await expectAlive(b);
  });

  it("answers ESME_RSYSERR when the handler throws, and goes on", async () => {
    let calls = 0;
    const p = await peer((await start({
      handlers: {
        authenticate: () => ({ ok: true, context: {} }),
        submitSm: () => {
          calls++;
          if (calls === 1) throw new Error("policy bug");
          return { status: 0, messageId: "M2" };
        },
      },
    })).port);
    p.send(encodeBind("transmitter", 1, { systemId: "sp", password: "x" }));
    await p.next();
    p.send(submit(2));
    expect(await p.next()).toMatchObject({ commandStatus: S.ESME_RSYSERR });
    p.send(submit(3));
    expect(await p.next()).toMatchObject({ commandStatus: 0, body: { messageId: "M2" } });
  });

  it("stops reading while too many requests await the application, and resumes after", async () => {
    const release: (() => void)[] = [];
    let handed = 0;
    const p = await peer((await start({
      maxInboundPending: 2,
      handlers: {
        authenticate: () => ({ ok: true, context: {} }),
        submitSm: () => {
          handed++;
          return new Promise((resolve) => release.push(() => resolve({ status: 0, messageId: "M" })));
        },
      },
    })).port);
    p.send(encodeBind("transmitter", 1, { systemId: "sp", password: "x" }));
    await p.next();
    for (let i = 0; i < 6; i++) p.send(submit(10 + i));
    await sleep(100);
    expect(handed).toBe(2);
    release.splice(0).forEach((r) => r());
    await waitFor(() => handed === 4, 2000, "reading to resume");
    release.splice(0).forEach((r) => r());
    await waitFor(() => handed === 6, 2000, "the rest");
    release.splice(0).forEach((r) => r());
    const sequences = [];
    for (let i = 0; i < 6; i++) sequences.push((await p.next()).sequenceNumber);
    expect(sequences.sort()).toEqual([10, 11, 12, 13, 14, 15]);
  });

  it("stops reading from a bound peer that never reads its answers, keeps the backlog bounded, and closes it after the stall timeout", async () => {
    // Each small submit_multi asks for a ~7 KB answer (254 unsuccess_smes): 2,000 of them would
    // make us buffer ~15 MB for a peer that does not read.
    const unsuccess = Array.from({ length: 254 }, (_, i) => ({ ton: 1, npi: 1, address: `1380000${String(i).padStart(4, "0")}`, errorStatusCode: 0x0b }));
    const srv = await start({
      maxWriteBacklogBytes: 256 * 1024,
      writeStallTimeoutMs: 700,
      handlers: { authenticate: () => ({ ok: true, context: {} }), submitMulti: () => ({ status: 0, messageId: "M1", unsuccess }) },
    });
    const p = await peer(srv.port);
    p.send(encodeBind("transmitter", 1, { systemId: "sp", password: "x" }));
    await p.next();
    const session = [...srv.sessions()][0]!;
    const backlog = () => {
      return session.writeBacklogBytes;
    };
    p.socket.pause(); // never read again
    let peak = 0;
    const poll = setInterval(() => (peak = Math.max(peak, backlog())), 2);
    const started = Date.now();
    const request = encodeSubmitMulti(0, { sourceAddr: "1069000012", destinations: [{ kind: "sme", ton: 1, npi: 1, address: "13800000001" }], shortMessage: Buffer.from("hi") });
    for (let i = 0; i < 2000; i++) {
      const frame = request.slice();
      setSequence(frame, 10 + i);
      p.send(frame);
    }
    await waitFor(() => session.state === "closed", 5000, "the stalled session to close").finally(() => {
      clearInterval(poll);
      console.log(JSON.stringify({ test: "write backlog", peakBacklogBytes: peak, closedAfterMs: Date.now() - started, closeReason: session.closeReason }));
    });
    const closedAfter = Date.now() - started;
    expect(session.closeReason).toMatch(/write backlog timeout/);
    expect(peak).toBeLessThan(256 * 1024 + 16 * 1024);
    expect(closedAfter).toBeGreaterThanOrEqual(650);
    expect(closedAfter).toBeLessThan(5000);
    // Another peer is served meanwhile and after.
    const other = await peer(srv.port);
    await expectAlive(other);
  });

  it("stops gracefully: in-flight submits are answered, then the ESME is unbound", async () => {
    let release: (() => void) | undefined;
    const p = await peer((await start({
      handlers: {
        authenticate: () => ({ ok: true, context: {} }),
        submitSm: () => new Promise((resolve) => (release = () => resolve({ status: 0, messageId: "LATE" }))),
      },
    })).port);
    p.send(encodeBind("transmitter", 1, { systemId: "sp", password: "x" }));
    await p.next();
    p.send(submit(2));
    await waitFor(() => release !== undefined);
    const stopping = server!.stop(2000);
    await sleep(50);
    release!();
    expect(await p.next()).toMatchObject({ command: "submit_sm_resp", body: { messageId: "LATE" } });
    const unbind = await p.next();
    expect(unbind.command).toBe("unbind");
    p.send(frameOf(CommandId.unbind_resp, unbind.sequenceNumber));
    await stopping;
    await p.closed;
    server = undefined;
  });

  it("answers an unbind before bind with ESME_RINVBNDSTS", async () => {
    const p = await peer((await start()).port);
    p.send(encodeUnbind(4));
    expect(await p.next()).toMatchObject({ command: "unbind_resp", commandStatus: S.ESME_RINVBNDSTS });
    await expectAlive(p);
  });
});

/**
 * The CMPP session layer over real sockets on port 0, driven by the independent spec client:
 * CONNECT (authenticators, versions, timestamps), SUBMIT, windows both ways, DELIVER with a
 * status report, ACTIVE_TEST both ways and dead-link detection, TERMINATE both ways, and a
 * malformed frame closing only its own connection.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createCmppServer, type CmppServer, type CmppServerOptions, type CmppSession } from "../../../cmpp/session/server.ts";
import type { SubmitAnswer } from "../../../cmpp/session/connection.ts";
import type { Pdu } from "../../../cmpp/wire/pdu.ts";
import { waitFor } from "../../helpers/world.ts";
import * as spec from "../spec-client.ts";
import { ID, SpecClient } from "../spec-client.ts";

type Ctx = { sp: string };
type SubmitHandler = (session: CmppSession<Ctx>, pdu: Pdu<"submit">) => SubmitAnswer | Promise<SubmitAnswer>;

const secrets: Record<string, string> = { "900001": "888888", "900002": "s3cr3t" };
const servers: CmppServer<Ctx>[] = [];
const clients: SpecClient[] = [];

async function start(options: Partial<CmppServerOptions<Ctx>> = {}, onSubmit?: SubmitHandler) {
  let nextId = 1n;
  const server = await createCmppServer<Ctx>({
    port: 0,
    host: "127.0.0.1",
    activeTestIntervalMs: 0,
    ...options,
    handlers: {
      authenticate: ({ sourceAddr }) => (secrets[sourceAddr] ? { ok: true, secret: secrets[sourceAddr]!, context: { sp: sourceAddr } } : { ok: false, status: 2 }),
      submit: (session, pdu) => (onSubmit ? onSubmit(session, pdu) : { result: 0, msgId: nextId++ }),
    },
  });
  servers.push(server);
  return server;
}

async function client(port: number): Promise<SpecClient> {
  const c = await SpecClient.open(port);
  clients.push(c);
  return c;
}

async function connected(port: number, versionByte = 0x30, sourceAddr = "900001"): Promise<SpecClient> {
  const c = await client(port);
  const resp = await c.connect({ sourceAddr, secret: secrets[sourceAddr]!, versionByte });
  expect(resp.status).toBe(0);
  return c;
}

const sms = (text: string): spec.SubmitSpec => ({ srcId: "1069000", msgSrc: "900001", dest: ["13800000001"], msgFmt: 0, content: Buffer.from(text) });

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.stop(200)));
});

describe("CONNECT", () => {
  it("3.0: a good authenticator gets Status 0 (4 bytes), a correct AuthenticatorISMG and Version 0x30", async () => {
    const server = await start();
    const c = await client(server.port);
    const resp = await c.connect({ sourceAddr: "900001", secret: "888888", versionByte: 0x30 });
    expect(resp).toMatchObject({ status: 0, version: 0x30, length: 21 });
    expect(Buffer.from(resp.authIsmg)).toEqual(resp.expectedAuth);
    const [session] = [...server.sessions()];
    expect(session).toMatchObject({ state: "connected", version: 3, sourceAddr: "900001", context: { sp: "900001" } });
  });

  it.each([["0x20", 0x20], ["0x21", 0x21]])("2.x (Version %s): the 2.0 layout with a 1-byte Status", async (_label, versionByte) => {
    const server = await start();
    const c = await client(server.port);
    const resp = await c.connect({ sourceAddr: "900002", secret: "s3cr3t", versionByte });
    expect(resp).toMatchObject({ status: 0, version: versionByte, length: 18 });
    expect(Buffer.from(resp.authIsmg)).toEqual(resp.expectedAuth);
    expect([...server.sessions()][0]!.version).toBe(2);
  });

  it("a wrong secret gets Status 3 and no AuthenticatorISMG; a retry with the right one succeeds; the third refusal closes", async () => {
    const server = await start();
    const c = await client(server.port);
    const bad = await c.connect({ sourceAddr: "900001", secret: "wrong!", versionByte: 0x30, seq: 1 });
    expect(bad.status).toBe(3);
    expect(Buffer.from(bad.authIsmg)).toEqual(Buffer.alloc(16));
    const good = await c.connect({ sourceAddr: "900001", secret: "888888", versionByte: 0x30, seq: 2 });
    expect(good.status).toBe(0);

    const d = await client(server.port);
    for (let i = 1; i <= 3; i++) expect((await d.connect({ sourceAddr: "900001", secret: "nope", versionByte: 0x20, seq: i })).status).toBe(3);
    await d.closedPromise;
    expect(c.closed).toBe(false);
  });

  it("a replayed CONNECT with a stale timestamp (11 minutes old) is refused with Status 3", async () => {
    const server = await start({ maxTimestampSkewMs: 10 * 60_000 });
    const c = await client(server.port);
    const stale = spec.chinaTimestamp(Date.now() - 11 * 60_000);
    expect((await c.connect({ sourceAddr: "900001", secret: "888888", versionByte: 0x30, timestamp: stale })).status).toBe(3);
    const fresh = spec.chinaTimestamp(Date.now() - 9 * 60_000);
    expect((await c.connect({ sourceAddr: "900001", secret: "888888", versionByte: 0x30, timestamp: fresh, seq: 2 })).status).toBe(0);
  });

  it("the skew check uses the injected clock", async () => {
    const fake = Date.parse("2026-01-01T00:00:00Z");
    const server = await start({ now: () => fake });
    const c = await client(server.port);
    expect((await c.connect({ sourceAddr: "900001", secret: "888888", versionByte: 0x30, timestamp: spec.chinaTimestamp(fake - 30_000) })).status).toBe(0);
  });

  it("unknown Source_Addr: Status 2; Version 0x40: Status 4 in the 3.0 layout; Version 0x10: Status 5", async () => {
    const server = await start();
    const c = await client(server.port);
    expect((await c.connect({ sourceAddr: "999999", secret: "x", versionByte: 0x30, seq: 1 })).status).toBe(2);
    const high = await c.connect({ sourceAddr: "900001", secret: "888888", versionByte: 0x40, seq: 2 });
    expect(high).toMatchObject({ status: 4, version: 0x30, length: 21 });
    const e = await client(server.port);
    expect((await e.connect({ sourceAddr: "900001", secret: "888888", versionByte: 0x10 })).status).toBe(5);
  });

  it("a malformed CONNECT body gets Status 1 (消息结构错)", async () => {
    const server = await start();
    const c = await client(server.port);
    const frame = spec.connectFrame(1, { sourceAddr: "900001", secret: "888888", versionByte: 0x30, timestamp: spec.chinaTimestamp(Date.now()) });
    frame[12 + 2] = 0x07; // a control byte inside Source_Addr
    c.send(frame);
    const resp = await c.next((f) => f.commandId === ID.CONNECT_RESP);
    expect(spec.parseConnectResp(resp.body, 3).status).toBe(1);
  });

  it("SUBMIT before CONNECT closes the connection (an unauthenticated peer gets nothing)", async () => {
    const server = await start();
    const c = await client(server.port);
    c.send(spec.submitFrame(1, 3, sms("hi")));
    await c.closedPromise;
    expect(c.frames.filter((f) => f.commandId === ID.SUBMIT_RESP)).toEqual([]);
  });

  it("no CONNECT within connectTimeoutMs: closed", async () => {
    const server = await start({ connectTimeoutMs: 100 });
    const c = await client(server.port);
    const started = Date.now();
    await c.closedPromise;
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });
});

describe("SUBMIT", () => {
  it.each([["0x20", 0x20, 2], ["0x30", 0x30, 3]] as const)("Version %s: the handler sees the decoded fields; the SP gets its Msg_Id", async (_label, versionByte, v) => {
    const seen: Pdu<"submit">[] = [];
    const server = await start({}, (_s, pdu) => {
      seen.push(pdu);
      return { result: 0, msgId: 0x0123456789abcdefn };
    });
    const c = await connected(server.port, versionByte);
    const resp = await c.submit(7, v, { ...sms("hello"), dest: ["13800000001", "13800000002"], linkId: v === 3 ? "LINK1" : undefined });
    expect(resp).toEqual({ msgId: 0x0123456789abcdefn, result: 0, length: v === 2 ? 9 : 12 });
    expect(seen[0]!.body).toMatchObject({ srcId: "1069000", destTerminalIds: ["13800000001", "13800000002"], linkId: v === 3 ? "LINK1" : "" });
    expect(Buffer.from(seen[0]!.body.msgContent).toString()).toBe("hello");
  });

  it("a malformed body gets SUBMIT_RESP with the matching Result and the session goes on", async () => {
    const server = await start();
    const c = await connected(server.port, 0x30);
    const bad = spec.submitFrame(2, 3, sms("hello"));
    bad[bad.length - 20 - 5 - 1] = 4; // Msg_Length 4 for 5 bytes of content: no longer matches Total_Length
    c.send(bad);
    const resp = await c.next((f) => f.commandId === ID.SUBMIT_RESP && f.sequenceId === 2);
    expect(spec.parseMsgIdResult(resp.body, 3)).toMatchObject({ msgId: 0n, result: 4 });
    expect((await c.submit(3, 3, sms("again"))).result).toBe(0);
  });

  it("a second SUBMIT with the Sequence_Id of one still being handled gets Result 3 (消息序号重复)", async () => {
    const release: Array<() => void> = [];
    let calls = 0;
    const server = await start({}, () => {
      calls++;
      return new Promise<SubmitAnswer>((resolve) => release.push(() => resolve({ result: 0, msgId: 11n })));
    });
    const c = await connected(server.port, 0x20);
    c.send(Buffer.concat([spec.submitFrame(5, 2, sms("one")), spec.submitFrame(5, 2, sms("two"))]));
    const dup = await c.next((f) => f.commandId === ID.SUBMIT_RESP);
    expect(spec.parseMsgIdResult(dup.body, 2)).toMatchObject({ result: 3, msgId: 0n });
    release[0]!();
    expect(spec.parseMsgIdResult((await c.next((f) => f.commandId === ID.SUBMIT_RESP)).body, 2)).toMatchObject({ result: 0, msgId: 11n });
    expect(calls).toBe(1);
    // Once answered, the number may be used again.
    const again = c.submit(5, 2, sms("three"));
    await waitFor(() => release.length === 2);
    release[1]!();
    expect((await again).result).toBe(0);
  });

  it("a handler that throws answers Result 9 and is reported, the session goes on", async () => {
    let calls = 0;
    const server = await start({}, () => {
      if (calls++ === 0) throw new Error("boom");
      return { result: 0, msgId: 5n };
    });
    const errors: unknown[] = [];
    server.on("handlerError", (_s, e) => errors.push(e));
    const c = await connected(server.port, 0x20);
    expect((await c.submit(1, 2, sms("a"))).result).toBe(9);
    expect((await c.submit(2, 2, sms("b"))).result).toBe(0);
    expect(errors).toHaveLength(1);
  });

  it("window of 16: the 17th unanswered SUBMIT gets Result 8 (流量控制错) at once; the 16 are answered when released", async () => {
    const release: Array<() => void> = [];
    const server = await start({}, () => new Promise<SubmitAnswer>((resolve) => release.push(() => resolve({ result: 0, msgId: 1n }))));
    const c = await connected(server.port, 0x30);
    for (let seq = 1; seq <= 17; seq++) c.send(spec.submitFrame(seq, 3, sms(`m${seq}`)));
    const seventeenth = await c.next((f) => f.commandId === ID.SUBMIT_RESP);
    expect(seventeenth.sequenceId).toBe(17);
    expect(spec.parseMsgIdResult(seventeenth.body, 3).result).toBe(8);
    await waitFor(() => release.length === 16);
    for (const r of release) r();
    const answered = await Promise.all(Array.from({ length: 16 }, (_, i) => c.next((f) => f.commandId === ID.SUBMIT_RESP && f.sequenceId === i + 1)));
    expect(answered.map((f) => spec.parseMsgIdResult(f.body, 3).result)).toEqual(Array(16).fill(0));
  });
});

describe("DELIVER", () => {
  it("a status report reaches the SP in the 3.0 layout and DELIVER_RESP settles deliver()", async () => {
    const server = await start();
    const c = await connected(server.port, 0x30);
    const [session] = [...server.sessions()];
    const report = { msgId: 99n, stat: "DELIVRD", submitTime: "2612011030", doneTime: "2612011031", destTerminalId: "13800000001", smscSequence: 1 };
    const pending = server.deliver(session!, { msgId: 77n, destId: "1069000", serviceId: "", tpPid: 0, tpUdhi: 0, msgFmt: 0, srcTerminalId: "13800000001", registeredDelivery: 1, report });
    const frame = await c.next((f) => f.commandId === ID.DELIVER);
    const parsed = spec.parseDeliver(frame.body, 3);
    expect(parsed).toMatchObject({ msgId: 77n, registeredDelivery: 1, report, trailerLength: 20 });
    c.send(spec.deliverRespFrame(frame.sequenceId, 3, 77n, 0));
    expect(await pending).toEqual({ msgId: 77n, result: 0 });
  });

  it("sessionsFor finds an SP's connected sessions only", async () => {
    const server = await start();
    await connected(server.port, 0x30);
    await connected(server.port, 0x20);
    await connected(server.port, 0x30, "900002");
    const pendingAuth = await client(server.port);
    pendingAuth.send(spec.activeTestFrame(1));
    await pendingAuth.next((f) => f.commandId === ID.ACTIVE_TEST_RESP);
    expect(server.sessionsFor("900001").map((s) => s.version).sort()).toEqual([2, 3]);
    expect(server.sessionsFor("900002")).toHaveLength(1);
    expect(server.sessionsFor("")).toEqual([]);
    expect(server.connectionCount).toBe(4);
  });

  it("window of 16 outstanding DELIVERs: the 17th is refused with window_full; the rest settle on DELIVER_RESP", async () => {
    const server = await start();
    const c = await connected(server.port, 0x20);
    const [session] = [...server.sessions()];
    const mo = (i: number) => ({ msgId: BigInt(i), destId: "1069000", serviceId: "", tpPid: 0, tpUdhi: 0, msgFmt: 0, srcTerminalId: "13800000001", registeredDelivery: 0, msgContent: Buffer.from(`mo${i}`) });
    const sixteen = Array.from({ length: 16 }, (_, i) => server.deliver(session!, mo(i)));
    await expect(server.deliver(session!, mo(16))).rejects.toMatchObject({ reason: "window_full" });
    for (let i = 0; i < 16; i++) {
      const f = await c.next((x) => x.commandId === ID.DELIVER);
      c.send(spec.deliverRespFrame(f.sequenceId, 2, spec.parseDeliver(f.body, 2).msgId, i === 0 ? 8 : 0));
    }
    const results = await Promise.all(sixteen);
    expect(results.map((r) => r.result)).toEqual([8, ...Array(15).fill(0)]);
    expect(session!.inFlight).toBe(0);
  });

  it("an unanswered DELIVER times out after requestTimeoutMs", async () => {
    const server = await start({ requestTimeoutMs: 100 });
    await connected(server.port, 0x30);
    const [session] = [...server.sessions()];
    await expect(server.deliver(session!, { msgId: 1n, destId: "1", serviceId: "", tpPid: 0, tpUdhi: 0, msgFmt: 0, srcTerminalId: "13800000001", registeredDelivery: 0 })).rejects.toMatchObject({ reason: "timeout" });
  });
});

describe("CANCEL", () => {
  it.each([["0x20", 0x20, 2], ["0x30", 0x30, 3]] as const)("Version %s: always Success_Id 1 (failure) in the version's width; the session goes on", async (_l, versionByte, v) => {
    const server = await start();
    const c = await connected(server.port, versionByte);
    c.send(spec.cancelFrame(4, 123n));
    const resp = await c.next((f) => f.commandId === ID.CANCEL_RESP);
    expect([resp.sequenceId, resp.body.length, v === 2 ? resp.body[0] : resp.body.readUInt32BE(0)]).toEqual([4, v === 2 ? 1 : 4, 1]);
    expect((await c.submit(5, v, sms("after cancel"))).result).toBe(0);
  });

  it("before CONNECT it closes the connection", async () => {
    const server = await start();
    const c = await client(server.port);
    c.send(spec.cancelFrame(1, 1n));
    await c.closedPromise;
  });
});

describe("responses from the SP", () => {
  it("a DELIVER_RESP with a broken body rejects deliver() with bad_response; one to an unknown Sequence_Id is ignored", async () => {
    const server = await start();
    const problems: string[] = [];
    server.on("protocolError", (_s, p) => problems.push(p.message));
    const c = await connected(server.port, 0x30);
    const [session] = [...server.sessions()];
    c.send(spec.deliverRespFrame(999, 3, 1n, 0)); // nothing was sent with 999
    const pending = server.deliver(session!, { msgId: 3n, destId: "1069000", serviceId: "", tpPid: 0, tpUdhi: 0, msgFmt: 0, srcTerminalId: "13800000001", registeredDelivery: 0 });
    const f = await c.next((x) => x.commandId === ID.DELIVER);
    c.send(spec.deliverRespFrame(f.sequenceId, 2, 3n, 0)); // the 2.0 layout on a 3.0 session: 3 bytes short
    await expect(pending).rejects.toMatchObject({ reason: "bad_response" });
    expect(problems.some((m) => m.includes("Sequence_Id 999"))).toBe(true);
    expect((await c.submit(4, 3, sms("still fine"))).result).toBe(0);
  });

  it("a second CONNECT while the first is being authenticated gets Status 5; after success another gets Status 5 too", async () => {
    let release: () => void = () => {};
    const server = await createCmppServer<Ctx>({
      port: 0, host: "127.0.0.1", activeTestIntervalMs: 0,
      handlers: { authenticate: () => new Promise((resolve) => (release = () => resolve({ ok: true, secret: "888888", context: { sp: "900001" } }))) },
    });
    servers.push(server);
    const c = await client(server.port);
    const ts = spec.chinaTimestamp(Date.now());
    c.send(Buffer.concat([spec.connectFrame(1, { sourceAddr: "900001", secret: "888888", versionByte: 0x30, timestamp: ts }), spec.connectFrame(2, { sourceAddr: "900001", secret: "888888", versionByte: 0x30, timestamp: ts })]));
    const second = await c.next((f) => f.commandId === ID.CONNECT_RESP);
    expect([second.sequenceId, spec.parseConnectResp(second.body, 3).status]).toEqual([2, 5]);
    release();
    expect(spec.parseConnectResp((await c.next((f) => f.commandId === ID.CONNECT_RESP)).body, 3).status).toBe(0);
    expect((await c.connect({ sourceAddr: "900001", secret: "888888", versionByte: 0x30, seq: 3 })).status).toBe(5);
  });
});

describe("ACTIVE_TEST and dead links", () => {
  it("the server answers the SP's ACTIVE_TEST, before and after CONNECT", async () => {
    const server = await start();
    const c = await client(server.port);
    c.send(spec.activeTestFrame(41));
    expect((await c.next((f) => f.commandId === ID.ACTIVE_TEST_RESP)).sequenceId).toBe(41);
    await c.connect({ sourceAddr: "900001", secret: "888888", versionByte: 0x30 });
    c.send(spec.activeTestFrame(42));
    const resp = await c.next((f) => f.commandId === ID.ACTIVE_TEST_RESP);
    expect(resp).toMatchObject({ sequenceId: 42, totalLength: 13 });
  });

  it("after C of silence the server probes; an answering SP keeps its link", async () => {
    const server = await start({ activeTestIntervalMs: 100, activeTestTimeoutMs: 500, activeTestMaxMissed: 2 });
    const c = await connected(server.port, 0x30);
    for (let i = 0; i < 3; i++) {
      const probe = await c.next((f) => f.commandId === ID.ACTIVE_TEST, 1000);
      c.send(spec.activeTestRespFrame(probe.sequenceId));
    }
    expect(c.closed).toBe(false);
    expect([...server.sessions()][0]!.state).toBe("connected");
  });

  it("an SP that never answers gets N = 3 probes, T apart, then the link is dropped", async () => {
    const C = 100, T = 60, N = 3;
    const server = await start({ activeTestIntervalMs: C, activeTestTimeoutMs: T, activeTestMaxMissed: N });
    const reasons: string[] = [];
    server.on("sessionClosed", (_s, reason) => reasons.push(reason));
    const c = await connected(server.port, 0x20);
    const started = Date.now();
    await c.closedPromise;
    const elapsed = Date.now() - started;
    expect(c.frames.filter((f) => f.commandId === ID.ACTIVE_TEST)).toHaveLength(N);
    expect(elapsed).toBeGreaterThanOrEqual(C + N * T - 20);
    expect(reasons).toEqual(["ACTIVE_TEST unanswered 3 times"]);
  });

  it("any traffic from the SP counts as life: no probe while it keeps submitting", async () => {
    // C = 600 ms, and the SP is busy for 1.2 s with a SUBMIT every ~100 ms.
    const server = await start({ activeTestIntervalMs: 600, activeTestTimeoutMs: 50, activeTestMaxMissed: 1 });
    const c = await connected(server.port, 0x30);
    for (let i = 1; i <= 12; i++) {
      await c.submit(i, 3, sms(`k${i}`));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(c.frames.filter((f) => f.commandId === ID.ACTIVE_TEST)).toEqual([]);
    expect(c.closed).toBe(false);
  });
});

describe("TERMINATE", () => {
  it("from the SP: TERMINATE_RESP with its Sequence_Id, then the server closes", async () => {
    const server = await start();
    const c = await connected(server.port, 0x30);
    const closed = new Promise<string>((resolve) => server.on("sessionClosed", (_s, reason) => resolve(reason)));
    c.send(spec.terminateFrame(9));
    expect((await c.next((f) => f.commandId === ID.TERMINATE_RESP)).sequenceId).toBe(9);
    expect(await closed).toBe("peer terminated");
    await c.closedPromise;
  });

  it("from the gateway: the SP gets TERMINATE; its TERMINATE_RESP ends the session", async () => {
    const server = await start();
    const c = await connected(server.port, 0x20);
    const [session] = [...server.sessions()];
    const done = session!.terminate();
    expect(session!.state).toBe("terminating");
    const t = await c.next((f) => f.commandId === ID.TERMINATE);
    // While terminating, a new SUBMIT gets flow control (8): send it elsewhere.
    expect((await c.submit(5, 2, sms("late"))).result).toBe(8);
    c.send(spec.terminateRespFrame(t.sequenceId));
    await done;
    expect(session!.closeReason).toBe("terminated");
    await c.closedPromise;
  });

  it("an SP that never answers our TERMINATE is closed after the request timeout", async () => {
    const server = await start({ requestTimeoutMs: 100 });
    const c = await connected(server.port, 0x30);
    const [session] = [...server.sessions()];
    const started = Date.now();
    await session!.terminate();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await c.closedPromise;
  });

  it("server.stop() terminates connected sessions", async () => {
    const server = await start();
    const c = await connected(server.port, 0x30);
    const stopping = server.stop(1000);
    const t = await c.next((f) => f.commandId === ID.TERMINATE);
    c.send(spec.terminateRespFrame(t.sequenceId));
    await stopping;
    await c.closedPromise;
    servers.splice(servers.indexOf(server), 1);
  });
});

describe("connection caps", () => {
  it("maxConnectionsPerAddress refuses the extra connection at once", async () => {
    const server = await start({ maxConnectionsPerAddress: 2 });
    const refused: string[] = [];
    server.on("connectionRefused", (_a, reason) => refused.push(reason));
    await connected(server.port, 0x30);
    await connected(server.port, 0x20, "900002");
    const third = await client(server.port);
    await third.closedPromise;
    expect(refused).toEqual(["max_connections_per_address"]);
  });
});

describe("malformed frames", () => {
  it.each([
    ["Total_Length 5", Buffer.from([0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 1])],
    ["Total_Length over the limit", Buffer.from([0, 0, 0x40, 0, 0, 0, 0, 4, 0, 0, 0, 1])],
    ["an unknown Command_Id", Buffer.from([0, 0, 0, 12, 0, 0, 0, 0x77, 0, 0, 0, 1])],
  ])("%s closes that connection only; another keeps submitting", async (_name, bytes) => {
    const server = await start();
    const victim = await connected(server.port, 0x30);
    const other = await connected(server.port, 0x20, "900002");
    victim.send(bytes);
    await victim.closedPromise;
    expect((await other.submit(1, 2, sms("still here"))).result).toBe(0);
    expect(server.connectionCount).toBe(1);
  });

  it("SUBMITs still with the application when a bad frame (or TERMINATE) arrives are answered before the close", async () => {
    const release: Array<() => void> = [];
    const server = await start({}, () => new Promise<SubmitAnswer>((resolve) => release.push(() => resolve({ result: 0, msgId: 42n }))));
    for (const last of [Buffer.from([0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 9]), spec.terminateFrame(9)]) {
      const c = await connected(server.port, 0x30);
      c.send(Buffer.concat([spec.submitFrame(1, 3, sms("a")), spec.submitFrame(2, 3, sms("b")), last]));
      await waitFor(() => release.length === 2);
      await new Promise((r) => setTimeout(r, 30));
      expect(c.closed).toBe(false); // waiting for the answers, not reading any more
      for (const r of release.splice(0)) r();
      await c.closedPromise;
      const answers = c.frames.filter((f) => f.commandId === ID.SUBMIT_RESP).map((f) => [f.sequenceId, spec.parseMsgIdResult(f.body, 3).msgId]);
      expect(answers).toEqual([[1, 42n], [2, 42n]]);
      expect(c.frames.filter((f) => f.commandId === ID.TERMINATE_RESP).length).toBe(last.length === 12 && last[3] === 12 ? 1 : 0);
    }
  });

  it("a frame left half-sent is closed after partialFrameTimeoutMs", async () => {
    const server = await start({ partialFrameTimeoutMs: 100 });
    const c = await connected(server.port, 0x30);
    c.send(spec.submitFrame(1, 3, sms("x")).subarray(0, 30));
    await c.closedPromise;
  });

  it("a SUBMIT split into single bytes is still one SUBMIT", async () => {
    const server = await start();
    const c = await connected(server.port, 0x30);
    const frame = spec.submitFrame(3, 3, sms("drip"));
    for (const byte of frame) {
      c.send(Buffer.of(byte));
      await new Promise((r) => setImmediate(r));
    }
    const resp = await c.next((f) => f.commandId === ID.SUBMIT_RESP);
    expect(spec.parseMsgIdResult(resp.body, 3).result).toBe(0);
  });
});

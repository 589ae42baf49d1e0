/**
 * Malformed-CMPP fuzz against the CMPP server: 100,000 frames (CMPP_FUZZ_FRAMES to change it,
 * CMPP_FUZZ_SEED for another seed) from several connections at once, built by the independent
 * spec client and then mutated: flipped bytes, cut or stretched bodies, random bodies under a
 * valid header, the wrong version's layout; and every batch may end with a frame that must close
 * its connection (a bad Total_Length, an unknown Command_Id, TERMINATE). About a third of the
 * connections instead fuzz the unauthenticated phase (mutated CONNECTs and ACTIVE_TESTs). Asserts that every
 * request is answered (a response with its Sequence_Id and the matching Command_Id and layout)
 * or its connection closed with a known reason, that nothing throws, and that a control
 * connection keeps submitting throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CmppServer } from "../../../cmpp/session/server.ts";
import { waitFor } from "../../helpers/world.ts";
import * as spec from "../../cmpp/spec-client.ts";
import { ID, SpecClient, type Version } from "../../cmpp/spec-client.ts";
import * as vectors from "../../cmpp/vectors.ts";

const FRAMES = Number(process.env.CMPP_FUZZ_FRAMES ?? 100_000);
const SEED = Number(process.env.CMPP_FUZZ_SEED ?? 0xc3990);
const WORKERS = 4;
const BATCH = 200;

/** What is fuzzed: a CMPP server (the bare layer, or the whole gateway's listener), and how to talk to it. */
export interface FuzzTarget {
  server: CmppServer<unknown>;
  stop(): Promise<void>;
  /** The shared secret the workers' and the control connection's CONNECTs use. */
  secret: string;
  /** Source_Addr of worker `index`'s CONNECTs. */
  workerCode(index: number): string;
  /** The control connection: its Source_Addr and a SUBMIT the target accepts (Result 0). */
  control: { code: string; submit: Omit<spec.SubmitSpec, "content"> & { content: Buffer } };
}

let server: CmppServer<unknown>;
let SECRET = "";
const closeReasons = new Map<string, number>();
const problems = new Map<string, number>();
let handlerErrors = 0;

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = ReturnType<typeof prng>;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const REQUESTS = new Set<number>([ID.CONNECT, ID.SUBMIT, ID.DELIVER, ID.CANCEL, ID.ACTIVE_TEST, ID.TERMINATE]);

function baseFrame(rand: Rand, v: Version): Buffer {
  const version: Version = rand() < 0.1 ? (v === 2 ? 3 : 2) : v; // sometimes the other version's layout
  const dest = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i) => `138000000${String(i).padStart(2, "0")}`);
  const kind = rand();
  if (kind < 0.6) {
    const content = Buffer.alloc(Math.floor(rand() * 150), 0x41 + Math.floor(rand() * 26));
    return spec.submitFrame(0, version, { srcId: "1069000", msgSrc: "900001", dest, msgFmt: pick(rand, [0, 8, 15]), content, registeredDelivery: Math.floor(rand() * 2) });
  }
  if (kind < 0.7) return spec.connectFrame(0, { sourceAddr: "900001", secret: SECRET, versionByte: pick(rand, [0x20, 0x30, 0x40]), timestamp: spec.chinaTimestamp(Date.now()) });
  if (kind < 0.75) return spec.activeTestFrame(0);
  if (kind < 0.8) return spec.cancelFrame(0, BigInt(Math.floor(rand() * 2 ** 32)));
  if (kind < 0.9) return Buffer.from(version === 2 ? vectors.deliver2 : vectors.deliver3);
  return Buffer.from(pick(rand, [vectors.deliverResp2, vectors.activeTestResp, vectors.submitResp3, vectors.connectResp2]));
}

/** A frame whose header stays valid (length, a known Command_Id): it must be answered if it is a request. */
function mutated(rand: Rand, v: Version, seq: number): Buffer {
  let frame = baseFrame(rand, v);
  const how = rand();
  if (how < 0.45) {
    for (let k = 0; k < 1 + Math.floor(rand() * 4) && frame.length > 12; k++) frame[12 + Math.floor(rand() * (frame.length - 12))] = Math.floor(rand() * 256);
  } else if (how < 0.6) {
    frame = frame.subarray(0, 12 + Math.floor(rand() * (frame.length - 12)));
  } else if (how < 0.7) {
    frame = Buffer.concat([frame, Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)))]);
  } else if (how < 0.85) {
    const body = Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
    frame = Buffer.concat([frame.subarray(0, 12), body]);
  } // else: left valid
  frame = Buffer.from(frame);
  frame.writeUInt32BE(frame.length, 0);
  frame.writeUInt32BE(seq, 8);
  return frame;
}

/** A frame after which the connection must close. */
function killer(rand: Rand, seq: number): { frame: Buffer; answer?: number } {
  const kind = rand();
  if (kind < 0.4) {
    const frame = Buffer.from(Array.from({ length: 12 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
    frame.writeUInt32BE(rand() < 0.5 ? Math.floor(rand() * 12) : 4097 + Math.floor(rand() * 0xfffff000), 0);
    return { frame };
  }
  if (kind < 0.75) {
    const frame = Buffer.alloc(12 + Math.floor(rand() * 40));
    frame.writeUInt32BE(frame.length, 0);
    frame.writeUInt32BE(pick(rand, [0x3, 0x6, 0x9, 0x24, 0x7fffffff, Math.floor(rand() * 0x7fffffff) | 0x100]), 4);
    frame.writeUInt32BE(seq, 8);
    return { frame };
  }
  return { frame: spec.terminateFrame(seq), answer: ID.TERMINATE_RESP };
}

interface Stats {
  frames: number;
  requests: number;
  answered: number;
  closedWithPending: number;
  /** Pre-authentication requests left unanswered because three refused CONNECTs closed the link. */
  closedAfterRefusals: number;
  connections: number;
  result8: number;
}

/**
 * Before authentication: mutated CONNECTs and ACTIVE_TESTs on a fresh connection. Each must be
 * answered, unless the connection closed after three refused CONNECTs (maxFailedConnects).
 */
async function preAuth(rand: Rand, firstSeq: number, count: number, stats: Stats): Promise<void> {
  const c = await SpecClient.open(server.port);
  stats.connections++;
  const expected = new Map<number, number>();
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i;
    let frame = rand() < 0.8
      ? spec.connectFrame(seq, { sourceAddr: "900001", secret: SECRET, versionByte: pick(rand, [0x20, 0x21, 0x30, 0x40, 0x10]), timestamp: spec.chinaTimestamp(Date.now()) })
      : spec.activeTestFrame(seq);
    if (rand() < 0.8) {
      frame = Buffer.from(frame);
      for (let k = 0; k < 1 + Math.floor(rand() * 3) && frame.length > 12; k++) frame[12 + Math.floor(rand() * (frame.length - 12))] = Math.floor(rand() * 256);
      if (rand() < 0.2) frame = Buffer.from(frame.subarray(0, 12 + Math.floor(rand() * (frame.length - 12))));
      frame.writeUInt32BE(frame.length, 0);
    }
    expected.set(seq, (frame.readUInt32BE(4) | 0x80000000) >>> 0);
    frames.push(frame);
  }
  c.send(Buffer.concat(frames));
  stats.frames += frames.length;
  stats.requests += frames.length;
  let refusedConnects = 0;
  await waitFor(() => {
    for (const f of c.frames.splice(0)) {
      if (expected.get(f.sequenceId) !== f.commandId) continue;
      expected.delete(f.sequenceId);
      stats.answered++;
      if (f.commandId === ID.CONNECT_RESP && spec.parseConnectResp(f.body, f.body.length === 21 ? 3 : 2).status !== 0) refusedConnects++;
    }
    return expected.size === 0 || c.closed;
  }, 10_000, "pre-auth answers");
  if (expected.size > 0) expect(refusedConnects).toBeGreaterThanOrEqual(3);
  stats.closedAfterRefusals += expected.size;
  c.close();
}

async function worker(target: FuzzTarget, index: number, quota: number, stats: Stats): Promise<void> {
  const rand = prng(SEED + index);
  let seq = 1;
  while (quota > 0) {
    if (rand() < 0.3) {
      const count = Math.min(quota, 1 + Math.floor(rand() * 12));
      await preAuth(rand, seq, count, stats);
      seq += count;
      quota -= count;
      continue;
    }
    const v: Version = rand() < 0.5 ? 2 : 3;
    const c = await SpecClient.open(server.port);
    stats.connections++;
    const hello = await c.connect({ sourceAddr: target.workerCode(index), secret: SECRET, versionByte: v === 2 ? 0x20 : 0x30, seq: seq++ });
    expect(hello.status).toBe(0);
    while (quota > 0 && !c.closed) {
      const expected = new Map<number, number>();
      const batch: Buffer[] = [];
      for (let i = 0; i < BATCH && quota > 0; i++, quota--) {
        const s = seq++;
        const frame = mutated(rand, v, s);
        const id = frame.readUInt32BE(4);
        if (REQUESTS.has(id) && id !== ID.TERMINATE) expected.set(s, (id | 0x80000000) >>> 0);
        batch.push(frame);
      }
      const ends = rand() < 0.3 && quota > 0;
      if (ends) {
        const s = seq++;
        const k = killer(rand, s);
        quota--;
        batch.push(k.frame);
        if (k.answer !== undefined) expected.set(s, k.answer);
      }
      c.send(Buffer.concat(batch));
      stats.frames += batch.length;
      stats.requests += expected.size;
      await waitFor(() => {
        for (const f of c.frames.splice(0)) {
          if (expected.get(f.sequenceId) === f.commandId) {
            expected.delete(f.sequenceId);
            stats.answered++;
            if (f.commandId === ID.SUBMIT_RESP && (v === 2 ? f.body[8] : f.body.readUInt32BE(8)) === 8) stats.result8++;
            if (f.commandId === ID.SUBMIT_RESP) expect(f.body.length).toBe(v === 2 ? 9 : 12);
          }
        }
        return expected.size === 0 || c.closed;
      }, 10_000, `answers on worker ${index}`);
      // The server closes only after answering every request before the frame that made it
      // close (SUBMITs still with the application included), so nothing may be left unanswered.
      stats.closedWithPending += expected.size;
      expect(expected.size).toBe(0);
      if (ends) {
        await c.closedPromise;
        break;
      }
    }
    c.close();
  }
}

/** The suite: 100,000 frames against `start()`'s target, with the guarantees listed at the top of this file. */
export function defineCmppFuzz(name: string, start: () => Promise<FuzzTarget>): void {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await start();
    server = target.server;
    SECRET = target.secret;
    const normal = (reason: string) => reason.replace(/0x[0-9a-f]+|\d+/g, "N");
    server.on("sessionClosed", (_s, reason) => closeReasons.set(normal(reason), (closeReasons.get(normal(reason)) ?? 0) + 1));
    server.on("protocolError", (_s, p) => problems.set(p.field, (problems.get(p.field) ?? 0) + 1));
    server.on("handlerError", () => handlerErrors++);
  }, 120_000);
  afterAll(async () => {
    await target?.stop();
  });
describe(name, () => {
  it(`answers or cleanly closes on every one of ${FRAMES} fuzzed frames while a control connection keeps working`, { timeout: Math.max(120_000, FRAMES * 2) }, async () => {
    const control = await SpecClient.open(server.port);
    expect((await control.connect({ sourceAddr: target.control.code, secret: SECRET, versionByte: 0x30 })).status).toBe(0);
    const stats: Stats = { frames: 0, requests: 0, answered: 0, closedWithPending: 0, closedAfterRefusals: 0, connections: 0, result8: 0 };
    let controlSeq = 1;
    let controlOk = 0;
    let fuzzing = true;
    const controlLoop = (async () => {
      while (fuzzing) {
        const r = await control.submit(controlSeq++, 3, target.control.submit);
        expect(r.result).toBe(0);
        controlOk++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const started = Date.now();
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(target, i, Math.ceil(FRAMES / WORKERS), stats)));
    fuzzing = false;
    await controlLoop;
    const elapsed = Date.now() - started;
    console.log(JSON.stringify({ ...stats, controlOk, elapsedMs: elapsed, handlerErrors, closeReasons: Object.fromEntries(closeReasons), problems: Object.fromEntries(problems) }));

    expect(stats.frames).toBeGreaterThanOrEqual(FRAMES);
    expect(stats.answered + stats.closedAfterRefusals).toBe(stats.requests);
    expect(stats.closedWithPending).toBe(0);
    expect(handlerErrors).toBe(0);
    expect(controlOk).toBeGreaterThanOrEqual(1);
    expect(control.closed).toBe(false);
    expect((await control.submit(controlSeq++, 3, target.control.submit)).result).toBe(0);
    const known = /^(framing error: Total_Length N .*|unsupported Command_Id N|peer terminated|too many refused CONNECTs|peer closed the connection|socket closed)$/;
    for (const reason of closeReasons.keys()) expect(reason).toMatch(known);
    // Everything but the control connection has gone.
    await waitFor(() => server.connectionCount === 1, 3000, "fuzz connections closed");
    control.close();
  });
});
}

import { describe, expect, it } from "vitest";
import { encodeEnquireLink, encodeSubmitSm, PduFramer, readUint32 } from "../../../smpp/wire/index.ts";
import { ucs2 } from "../../helpers/raw-peer.ts";

const submit = (sequence: number) =>
  encodeSubmitSm(sequence, { sourceAddr: "106900001234", destinationAddr: "13800000001", dataCoding: 8, shortMessage: ucs2("【示例】您的验证码是123456") });

function drain(framer: PduFramer): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let f = framer.next(); f; f = framer.next()) frames.push(f);
  return frames;
}

describe("framer", () => {
  it("returns a frame that arrives whole as a zero-copy view of the chunk", () => {
    const framer = new PduFramer();
    const chunk = submit(7);
    framer.push(chunk);
    const [frame] = drain(framer);
    expect(frame!.buffer).toBe(chunk.buffer);
    expect(readUint32(frame!, 12)).toBe(7);
    expect(framer.hasPartialFrame).toBe(false);
  });

  it("splits coalesced frames from one chunk", () => {
    const framer = new PduFramer();
    const all = Buffer.concat([submit(1), encodeEnquireLink(2), submit(3)]);
    framer.push(all);
    expect(drain(framer).map((f) => readUint32(f, 12))).toEqual([1, 2, 3]);
  });

  it("reassembles a frame delivered one byte at a time, header included", () => {
    const framer = new PduFramer();
    const bytes = Buffer.concat([submit(11), encodeEnquireLink(12)]);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) {
      framer.push(bytes.subarray(i, i + 1));
      frames.push(...drain(framer));
      if (i === 2) expect(framer.hasPartialFrame).toBe(true);
    }
    expect(frames.map((f) => Buffer.from(f))).toEqual([Buffer.from(submit(11)), Buffer.from(encodeEnquireLink(12))]);
    expect(framer.hasPartialFrame).toBe(false);
  });

  it("reassembles frames split at arbitrary points across chunks", () => {
    const bytes = Buffer.concat([submit(1), submit(2), encodeEnquireLink(3), submit(4)]);
    for (const cut of [1, 5, 16, 17, 40, bytes.length - 1]) {
      const framer = new PduFramer();
      framer.push(bytes.subarray(0, cut));
      const first = drain(framer);
      framer.push(bytes.subarray(cut));
      const frames = [...first, ...drain(framer)];
      expect(frames.map((f) => readUint32(f, 12))).toEqual([1, 2, 3, 4]);
    }
  });

  it("latches a framing error on a command_length shorter than the header", () => {
    const framer = new PduFramer();
    const bad = Buffer.from("0000000a0000001500000000000000ff", "hex");
    framer.push(bad);
    expect(framer.next()).toBeUndefined();
    expect(framer.error).toMatchObject({ commandLength: 10, commandId: 0x15, sequenceNumber: 0xff });
    framer.push(encodeEnquireLink(1));
    expect(framer.next()).toBeUndefined();
  });

  it("latches a framing error on a command_length over the configured maximum", () => {
    const framer = new PduFramer(1024);
    framer.push(Buffer.from("00010000", "hex"));
    expect(framer.next()).toBeUndefined();
    expect(framer.error?.commandLength).toBe(65_536);
    expect(framer.error?.message).toMatch(/exceeds the maximum of 1024/);
  });

  it("accepts large PDUs when the maximum is raised for message_payload", () => {
    const framer = new PduFramer(65_536);
    const big = new Uint8Array(40_000);
    big.set([0, 0, 0x9c, 0x40, 0, 0, 0, 0x15]);
    framer.push(big.subarray(0, 30_000));
    expect(framer.next()).toBeUndefined();
    framer.push(big.subarray(30_000));
    expect(framer.next()?.length).toBe(40_000);
  });
});

/** The CMPP framer: frames out of arbitrary chunking, and a latching error on a bad Total_Length. */
import { describe, expect, it } from "vitest";
import { CmppFramer } from "../../../cmpp/wire/framer.ts";
import * as v from "../vectors.ts";

const all = (framer: CmppFramer) => {
  const out: Buffer[] = [];
  for (let f = framer.next(); f !== undefined; f = framer.next()) out.push(Buffer.from(f));
  return out;
};

describe("CmppFramer", () => {
  const stream = Buffer.concat([v.connect21, v.submit3, v.activeTest, v.deliver2, v.terminate]);
  const expected = [v.connect21, v.submit3, v.activeTest, v.deliver2, v.terminate].map((b) => Buffer.from(b));

  it("cuts the same frames out of one chunk, byte-by-byte chunks and random chunks", () => {
    const one = new CmppFramer();
    one.push(stream);
    expect(all(one)).toEqual(expected);

    const bytewise = new CmppFramer();
    const got: Buffer[] = [];
    for (const byte of stream) {
      bytewise.push(Uint8Array.of(byte));
      got.push(...all(bytewise));
    }
    expect(got).toEqual(expected);
    expect(bytewise.buffered).toBe(0);

    let seed = 7;
    const rand = () => (seed = (seed * 48271) % 0x7fffffff) / 0x7fffffff;
    const random = new CmppFramer();
    const got2: Buffer[] = [];
    for (let i = 0; i < stream.length;) {
      const n = 1 + Math.floor(rand() * 40);
      random.push(stream.subarray(i, i + n));
      got2.push(...all(random));
      i += n;
    }
    expect(got2).toEqual(expected);
  });

  it.each([[0], [11], [4097], [0xffffffff]])("Total_Length %s latches an error and yields nothing more", (length) => {
    const framer = new CmppFramer(4096);
    const bad = Buffer.alloc(12);
    bad.writeUInt32BE(length, 0);
    framer.push(Buffer.concat([v.activeTest, bad, v.activeTest]));
    expect(all(framer)).toEqual([Buffer.from(v.activeTest)]);
    expect(framer.error?.totalLength).toBe(length);
    framer.push(v.activeTest);
    expect(framer.next()).toBeUndefined();
    expect(framer.buffered).toBe(0);
  });

  it("refuses an oversized frame from its first 4 bytes, before buffering the body", () => {
    const framer = new CmppFramer(64);
    framer.push(Uint8Array.of(0, 0, 0x10, 0));
    expect(framer.next()).toBeUndefined();
    expect(framer.error?.message).toMatch(/exceeds the maximum of 64/);
  });

  it("exactly the maximum passes", () => {
    const framer = new CmppFramer(v.submit3.length);
    framer.push(v.submit3);
    expect(all(framer)).toEqual([Buffer.from(v.submit3)]);
    expect(() => new CmppFramer(11)).toThrow(RangeError);
  });
});

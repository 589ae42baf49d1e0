/** Msg_Id layout and the generator's uniqueness (per second, across instances, across restarts). */
import { describe, expect, it } from "vitest";
import { MsgIdGenerator, packMsgId, unpackMsgId } from "../../../cmpp/wire/msg-id.ts";

describe("Msg_Id pack / unpack", () => {
  it("bit layout: month 4, day 5, hour 5, minute 6, second 6, gateway 22, sequence 16", () => {
    const parts = { month: 12, day: 31, hour: 23, minute: 59, second: 58, gatewayCode: 0x3fffff, sequence: 0xfffe };
    const id = packMsgId(parts);
    expect(id >> 60n).toBe(12n);
    expect((id >> 16n) & 0x3fffffn).toBe(0x3fffffn);
    expect(id & 0xffffn).toBe(0xfffen);
    expect(unpackMsgId(id)).toEqual(parts);
    expect(packMsgId({ month: 1, day: 1, hour: 0, minute: 0, second: 0, gatewayCode: 0, sequence: 1 })).toBe((1n << 60n) | (1n << 55n) | 1n);
  });

  it("reads gocmpp's Msg_Id 0xb2b9da8000010000 (submit_test.go › TestCmpp2SubmitRspPktPack) as 11-05 14:29:42, gateway 1, sequence 0", () => {
    expect(unpackMsgId(12878564852733378560n)).toEqual({ month: 11, day: 5, hour: 14, minute: 29, second: 42, gatewayCode: 1, sequence: 0 });
  });

  it("refuses values that do not fit their bits", () => {
    expect(() => packMsgId({ month: 13, day: 1, hour: 0, minute: 0, second: 0, gatewayCode: 0, sequence: 0 })).toThrow(RangeError);
    expect(() => packMsgId({ month: 1, day: 1, hour: 0, minute: 0, second: 0, gatewayCode: 0x400000, sequence: 0 })).toThrow(RangeError);
    expect(() => new MsgIdGenerator(-1)).toThrow(RangeError);
  });
});

describe("MsgIdGenerator", () => {
  it("waits out its creation second, then stamps China time and the gateway code", () => {
    let now = Date.parse("2026-12-01T10:00:05.300Z");
    const gen = new MsgIdGenerator(123456, () => now);
    expect(gen.tryNext()).toBeUndefined();
    expect(gen.waitMs()).toBe(700);
    now += 700;
    expect(unpackMsgId(gen.tryNext()!)).toEqual({ month: 12, day: 1, hour: 18, minute: 0, second: 6, gatewayCode: 123456, sequence: 0 });
  });

  it("gives 65,536 distinct ids in a second, then none until the next second", () => {
    let now = Date.parse("2026-12-01T10:00:04.900Z");
    const gen = new MsgIdGenerator(7, () => now);
    now += 200; // 10:00:05.100
    const seen = new Set<bigint>();
    for (let i = 0; i < 65_536; i++) seen.add(gen.tryNext()!);
    expect(seen.size).toBe(65_536);
    expect(gen.tryNext()).toBeUndefined();
    now += 900;
    const next = gen.tryNext()!;
    expect(seen.has(next)).toBe(false);
    expect(unpackMsgId(next)).toMatchObject({ second: 6, sequence: 0 });
  });

  it("a process restarted within the same second repeats none of the previous process's ids", () => {
    let now = Date.parse("2026-12-01T10:00:04.500Z");
    const before = new MsgIdGenerator(9, () => now);
    now = Date.parse("2026-12-01T10:00:05.100Z");
    const first = new Set<bigint>();
    for (let i = 0; i < 1000; i++) first.add(before.tryNext()!);
    now = Date.parse("2026-12-01T10:00:05.400Z"); // crash, and the new process is up in the same second
    const after = new MsgIdGenerator(9, () => now);
    expect(after.tryNext()).toBeUndefined();
    now = Date.parse("2026-12-01T10:00:06.000Z");
    const second = Array.from({ length: 1000 }, () => after.tryNext()!);
    expect(second.filter((id) => first.has(id))).toEqual([]);
  });

  it("a process that crashes in its first second and restarts in it repeats nothing either", () => {
    let now = Date.parse("2026-12-01T10:00:05.100Z");
    const before = new MsgIdGenerator(9, () => now);
    const first: bigint[] = [];
    for (let i = 0; i < 1000; i++) {
      const id = before.tryNext();
      if (id !== undefined) first.push(id);
    }
    now = Date.parse("2026-12-01T10:00:05.400Z");
    const after = new MsgIdGenerator(9, () => now);
    now = Date.parse("2026-12-01T10:00:06.000Z");
    const second = Array.from({ length: 1000 }, () => after.tryNext()!);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
  });

  it("next() waits out the second instead of failing", async () => {
    const gen = new MsgIdGenerator(5);
    const started = Date.now();
    const id = await gen.next();
    expect(unpackMsgId(id).gatewayCode).toBe(5);
    expect(Date.now() - started).toBeLessThanOrEqual(1500);
    expect(await gen.next()).not.toBe(id);
  });

  it("two instances with different gateway codes never collide, even with the same clock", () => {
    let now = Date.parse("2026-12-01T10:00:05Z");
    const a = new MsgIdGenerator(1, () => now);
    const b = new MsgIdGenerator(2, () => now);
    now += 1000;
    const ids = new Set<bigint>();
    for (let i = 0; i < 10_000; i++) {
      ids.add(a.tryNext()!);
      ids.add(b.tryNext()!);
    }
    expect(ids.size).toBe(20_000);
  });

  it("a clock stepped backwards does not rewind the generator", () => {
    let now = Date.parse("2026-12-01T10:00:05Z");
    const gen = new MsgIdGenerator(3, () => now);
    const ids = new Set<bigint>();
    now += 1000;
    for (let i = 0; i < 100; i++) ids.add(gen.tryNext()!);
    now += 5000;
    for (let i = 0; i < 100; i++) ids.add(gen.tryNext()!);
    now -= 5000; // NTP steps the clock back to the second of the first batch
    for (let i = 0; i < 100; i++) ids.add(gen.tryNext()!);
    expect(ids.size).toBe(300);
    expect([...ids].every((id) => id !== undefined)).toBe(true);
  });
});

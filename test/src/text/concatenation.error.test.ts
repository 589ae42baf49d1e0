import { describe, expect, it } from "vitest";
import { CONCATENATION_REJECT_REASONS, ConcatenationAssembler } from "../../../src/text/index.ts";

const limits = { maxPendingSets: 100, maxBytesTotal: 1_000_000, timeoutMs: 10_000 };
const KEY = "acct-1|1069012345|13800138000|udh8";

describe("ConcatenationAssembler (error and evasion)", () => {
  it("refuses a duplicate part and, with it, the whole set (so a second text for seq 2 never reaches the SMSC)", () => {
    const assembler = new ConcatenationAssembler<string>(limits);
    assembler.add(KEY, { ref: 5, total: 3, seq: 1, text: "【云端商城】您的订单", handle: "p1" }, 0);
    assembler.add(KEY, { ref: 5, total: 3, seq: 2, text: "已发货", handle: "p2" }, 1);
    const duplicate = assembler.add(KEY, { ref: 5, total: 3, seq: 2, text: "点击领奖 http://x.example", handle: "p2-again" }, 2);
    expect(duplicate).toEqual({ state: "rejected", reason: "duplicate_part", handles: ["p1", "p2", "p2-again"] });
    expect(assembler.stats).toEqual({ pendingSets: 0, pendingParts: 0, bytes: 0 });
    // The set's remaining part is refused on arrival, not held until a timeout.
    expect(assembler.add(KEY, { ref: 5, total: 3, seq: 3, text: "拒收请回复R", handle: "p3" }, 3)).toEqual({ state: "rejected", reason: "duplicate_part", handles: ["p3"] });
    // After timeoutMs the ref is free again.
    expect(assembler.add(KEY, { ref: 5, total: 2, seq: 1, text: "新", handle: "n1" }, 10_003).state).toBe("incomplete");
  });

  it("refuses a part whose total disagrees with the set's", () => {
    const assembler = new ConcatenationAssembler<string>(limits);
    assembler.add(KEY, { ref: 6, total: 3, seq: 1, text: "【云端商城】", handle: "p1" }, 0);
    expect(assembler.add(KEY, { ref: 6, total: 2, seq: 2, text: "结束", handle: "q2" }, 1)).toEqual({ state: "rejected", reason: "inconsistent_total", handles: ["p1", "q2"] });
  });

  it("refuses seq 0, seq above total and total 0, taking any held set down too", () => {
    const assembler = new ConcatenationAssembler<string>(limits);
    expect(assembler.add(KEY, { ref: 1, total: 3, seq: 0, text: "x", handle: "a" }, 0)).toEqual({ state: "rejected", reason: "seq_out_of_range", handles: ["a"] });
    expect(assembler.add(KEY, { ref: 2, total: 0, seq: 0, text: "x", handle: "b" }, 0)).toMatchObject({ reason: "seq_out_of_range" });
    assembler.add(KEY, { ref: 3, total: 2, seq: 1, text: "x", handle: "c1" }, 0);
    expect(assembler.add(KEY, { ref: 3, total: 2, seq: 3, text: "x", handle: "c3" }, 0)).toEqual({ state: "rejected", reason: "seq_out_of_range", handles: ["c1", "c3"] });
    expect(assembler.stats.pendingSets).toBe(0);
  });

  it("refuses a new set when maxPendingSets are waiting, and keeps refusing that message's parts", () => {
    const assembler = new ConcatenationAssembler<string>({ ...limits, maxPendingSets: 2 });
    assembler.add(KEY, { ref: 1, total: 2, seq: 1, text: "a", handle: "a1" }, 0);
    assembler.add(KEY, { ref: 2, total: 2, seq: 1, text: "b", handle: "b1" }, 0);
    expect(assembler.add(KEY, { ref: 3, total: 2, seq: 1, text: "c", handle: "c1" }, 0)).toEqual({ state: "rejected", reason: "too_many_pending", handles: ["c1"] });
    // Parts of existing sets still get through, and a 1-part message is never held.
    expect(assembler.add(KEY, { ref: 1, total: 2, seq: 2, text: "a", handle: "a2" }, 1).state).toBe("complete");
    expect(assembler.add(KEY, { ref: 9, total: 1, seq: 1, text: "d", handle: "d1" }, 1).state).toBe("complete");
    // Room again, but ref 3 was refused: its second part must not sit waiting for a first part that will never come.
    expect(assembler.add(KEY, { ref: 3, total: 2, seq: 2, text: "c", handle: "c2" }, 2)).toEqual({ state: "rejected", reason: "too_many_pending", handles: ["c2"] });
  });

  it("refuses parts past the byte budget, and the set they belong to", () => {
    const assembler = new ConcatenationAssembler<string>({ ...limits, maxBytesTotal: 20 });
    expect(assembler.add(KEY, { ref: 1, total: 3, seq: 1, text: "一二三四五", handle: "p1" }, 0).state).toBe("incomplete"); // 10 bytes
    expect(assembler.add(KEY, { ref: 2, total: 2, seq: 1, text: "甲乙丙丁", handle: "q1" }, 0).state).toBe("incomplete"); // 8 bytes
    expect(assembler.add(KEY, { ref: 1, total: 3, seq: 2, text: "六七", handle: "p2" }, 0)).toEqual({ state: "rejected", reason: "too_large", handles: ["p1", "p2"] });
    expect(assembler.stats).toEqual({ pendingSets: 1, pendingParts: 1, bytes: 8 });
    expect(assembler.add(KEY, { ref: 2, total: 2, seq: 2, text: "戊", handle: "q2" }, 0)).toEqual({ state: "complete", text: "甲乙丙丁戊", handles: ["q1", "q2"] });
  });

  it("refuses a total above maxPartsPerSet (keep it within the ESME's window, or the set can never finish)", () => {
    const assembler = new ConcatenationAssembler<string>({ ...limits, maxPartsPerSet: 10 });
    expect(assembler.add(KEY, { ref: 1, total: 11, seq: 1, text: "x", handle: "a" }, 0)).toEqual({ state: "rejected", reason: "too_large", handles: ["a"] });
    expect(assembler.add(KEY, { ref: 2, total: 10, seq: 10, text: "x", handle: "b" }, 0).state).toBe("incomplete");
    const defaults = new ConcatenationAssembler<string>(limits);
    expect(defaults.add(KEY, { ref: 1, total: 256, seq: 1, text: "x", handle: "a" }, 0)).toMatchObject({ reason: "too_large" });
  });

  it("forgets refusals after timeoutMs and bounds how many it remembers", () => {
    const assembler = new ConcatenationAssembler<string>({ ...limits, maxPendingSets: 2, timeoutMs: 100 });
    for (let ref = 0; ref < 5; ref++) assembler.add(KEY, { ref, total: 2, seq: 0, text: "x", handle: `r${ref}` }, 0);
    // Only the two most recent refusals are remembered.
    expect(assembler.add(KEY, { ref: 0, total: 2, seq: 1, text: "x", handle: "fresh0" }, 1).state).toBe("incomplete");
    expect(assembler.add(KEY, { ref: 4, total: 2, seq: 1, text: "x", handle: "fresh4" }, 1)).toMatchObject({ state: "rejected", reason: "seq_out_of_range" });
    assembler.expire(100);
    expect(assembler.add(KEY, { ref: 4, total: 2, seq: 1, text: "x", handle: "later4" }, 101).state).toBe("incomplete");
  });

  it("rejects nonsensical limits", () => {
    expect(() => new ConcatenationAssembler({ maxPendingSets: 0, maxBytesTotal: 1, timeoutMs: 1 })).toThrow(RangeError);
    expect(() => new ConcatenationAssembler({ maxPendingSets: 1, maxBytesTotal: 1, timeoutMs: 0 })).toThrow(RangeError);
    expect(() => new ConcatenationAssembler({ maxPendingSets: Number.NaN, maxBytesTotal: 1, timeoutMs: 1 })).toThrow(RangeError);
  });

  it("gives every reject reason a sentence", () => {
    expect(Object.keys(CONCATENATION_REJECT_REASONS).sort()).toEqual(["duplicate_part", "inconsistent_total", "seq_out_of_range", "too_large", "too_many_pending"]);
  });
});

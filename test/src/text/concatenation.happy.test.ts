import { describe, expect, it } from "vitest";
import { ConcatenationAssembler, extractMessageText, splitForSubmit } from "../../../src/text/index.ts";
import { MARKETING } from "./fixtures.ts";

const limits = { maxPendingSets: 100, maxBytesTotal: 1_000_000, timeoutMs: 10_000 };
const KEY = "acct-1|1069012345|13800138000";

/** The parts an ESME would submit, read back through extractMessageText like the proxy does. */
function submittedParts(text: string, refBits: 8 | 16, ref: number) {
  return splitForSubmit(text, 0x08, { udhRefBits: refBits, ref }).map((part, index) => {
    const result = extractMessageText({ esmClass: part.esmClass, dataCoding: 0x08, shortMessage: part.shortMessage });
    if (!result.ok || !result.concat) throw new Error("expected a concatenated part");
    return { key: `${KEY}|${result.concat.keyPart}`, part: { ...result.concat, text: result.text, handle: `pdu-${index + 1}` } };
  });
}

describe("ConcatenationAssembler (happy)", () => {
  it("reassembles the 3-part marketing message in order: signature from part 1, opt-out from part 3", () => {
    const assembler = new ConcatenationAssembler<string>(limits);
    const [one, two, three] = submittedParts(MARKETING, 8, 0x42);
    expect(assembler.add(one!.key, one!.part, 1_000)).toEqual({ state: "incomplete" });
    expect(assembler.add(two!.key, two!.part, 1_100)).toEqual({ state: "incomplete" });
    expect(assembler.stats).toEqual({ pendingSets: 1, pendingParts: 2, bytes: 2 * 134 });
    const done = assembler.add(three!.key, three!.part, 1_200);
    expect(done).toEqual({ state: "complete", text: MARKETING, handles: ["pdu-1", "pdu-2", "pdu-3"] });
    expect(done.state === "complete" && done.text.startsWith("【云端商城】") && done.text.endsWith("拒收请回复R")).toBe(true);
    expect(assembler.stats).toEqual({ pendingSets: 0, pendingParts: 0, bytes: 0 });
  });

  it("reassembles out of order and returns text and handles in seq order", () => {
    const assembler = new ConcatenationAssembler<string>(limits);
    const [one, two, three] = submittedParts(MARKETING, 16, 0xabcd);
    expect(assembler.add(three!.key, three!.part, 0).state).toBe("incomplete");
    expect(assembler.add(one!.key, one!.part, 1).state).toBe("incomplete");
    expect(assembler.add(two!.key, two!.part, 2)).toEqual({ state: "complete", text: MARKETING, handles: ["pdu-1", "pdu-2", "pdu-3"] });
  });

  it("completes a 1-of-1 part at once without holding it", () => {
    const assembler = new ConcatenationAssembler<number>(limits);
    expect(assembler.add(KEY, { ref: 1, total: 1, seq: 1, text: "【云端商城】短", handle: 7 }, 0)).toEqual({ state: "complete", text: "【云端商城】短", handles: [7] });
    expect(assembler.stats.pendingSets).toBe(0);
  });

  it("keeps sets apart by key and by ref", () => {
    const assembler = new ConcatenationAssembler<string>(limits);
    assembler.add("a|udh8", { ref: 1, total: 2, seq: 1, text: "A1", handle: "a1" }, 0);
    assembler.add("b|udh8", { ref: 1, total: 2, seq: 1, text: "B1", handle: "b1" }, 0);
    assembler.add("a|udh8", { ref: 2, total: 2, seq: 1, text: "C1", handle: "c1" }, 0);
    assembler.add("a|sar", { ref: 1, total: 2, seq: 2, text: "S2", handle: "s2" }, 0);
    expect(assembler.stats.pendingSets).toBe(4);
    expect(assembler.add("b|udh8", { ref: 1, total: 2, seq: 2, text: "B2", handle: "b2" }, 1)).toEqual({ state: "complete", text: "B1B2", handles: ["b1", "b2"] });
    expect(assembler.add("a|udh8", { ref: 1, total: 2, seq: 2, text: "A2", handle: "a2" }, 1)).toEqual({ state: "complete", text: "A1A2", handles: ["a1", "a2"] });
  });

  it("lets a ref be reused once its set completed", () => {
    const assembler = new ConcatenationAssembler<string>(limits);
    assembler.add(KEY, { ref: 9, total: 2, seq: 1, text: "一", handle: "x1" }, 0);
    assembler.add(KEY, { ref: 9, total: 2, seq: 2, text: "二", handle: "x2" }, 0);
    expect(assembler.add(KEY, { ref: 9, total: 2, seq: 1, text: "三", handle: "y1" }, 5).state).toBe("incomplete");
    expect(assembler.add(KEY, { ref: 9, total: 2, seq: 2, text: "四", handle: "y2" }, 6)).toEqual({ state: "complete", text: "三四", handles: ["y1", "y2"] });
  });

  it("expires timed-out sets with their handles, on the caller's clock, first part's time + timeoutMs", () => {
    const assembler = new ConcatenationAssembler<string>({ ...limits, timeoutMs: 5_000 });
    assembler.add(KEY, { ref: 1, total: 3, seq: 3, text: "尾", handle: "p3" }, 1_000);
    assembler.add(KEY, { ref: 1, total: 3, seq: 1, text: "头", handle: "p1" }, 4_000);
    assembler.add(KEY, { ref: 2, total: 2, seq: 1, text: "另", handle: "q1" }, 3_000);
    expect(assembler.expire(5_999)).toEqual([]);
    expect(assembler.expire(6_000)).toEqual([{ key: KEY, ref: 1, total: 3, received: 2, handles: ["p1", "p3"] }]);
    expect(assembler.stats).toEqual({ pendingSets: 1, pendingParts: 1, bytes: 2 });
    expect(assembler.expire(8_000)).toEqual([{ key: KEY, ref: 2, total: 2, received: 1, handles: ["q1"] }]);
    expect(assembler.stats).toEqual({ pendingSets: 0, pendingParts: 0, bytes: 0 });
    // A late part starts a new set rather than completing the expired one.
    expect(assembler.add(KEY, { ref: 1, total: 3, seq: 2, text: "中", handle: "p2" }, 8_001).state).toBe("incomplete");
  });

  it("drains everything it holds", () => {
    const assembler = new ConcatenationAssembler<string>(limits);
    assembler.add(KEY, { ref: 1, total: 2, seq: 1, text: "a", handle: "a" }, 0);
    assembler.add(KEY, { ref: 2, total: 2, seq: 2, text: "b", handle: "b" }, 0);
    expect(assembler.drain().flatMap((set) => set.handles)).toEqual(["a", "b"]);
    expect(assembler.stats).toEqual({ pendingSets: 0, pendingParts: 0, bytes: 0 });
  });
});

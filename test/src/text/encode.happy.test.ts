import { describe, expect, it } from "vitest";
import { decodeShortMessage, encodeText, splitForSubmit } from "../../../src/text/index.ts";
import { MARKETING } from "./fixtures.ts";

function decodeParts(parts: ReturnType<typeof splitForSubmit>, dataCoding: number) {
  return parts.map((part) => {
    const result = decodeShortMessage(part.shortMessage, dataCoding, part.esmClass === 0x40);
    if (!result.ok) throw new Error(result.detail);
    return result;
  });
}

describe("encodeText / splitForSubmit (happy)", () => {
  it("keeps a message that fits in one part without a UDH (160 GSM septets, 70 UCS2 characters)", () => {
    expect(splitForSubmit("A".repeat(160), 0x00, { udhRefBits: 8, ref: 1 })).toHaveLength(1);
    expect(splitForSubmit("中".repeat(70), 0x08, { udhRefBits: 8, ref: 1 })).toEqual([{ shortMessage: encodeText("中".repeat(70), 0x08), esmClass: 0 }]);
  });

  it("splits GSM text at 153 septets (8-bit ref) and 152 (16-bit ref)", () => {
    const eight = decodeParts(splitForSubmit("x".repeat(306), 0x00, { udhRefBits: 8, ref: 200 }), 0x00);
    expect(eight.map((part) => part.text.length)).toEqual([153, 153]);
    expect(eight[1]!.udh).toEqual({ headerLength: 6, concat: { ref: 200, total: 2, seq: 2, refBits: 8 } });
    const sixteen = decodeParts(splitForSubmit("x".repeat(306), 0x00, { udhRefBits: 16, ref: 0x1234 }), 0x00);
    expect(sixteen.map((part) => part.text.length)).toEqual([152, 152, 2]);
    expect(sixteen[2]!.udh?.concat).toEqual({ ref: 0x1234, total: 3, seq: 3, refBits: 16 });
  });

  it("never splits a GSM escape pair across parts", () => {
    const text = "a".repeat(152) + "€" + "b".repeat(10);
    const parts = splitForSubmit(text, 0x00, { udhRefBits: 8, ref: 1 });
    const decoded = decodeParts(parts, 0x00);
    expect(decoded.map((part) => part.text)).toEqual(["a".repeat(152), "€" + "b".repeat(10)]);
  });

  it("splits the Chinese marketing message into 3 UCS2 parts of 67 characters, signature only in part 1", () => {
    const parts = splitForSubmit(MARKETING, 0x08, { udhRefBits: 8, ref: 0x42 });
    expect(parts).toHaveLength(3);
    for (const part of parts) expect(part.shortMessage.length).toBeLessThanOrEqual(140);
    const decoded = decodeParts(parts, 0x08);
    expect(decoded.map((part) => part.text.length)).toEqual([67, 67, 47]);
    expect(decoded[0]!.text.startsWith("【云端商城】")).toBe(true);
    expect(decoded[1]!.text.includes("【")).toBe(false);
    expect(decoded[2]!.text.endsWith("拒收请回复R")).toBe(true);
    expect(decoded.map((part) => part.text).join("")).toBe(MARKETING);
  });

  it("never splits a surrogate pair across UCS2 parts", () => {
    const text = "字".repeat(66) + "😀" + "尾".repeat(5);
    const decoded = decodeParts(splitForSubmit(text, 0x08, { udhRefBits: 8, ref: 1 }), 0x08);
    expect(decoded.map((part) => part.text)).toEqual(["字".repeat(66), "😀" + "尾".repeat(5)]);
  });

  it("splits GBK at character boundaries within 134 octets", () => {
    const text = "【云端商城】" + "优惠".repeat(80);
    const parts = splitForSubmit(text, 0x0f, { udhRefBits: 8, ref: 1 });
    for (const part of parts) expect(part.shortMessage.length).toBeLessThanOrEqual(140);
    expect(decodeParts(parts, 0x0f).map((part) => part.text).join("")).toBe(text);
  });

  it("encodes Latin-1 and IA5 octet for code point", () => {
    expect([...encodeText("café", 0x03)]).toEqual([0x63, 0x61, 0x66, 0xe9]);
    expect([...encodeText("OK{}", 0x01)]).toEqual([0x4f, 0x4b, 0x7b, 0x7d]);
  });

  it("throws for text the alphabet cannot carry and for non-text data codings", () => {
    expect(() => encodeText("中文", 0x00)).toThrow(RangeError);
    expect(() => encodeText("中文", 0x03)).toThrow(RangeError);
    expect(() => encodeText("😀", 0x0f)).toThrow(RangeError); // GBK proper has no emoji
    expect(() => encodeText("abc", 0x04)).toThrow(RangeError);
    expect(() => splitForSubmit("x".repeat(153 * 256), 0x00, { udhRefBits: 8, ref: 1 })).toThrow(/255/);
  });
});

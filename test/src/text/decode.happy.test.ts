import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeShortMessage, describeDataCoding, encodeText } from "../../../src/text/index.ts";
import { bytes, hex } from "./fixtures.ts";

const text = (result: ReturnType<typeof decodeShortMessage>): string => {
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
  return result.text;
};

describe("decodeShortMessage (happy)", () => {
  it("0x00 reads the GSM 03.38 default alphabet, one septet per octet", () => {
    // "@£$¥" are septets 0-3; "Hello" is ASCII-compatible; 0x11 is "_" and 0x10 is "Δ".
    expect(text(decodeShortMessage(bytes(0x00, 0x01, 0x02, 0x03, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x11, 0x10), 0x00, false))).toBe("@£$¥Hello_Δ");
    expect(text(decodeShortMessage(bytes(0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x7b, 0x7f), 0x00, false))).toBe("ÄÖÑÜ§¿äà");
  });

  it("decodes every character of the GSM extension table", () => {
    const escaped = bytes(0x1b, 0x65, 0x1b, 0x3c, 0x1b, 0x3e, 0x1b, 0x28, 0x1b, 0x29, 0x1b, 0x2f, 0x1b, 0x14, 0x1b, 0x3d, 0x1b, 0x40, 0x1b, 0x0a);
    expect(text(decodeShortMessage(escaped, 0x00, false))).toBe("€[]{}\\^~|\f");
  });

  it("round-trips GSM text with escapes through encodeText", () => {
    const sample = "Price: 5€ [promo] {50%} a|b ~ok^ back\\slash @home £1 ¥2 Ωmega";
    const encoded = encodeText(sample, 0x00);
    expect(encoded.length).toBe(sample.length + 9); // nine characters need the escape
    expect(text(decodeShortMessage(encoded, 0x00, false))).toBe(sample);
  });

  it("0x00 can be configured to mean Latin-1 or ASCII for SMSCs that read it that way", () => {
    const latin = bytes(0x63, 0x61, 0x66, 0xe9, 0x40);
    expect(text(decodeShortMessage(latin, 0x00, false, { smscDefaultAlphabet: "latin1" }))).toBe("café@");
    expect(text(decodeShortMessage(bytes(0x7b, 0x40), 0x00, false, { smscDefaultAlphabet: "ia5" }))).toBe("{@");
    expect(text(decodeShortMessage(bytes(0x7b, 0x40), 0x00, false))).toBe("ä¡");
    // The setting is about 0x00 only: 0xF0 names the GSM alphabet explicitly.
    expect(text(decodeShortMessage(bytes(0x7b), 0xf0, false, { smscDefaultAlphabet: "latin1" }))).toBe("ä");
  });

  it("0x01 IA5 / ASCII", () => {
    expect(text(decodeShortMessage(new TextEncoder().encode("Code 1234 {x}"), 0x01, false))).toBe("Code 1234 {x}");
  });

  it("0x03 Latin-1 maps octet to code point, including 0x80-0x9F (not windows-1252)", () => {
    expect(text(decodeShortMessage(bytes(0x4e, 0xe4, 0x80, 0xff), 0x03, false))).toBe("Nä\u0080ÿ");
  });

  it("0x06 Cyrillic and 0x07 Hebrew", () => {
    expect(text(decodeShortMessage(bytes(0xbf, 0xe0, 0xd8, 0xd2, 0xd5, 0xe2), 0x06, false))).toBe("Привет");
    expect(text(decodeShortMessage(bytes(0xf9, 0xec, 0xe5, 0xed), 0x07, false))).toBe("שלום");
  });

  it("0x08 UCS2 big-endian, Chinese text", () => {
    const encoded = Uint8Array.from(Buffer.from("【云端商城】您的验证码是123456", "utf16le").swap16());
    expect(text(decodeShortMessage(encoded, 0x08, false))).toBe("【云端商城】您的验证码是123456");
  });

  it("0x08 UCS2 joins surrogate pairs (emoji)", () => {
    expect(text(decodeShortMessage(hex("d83d de00 0020 d83c df89 4e2d"), 0x08, false))).toBe("😀 🎉中");
    expect(text(decodeShortMessage(encodeText("抢购🔥🔥进行中👍", 0x08), 0x08, false))).toBe("抢购🔥🔥进行中👍");
  });

  it("0x0F GBK: iconv-lite encodes, the decoder reads it back", () => {
    const message = "【云端商城】会员日全场八折，拒收请回复R";
    const encoded = iconv.encode(message, "gbk");
    expect(encoded.length).toBeLessThan(message.length * 2);
    expect(text(decodeShortMessage(encoded, 0x0f, false))).toBe(message);
    expect(text(decodeShortMessage(encodeText(message, 0x0f), 0x0f, false))).toBe(message);
  });

  it("reads the general data coding group with class bits (0x10-0x1B)", () => {
    const ucs2 = encodeText("您好", 0x08);
    for (const dataCoding of [0x18, 0x19, 0x1a, 0x1b]) {
      const result = decodeShortMessage(ucs2, dataCoding, false);
      expect(result).toMatchObject({ ok: true, text: "您好", alphabet: "ucs2", messageClass: dataCoding & 0x03 });
    }
    for (const dataCoding of [0x10, 0x11, 0x12, 0x13]) {
      expect(decodeShortMessage(bytes(0x1b, 0x65, 0x31), dataCoding, false)).toMatchObject({ ok: true, text: "€1", alphabet: "gsm7" });
    }
  });

  it("reads 0xF0-0xF3 as GSM 7-bit with a message class (flash SMS is 0xF0)", () => {
    expect(decodeShortMessage(bytes(0x48, 0x69), 0xf0, false)).toMatchObject({ ok: true, text: "Hi", messageClass: 0 });
    expect(decodeShortMessage(bytes(0x48, 0x69), 0xf3, false)).toMatchObject({ ok: true, text: "Hi", messageClass: 3 });
    // Bit 3 is reserved; like Kannel we ignore it.
    expect(decodeShortMessage(bytes(0x48, 0x69), 0xf9, false)).toMatchObject({ ok: true, text: "Hi", messageClass: 1 });
  });

  it("reads the automatic-deletion group (0x4X) like the general group", () => {
    expect(decodeShortMessage(bytes(0x48, 0x69), 0x40, false)).toMatchObject({ ok: true, text: "Hi", alphabet: "gsm7" });
    expect(decodeShortMessage(encodeText("删", 0x08), 0x48, false)).toMatchObject({ ok: true, text: "删", alphabet: "ucs2" });
    expect(decodeShortMessage(encodeText("删", 0x08), 0x59, false)).toMatchObject({ ok: true, text: "删", messageClass: 1 });
  });

  it("reads message waiting indication groups: 0xC/0xD GSM 7-bit, 0xE UCS2", () => {
    expect(decodeShortMessage(bytes(0x56, 0x4d), 0xc8, false)).toMatchObject({ ok: true, text: "VM", alphabet: "gsm7" });
    expect(decodeShortMessage(bytes(0x56, 0x4d), 0xd0, false)).toMatchObject({ ok: true, text: "VM", alphabet: "gsm7" });
    expect(decodeShortMessage(encodeText("语音信箱", 0x08), 0xe8, false)).toMatchObject({ ok: true, text: "语音信箱", alphabet: "ucs2" });
  });

  it("skips a UDH and returns its concatenation info (8-bit and 16-bit refs)", () => {
    const body = encodeText("第一部分", 0x08);
    const eight = decodeShortMessage(Uint8Array.from([...hex("050003 2a 03 01"), ...body]), 0x08, true);
    expect(eight).toMatchObject({ ok: true, text: "第一部分", udh: { headerLength: 6, concat: { ref: 0x2a, total: 3, seq: 1, refBits: 8 } } });
    const sixteen = decodeShortMessage(Uint8Array.from([...hex("060804 beef 02 02"), ...body]), 0x08, true);
    expect(sixteen).toMatchObject({ ok: true, text: "第一部分", udh: { headerLength: 7, concat: { ref: 0xbeef, total: 2, seq: 2, refBits: 16 } } });
  });

  it("skips IEs it does not interpret (application ports) and finds the concatenation IE after them", () => {
    const message = Uint8Array.from([...hex("0b 0504 0b84 23f0 0003 07 02 01"), 0x48, 0x69]);
    expect(decodeShortMessage(message, 0x00, true)).toMatchObject({ ok: true, text: "Hi", udh: { headerLength: 12, concat: { ref: 7, total: 2, seq: 1 } } });
  });

  it("describes every octet without throwing, and unknown values as unsupported", () => {
    for (let value = 0; value < 256; value++) expect(describeDataCoding(value).kind).toMatch(/text|binary|unsupported/);
    expect(describeDataCoding(256).kind).toBe("unsupported");
    expect(describeDataCoding(-1).kind).toBe("unsupported");
  });

  it("decodes an empty message as empty text", () => {
    expect(decodeShortMessage(new Uint8Array(0), 0x08, false)).toMatchObject({ ok: true, text: "" });
  });
});

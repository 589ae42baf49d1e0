import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeShortMessage, encodeText, parseUdh, TEXT_FAILURE_REASONS } from "../../../src/text/index.ts";
import { bytes, hex } from "./fixtures.ts";

describe("decodeShortMessage (error)", () => {
  it("refuses 8-bit binary data (0x02, 0x04, 0x14, 0xF4-0xF7) and still reports its UDH", () => {
    for (const dataCoding of [0x02, 0x04, 0x14, 0x15, 0x44, 0xf4, 0xf5, 0xf6, 0xf7, 0xfc]) {
      expect(decodeShortMessage(bytes(0x01, 0x02), dataCoding, false)).toMatchObject({ ok: false, reason: "binary" });
    }
    const concatenatedBinary = decodeShortMessage(hex("050003 09 02 01 cafe"), 0xf4, true);
    expect(concatenatedBinary).toMatchObject({ ok: false, reason: "binary", udh: { concat: { ref: 9, total: 2, seq: 1 } } });
  });

  it("refuses data codings it cannot decode: JIS, pictogram, ISO-2022-JP, KS C 5601, reserved, compressed", () => {
    for (const dataCoding of [0x05, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x1c, 0x20, 0x28, 0x3f, 0x4c, 0x60, 0x80, 0xbf]) {
      const result = decodeShortMessage(bytes(0x41), dataCoding, false);
      expect(result, `0x${dataCoding.toString(16)}`).toMatchObject({ ok: false, reason: "unsupported_data_coding" });
    }
  });

  it("refuses UCS2 with an odd number of octets", () => {
    expect(decodeShortMessage(bytes(0x4e, 0x2d, 0x00), 0x08, false)).toMatchObject({ ok: false, reason: "invalid_encoding", detail: expect.stringMatching(/odd length/) });
  });

  it("refuses a lone surrogate: high at the end, high before a non-surrogate, low alone", () => {
    for (const message of ["0041 d83d", "d83d 0041", "de00 0041", "0041 dc00 d83d"]) {
      expect(decodeShortMessage(hex(message), 0x08, false)).toMatchObject({ ok: false, reason: "invalid_encoding", detail: expect.stringMatching(/lone surrogate/) });
    }
  });

  it("refuses invalid GBK instead of emitting replacement characters", () => {
    const truncated = iconv.encode("云端", "gbk").subarray(0, 3);
    expect(decodeShortMessage(truncated, 0x0f, false)).toMatchObject({ ok: false, reason: "invalid_encoding" });
    expect(decodeShortMessage(bytes(0xff, 0x41), 0x0f, false)).toMatchObject({ ok: false, reason: "invalid_encoding" });
  });

  it("refuses octets above 0x7F in GSM 7-bit and IA5, and unassigned ISO-8859-8 octets", () => {
    expect(decodeShortMessage(bytes(0x41, 0x80), 0x00, false)).toMatchObject({ ok: false, reason: "invalid_encoding" });
    expect(decodeShortMessage(bytes(0x1b, 0xe5), 0x00, false)).toMatchObject({ ok: false, reason: "invalid_encoding" });
    expect(decodeShortMessage(bytes(0x41, 0xe9), 0x01, false)).toMatchObject({ ok: false, reason: "invalid_encoding" });
    expect(decodeShortMessage(bytes(0xa1), 0x07, false)).toMatchObject({ ok: false, reason: "invalid_encoding" });
  });

  it("reads GSM escape corner cases as 23.038 says: unknown escape = base character, escape-escape or a trailing escape = space", () => {
    expect(decodeShortMessage(bytes(0x1b, 0x41), 0x00, false)).toMatchObject({ ok: true, text: "A" });
    expect(decodeShortMessage(bytes(0x41, 0x1b, 0x1b, 0x42), 0x00, false)).toMatchObject({ ok: true, text: "A B" });
    expect(decodeShortMessage(bytes(0x41, 0x1b), 0x00, false)).toMatchObject({ ok: true, text: "A " });
  });

  it("refuses broken UDHs rather than crashing", () => {
    const cases: Array<[string, RegExp]> = [
      ["", /empty/],
      ["05 0003 01 02", /runs past/], // UDHL 5, only 4 octets follow
      ["03 0003 01", /runs past UDHL/], // IE length 3 but UDHL leaves 1
      ["01 00", /no length octet/], // IEI without its length
      ["04 0002 0102", /has length 2/], // concatenation IE of the wrong size
      ["05 0803 010203", /has length 3/], // 16-bit concatenation IE of the wrong size
      ["03 2402 01", /runs past UDHL|has length/],
    ];
    for (const [header, detail] of cases) {
      const result = decodeShortMessage(hex(header), 0x00, true);
      expect(result, header).toMatchObject({ ok: false, reason: "broken_udh", detail: expect.stringMatching(detail) });
    }
  });

  it("parses an empty UDH (UDHL 0) as a one-octet header", () => {
    expect(parseUdh(bytes(0x00, 0x41))).toEqual({ ok: true, udh: { headerLength: 1 } });
    expect(decodeShortMessage(bytes(0x00, 0x41), 0x00, true)).toMatchObject({ ok: true, text: "A" });
  });

  it("survives every truncation of a valid UDH", () => {
    const message = Uint8Array.from([...hex("0b 0504 0b84 23f0 0003 07 02 01"), ...encodeText("Hi", 0x00)]);
    for (let length = 0; length <= message.length; length++) {
      const result = decodeShortMessage(message.subarray(0, length), 0x00, true);
      expect(result.ok).toBe(length >= 12);
    }
  });

  it("gives every failure reason a sentence", () => {
    for (const sentence of Object.values(TEXT_FAILURE_REASONS)) expect(sentence.length).toBeGreaterThan(10);
  });
});

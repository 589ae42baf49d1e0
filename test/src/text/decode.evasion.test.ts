import { describe, expect, it } from "vitest";
import { decodeShortMessage, encodeText } from "../../../src/text/index.ts";
import { bytes, hex } from "./fixtures.ts";

/** Ways a sender could make the gatekeeper read different text than the handset shows. */
describe("decodeShortMessage (evasion)", () => {
  it("does not mask data_coding with 0x0F: class bits keep their alphabet (node-smpp reads 0x19 as pictogram, 0x11 as IA5)", () => {
    const ucs2 = encodeText("【云端商城】", 0x08);
    expect(decodeShortMessage(ucs2, 0x19, false)).toMatchObject({ ok: true, text: "【云端商城】" });
    // GSM "ä" (0x7B) under 0x11 is GSM with class 1, not IA5 "{".
    expect(decodeShortMessage(bytes(0x7b), 0x11, false)).toMatchObject({ ok: true, text: "ä" });
    // 0xF4 is 8-bit data, not "binary 0x04 by luck"; 0xF6 (SIM data download) too.
    expect(decodeShortMessage(bytes(0x41), 0xf6, false)).toMatchObject({ ok: false, reason: "binary" });
  });

  it("refuses two concatenation IEs in one UDH (23.040 says last wins; an SMSC may take the first)", () => {
    const message = Uint8Array.from([...hex("0a 0003 01 02 01 0003 02 02 02"), 0x41]);
    expect(decodeShortMessage(message, 0x00, true)).toMatchObject({ ok: false, reason: "broken_udh", detail: expect.stringMatching(/more than one/) });
    const mixed = Uint8Array.from([...hex("0b 0003 01 02 01 0804 0001 02 02"), 0x41]);
    expect(decodeShortMessage(mixed, 0x00, true)).toMatchObject({ ok: false, reason: "broken_udh" });
  });

  it("refuses GSM 7-bit text under a national language shift table (the septets mean other letters)", () => {
    const turkishLocking = Uint8Array.from([...hex("03 2501 01"), 0x47, 0x7e]);
    expect(decodeShortMessage(turkishLocking, 0x00, true)).toMatchObject({ ok: false, reason: "national_language_shift" });
    const single = Uint8Array.from([...hex("03 2401 02"), 0x41]);
    expect(decodeShortMessage(single, 0xf1, true)).toMatchObject({ ok: false, reason: "national_language_shift" });
    // The IE is irrelevant to UCS2 text.
    expect(decodeShortMessage(Uint8Array.from([...hex("03 2401 02"), ...encodeText("好", 0x08)]), 0x08, true)).toMatchObject({ ok: true, text: "好" });
  });

  it("never returns replacement characters for bad input", () => {
    const inputs: Array<[Uint8Array, number]> = [
      [hex("d800"), 0x08],
      [bytes(0x81), 0x0f],
      [bytes(0x81, 0x20), 0x0f],
      [bytes(0xc8), 0x01],
    ];
    for (const [message, dataCoding] of inputs) {
      const result = decodeShortMessage(message, dataCoding, false);
      expect(result.ok).toBe(false);
    }
  });

  it("decodes text after the UDH only, so header octets never leak into the judged text", () => {
    // A header crafted so that, read as text, it would spell "R" (0x52) in IA5.
    const message = Uint8Array.from([...hex("03 7001 52"), ...new TextEncoder().encode("OK")]);
    expect(decodeShortMessage(message, 0x01, true)).toMatchObject({ ok: true, text: "OK" });
    expect(decodeShortMessage(message, 0x01, false)).toMatchObject({ ok: true, text: "\u0003p\u0001ROK" });
  });
});

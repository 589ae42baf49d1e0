import { describe, expect, it } from "vitest";
import { encodeText, extractMessageText } from "../../../src/text/index.ts";
import { hex } from "./fixtures.ts";

describe("extractMessageText (error and evasion)", () => {
  it("refuses short_message and message_payload both set: the SMSC might send the one not judged", () => {
    const result = extractMessageText({
      esmClass: 0,
      dataCoding: 0x08,
      shortMessage: encodeText("【云端商城】您的验证码1234", 0x08),
      messagePayload: encodeText("点击领取大奖 http://x.example", 0x08),
    });
    expect(result).toMatchObject({ ok: false, reason: "both_short_message_and_payload" });
  });

  it("refuses an empty message_payload TLV next to a short_message: an SMSC that prefers the TLV sends nothing judged", () => {
    const result = extractMessageText({ esmClass: 0, dataCoding: 0x00, shortMessage: encodeText("Hi", 0x00), messagePayload: new Uint8Array(0) });
    expect(result).toMatchObject({ ok: false, reason: "both_short_message_and_payload" });
  });

  it("refuses a NUL (U+0000) in UCS2 or Latin-1 text, but not GSM 7-bit 0x00, which is '@'", () => {
    expect(extractMessageText({ esmClass: 0, dataCoding: 0x08, shortMessage: Uint8Array.of(0x4e, 0x00, 0x00, 0x00, 0x4e, 0x01) })).toMatchObject({ ok: false, reason: "nul_in_text" });
    expect(extractMessageText({ esmClass: 0, dataCoding: 0x03, shortMessage: Uint8Array.of(0x41, 0x00, 0x42) })).toMatchObject({ ok: false, reason: "nul_in_text" });
    expect(extractMessageText({ esmClass: 0, dataCoding: 0x00, shortMessage: Uint8Array.of(0x41, 0x00, 0x42) })).toMatchObject({ ok: true, text: "A@B" });
  });

  it("refuses concatenation given both in the UDH and in sar_* TLVs, even when they agree", () => {
    const shortMessage = Uint8Array.from([...hex("050003 07 02 01"), ...encodeText("第一部分", 0x08)]);
    const result = extractMessageText({ esmClass: 0x40, dataCoding: 0x08, shortMessage, sar: { ref: 7, total: 2, seq: 1 } });
    expect(result).toMatchObject({ ok: false, reason: "conflicting_concatenation" });
  });

  it("refuses incomplete or out-of-range sar_* TLVs", () => {
    const shortMessage = encodeText("Hi", 0x00);
    for (const sar of [{ ref: 1, total: 2 }, { total: 2, seq: 1 }, { ref: 70000, total: 2, seq: 1 }, { ref: 1, total: 0, seq: 1 }, { ref: 1, total: 256, seq: 1 }, { ref: 1.5, total: 2, seq: 1 }]) {
      expect(extractMessageText({ esmClass: 0, dataCoding: 0, shortMessage, sar }), JSON.stringify(sar)).toMatchObject({ ok: false, reason: "invalid_sar" });
    }
    // An sar object with nothing in it is the same as no TLVs.
    expect(extractMessageText({ esmClass: 0, dataCoding: 0, shortMessage, sar: {} })).toMatchObject({ ok: true, text: "Hi" });
  });

  it("passes decode failures through with their reason", () => {
    expect(extractMessageText({ esmClass: 0x40, dataCoding: 0x08, shortMessage: hex("09 0003 01") })).toMatchObject({ ok: false, reason: "broken_udh" });
    expect(extractMessageText({ esmClass: 0, dataCoding: 0x04, shortMessage: hex("cafe") })).toMatchObject({ ok: false, reason: "binary" });
    expect(extractMessageText({ esmClass: 0, dataCoding: 0x08, shortMessage: hex("d83d") })).toMatchObject({ ok: false, reason: "invalid_encoding" });
  });

  it("looks only at the UDHI bit (0x40) of esm_class, whatever the other bits say", () => {
    const shortMessage = Uint8Array.from([...hex("050003 07 02 01"), 0x41]);
    // Without UDHI the header octets are text (as the handset would show them) and there is no concatenation.
    const plain = extractMessageText({ esmClass: 0x80 | 0x03, dataCoding: 0, shortMessage });
    expect(plain).toEqual({ ok: true, text: "é@¥ì$£A", alphabet: "gsm7", source: "short_message" });
    expect(extractMessageText({ esmClass: 0xc3, dataCoding: 0, shortMessage })).toMatchObject({ ok: true, text: "A", concat: { ref: 7 } });
  });
});

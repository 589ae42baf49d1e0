import { describe, expect, it } from "vitest";
import { encodeText, extractMessageText, splitForSubmit } from "../../../src/text/index.ts";
import { hex, MARKETING } from "./fixtures.ts";

describe("extractMessageText (happy)", () => {
  it("reads a single short_message without concatenation", () => {
    const result = extractMessageText({ esmClass: 0x03, dataCoding: 0x08, shortMessage: encodeText("【云端商城】验证码 8848", 0x08) });
    expect(result).toEqual({ ok: true, text: "【云端商城】验证码 8848", alphabet: "ucs2", source: "short_message" });
  });

  it("reads message_payload when short_message is empty", () => {
    const result = extractMessageText({ esmClass: 0, dataCoding: 0x08, shortMessage: new Uint8Array(0), messagePayload: encodeText(MARKETING, 0x08) });
    expect(result).toMatchObject({ ok: true, text: MARKETING, source: "message_payload" });
    expect(result.ok && result.concat).toBeFalsy();
  });

  it("takes concatenation from an 8-bit and a 16-bit UDH, labelling the reference space", () => {
    const [first] = splitForSubmit(MARKETING, 0x08, { udhRefBits: 8, ref: 0x42 });
    expect(extractMessageText({ esmClass: 0x40, dataCoding: 0x08, shortMessage: first!.shortMessage })).toMatchObject({
      ok: true,
      concat: { ref: 0x42, total: 3, seq: 1, keyPart: "udh8" },
    });
    const [, second] = splitForSubmit(MARKETING, 0x08, { udhRefBits: 16, ref: 0x4242 });
    expect(extractMessageText({ esmClass: 0x43, dataCoding: 0x18, shortMessage: second!.shortMessage })).toMatchObject({
      ok: true,
      messageClass: 0,
      concat: { ref: 0x4242, total: 3, seq: 2, keyPart: "udh16" },
    });
  });

  it("takes concatenation from sar_* TLVs", () => {
    const result = extractMessageText({
      esmClass: 0,
      dataCoding: 0x08,
      shortMessage: encodeText("拒收请回复R", 0x08),
      sar: { ref: 700, total: 3, seq: 3 },
    });
    expect(result).toMatchObject({ ok: true, text: "拒收请回复R", concat: { ref: 700, total: 3, seq: 3, keyPart: "sar" } });
  });

  it("reads a UDH carried in message_payload", () => {
    const payload = Uint8Array.from([...hex("050003 05 02 02"), ...encodeText("第二部分", 0x08)]);
    const result = extractMessageText({ esmClass: 0x40, dataCoding: 0x08, shortMessage: new Uint8Array(0), messagePayload: payload });
    expect(result).toMatchObject({ ok: true, text: "第二部分", source: "message_payload", concat: { ref: 5, total: 2, seq: 2 } });
  });

  it("passes the SMSC default alphabet option through", () => {
    const result = extractMessageText({ esmClass: 0, dataCoding: 0, shortMessage: Uint8Array.of(0x63, 0x61, 0x66, 0xe9) }, { smscDefaultAlphabet: "latin1" });
    expect(result).toMatchObject({ ok: true, text: "café", alphabet: "latin1" });
  });
});

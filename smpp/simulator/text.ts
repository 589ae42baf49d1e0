/**
 * Just enough text handling for the simulator to count messages by content and to build MO and
 * receipts: UCS-2 (data_coding 8) and single-octet codings, UDH stripped, message_payload honoured.
 * The proxy's full text decoding (GSM 7-bit, concatenation) lives elsewhere.
 */
import { latin1 } from "../wire/reader.ts";
import { messagePayload, type Tlv } from "../wire/tlv.ts";

export function messageText(shortMessage: Uint8Array, tlvs: readonly Tlv[], dataCoding: number, esmClass: number): string {
  let bytes = shortMessage.length > 0 ? shortMessage : (messagePayload(tlvs) ?? shortMessage);
  if ((esmClass & 0x40) !== 0 && bytes.length > 0) bytes = bytes.subarray(Math.min(bytes.length, bytes[0]! + 1));
  if ((dataCoding & 0x0f) === 0x08 || dataCoding === 0x18) return ucs2Decode(bytes);
  return latin1(bytes, 0, bytes.length);
}

export function ucs2Decode(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) text += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  return text;
}

export function ucs2Encode(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    bytes[i * 2] = text.charCodeAt(i) >> 8;
    bytes[i * 2 + 1] = text.charCodeAt(i) & 0xff;
  }
  return bytes;
}

/** ASCII text as data_coding 0, anything else as UCS-2 (data_coding 8). */
export function encodeText(text: string, dataCoding?: number): { dataCoding: number; bytes: Uint8Array } {
  const coding = dataCoding ?? (/^[\x00-\x7f]*$/.test(text) ? 0 : 8);
  if (coding === 8) return { dataCoding: 8, bytes: ucs2Encode(text) };
  return { dataCoding: coding, bytes: Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff) };
}

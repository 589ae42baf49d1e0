import { CommandId, HEADER_LENGTH } from "../wire/commands.ts";
import { writeUint32 } from "../wire/framer.ts";
import { TlvTag } from "../wire/tlv.ts";
import { translateMessageId } from "../../src/gateway/message-id.ts";

const RECEIPT_TEXT_ID = /\bid:([0-9A-Za-z_-]{1,65})/;

/**
 * A receipt for one destination of a submit_multi carries the id the SMSC issued for that
 * destination; the SP was given one id for the whole submit_multi. This rewrites the receipt to
 * carry the SP's id, in the receipted_message_id TLV and in the text's `id:` field (in
 * short_message or message_payload), each in the form the SMSC used (see translateMessageId).
 * Every other octet is copied as received; command_length, sm_length and the TLV lengths are
 * recomputed. The frame must already have decoded as a valid deliver_sm or data_sm.
 */
export function rewriteReceiptId(frame: Uint8Array, smscId: string, spId: string): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const commandId = view.getUint32(4);
  const length = Math.min(view.getUint32(0), frame.length);
  let offset = HEADER_LENGTH;
  const cstring = () => {
    const end = frame.indexOf(0, offset);
    offset = (end < 0 ? length : end) + 1;
  };
  // Mandatory fields up to the message (or up to the TLVs for data_sm).
  cstring(); // service_type
  offset += 2;
  cstring(); // source_addr
  offset += 2;
  cstring(); // destination_addr
  const parts: Uint8Array[] = [];
  let tlvStart: number;
  if (commandId === CommandId.deliver_sm) {
    offset += 3; // esm_class, protocol_id, priority_flag
    cstring(); // schedule_delivery_time
    cstring(); // validity_period
    offset += 4; // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
    const smLength = frame[offset]!;
    parts.push(frame.subarray(HEADER_LENGTH, offset));
    const shortMessage = frame.subarray(offset + 1, offset + 1 + smLength);
    let rewritten = rewriteText(shortMessage, smscId, spId);
    if (rewritten.length > 254) rewritten = shortMessage;
    parts.push(Uint8Array.of(rewritten.length), rewritten);
    tlvStart = offset + 1 + smLength;
  } else if (commandId === CommandId.data_sm) {
    offset += 3; // esm_class, registered_delivery, data_coding
    parts.push(frame.subarray(HEADER_LENGTH, offset));
    tlvStart = offset;
  } else {
    return frame;
  }
  for (let at = tlvStart; at + 4 <= length; ) {
    const tag = (frame[at]! << 8) | frame[at + 1]!;
    const size = (frame[at + 2]! << 8) | frame[at + 3]!;
    const value = frame.subarray(at + 4, at + 4 + size);
    let replaced: Uint8Array | undefined;
    if (tag === TlvTag.receipted_message_id) {
      let end = value.indexOf(0);
      if (end < 0) end = value.length;
      const shown = Buffer.from(value.subarray(0, end)).toString("latin1");
      replaced = Buffer.from(`${translateMessageId(shown, smscId, spId)}\0`, "latin1");
    } else if (tag === TlvTag.message_payload) {
      replaced = rewriteText(value, smscId, spId);
    }
    if (replaced && replaced.length <= 0xffff) parts.push(Uint8Array.of(tag >>> 8, tag & 0xff, replaced.length >>> 8, replaced.length & 0xff), replaced);
    else parts.push(frame.subarray(at, at + 4 + size));
    at += 4 + size;
  }
  const total = HEADER_LENGTH + parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  out.set(frame.subarray(0, HEADER_LENGTH), 0);
  writeUint32(out, 0, total);
  let at = HEADER_LENGTH;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The receipt text with its `id:` field rewritten; the same octets when there is none. */
function rewriteText(octets: Uint8Array, smscId: string, spId: string): Uint8Array {
  const text = Buffer.from(octets).toString("latin1");
  const match = RECEIPT_TEXT_ID.exec(text);
  if (!match) return octets;
  const start = match.index + 3;
  const replaced = text.slice(0, start) + translateMessageId(match[1]!, smscId, spId) + text.slice(start + match[1]!.length);
  return new Uint8Array(Buffer.from(replaced, "latin1"));
}

/**
 * One submit_sm / data_sm / submit_multi → its text and where it sits in a concatenated message.
 * The caller hands in raw octets and the already-parsed TLV values; nothing here touches a PDU.
 */
import { decodeShortMessage, type DecodeOptions, type ResolvedAlphabet } from "./decode.ts";
import type { TextFailureReason } from "./reasons.ts";
import { ESM_CLASS_UDHI } from "./udh.ts";

export interface MessageFields {
  esmClass: number;
  dataCoding: number;
  shortMessage: Uint8Array;
  /** The message_payload TLV (0x0424), when present. */
  messagePayload?: Uint8Array;
  /** sar_msg_ref_num (0x020C), sar_total_segments (0x020E), sar_segment_seqnum (0x020F), as parsed. */
  sar?: { ref?: number; total?: number; seq?: number };
}

export interface MessageConcat {
  ref: number;
  total: number;
  seq: number;
  /**
   * The reference space: "udh8", "udh16" or "sar". Append it to the reassembly key
   * (accountId|source|dest|keyPart) so an 8-bit ref 7 and a sar ref 7 never join one set; parts
   * that a peer splits across spaces then never complete and are refused at expiry (fail closed).
   */
  keyPart: "udh8" | "udh16" | "sar";
}

export type MessageTextResult =
  | {
      ok: true;
      text: string;
      alphabet: ResolvedAlphabet;
      messageClass?: 0 | 1 | 2 | 3;
      /** Which field carried the text. */
      source: "short_message" | "message_payload";
      concat?: MessageConcat;
    }
  | { ok: false; reason: TextFailureReason; detail: string };

type SarResult = { ok: true; concat?: MessageConcat } | { ok: false; detail: string };

function isOctet(value: number, min: number): boolean {
  return Number.isInteger(value) && value >= min && value <= 0xff;
}

function readSar(sar: MessageFields["sar"]): SarResult {
  if (!sar || (sar.ref === undefined && sar.total === undefined && sar.seq === undefined)) return { ok: true };
  const { ref, total, seq } = sar;
  if (ref === undefined || total === undefined || seq === undefined) {
    return { ok: false, detail: "sar_msg_ref_num, sar_total_segments and sar_segment_seqnum must come together" };
  }
  // Field widths from SMPP 3.4 §5.3.2.22–24. seq > total is left to the reassembler, which
  // refuses the whole set, exactly as for a UDH that says the same.
  if (!Number.isInteger(ref) || ref < 0 || ref > 0xffff || !isOctet(total, 1) || !isOctet(seq, 1)) {
    return { ok: false, detail: `sar values out of range (ref ${ref}, total ${total}, seq ${seq})` };
  }
  return { ok: true, concat: { ref, total, seq, keyPart: "sar" } };
}

/**
 * Decide which field carries the text, decode it, and find the concatenation info.
 *
 * Decisions (all fail closed, because two readings of one PDU let a message past the filter):
 * - short_message non-empty and a message_payload TLV present (even empty): refused (SMPP 3.4
 *   forbids using both, and the SMSC might send the one we did not judge).
 * - a NUL (U+0000) in the decoded text: refused (C-string code downstream may cut the text there).
 * - concatenation in both the UDH and sar_* TLVs: refused, even when they agree.
 * - sar_* TLVs only partly present or out of range: refused.
 */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function extractMessageText(fields: MessageFields, options?: DecodeOptions): MessageTextResult {
  const payload = fields.messagePayload;
  const usePayload = payload !== undefined && payload.length > 0;
  // A message_payload TLV, even an empty one, beside a non-empty short_message: which one the
  // SMSC sends is up to it (some take the TLV whenever it is present), so both readings exist.
  if (payload !== undefined && fields.shortMessage.length > 0) {
    return { ok: false, reason: "both_short_message_and_payload", detail: "sm_length must be 0 when message_payload is present" };
  }
  const source = usePayload ? "message_payload" : "short_message";
  const decoded = decodeShortMessage(usePayload ? payload : fields.shortMessage, fields.dataCoding, (fields.esmClass & ESM_CLASS_UDHI) !== 0, options);
  if (!decoded.ok) return { ok: false, reason: decoded.reason, detail: decoded.detail };

  if (decoded.udh?.simToolkit) return { ok: false, reason: "sim_toolkit", detail: "the UDH carries a (U)SIM Toolkit security header (IEI 0x70–0x7F)" };

  const sar = readSar(fields.sar);
  if (!sar.ok) return { ok: false, reason: "invalid_sar", detail: sar.detail };
  const udhConcat = decoded.udh?.concat;
  if (udhConcat && sar.concat) {
    return { ok: false, reason: "conflicting_concatenation", detail: "both a concatenation IE and sar_* TLVs are present" };
  }
  const concat: MessageConcat | undefined = udhConcat
    ? { ref: udhConcat.ref, total: udhConcat.total, seq: udhConcat.seq, keyPart: udhConcat.refBits === 8 ? "udh8" : "udh16" }
    : sar.concat;

  // U+0000 in the text (Latin-1/IA5 0x00, UCS2 0x0000; GSM 7-bit 0x00 is '@'): code that treats
  // the text as a C string stops there, so the handset could get less than what was judged.
  if (decoded.text.includes("\u0000")) return { ok: false, reason: "nul_in_text", detail: "the text holds U+0000" };
  // Bidirectional embeddings, overrides, isolates and marks: the handset draws the text in
  // another order than the one judged ("】行银河星【" shows as another firm's 【星河银行】).
  if (BIDI_CONTROL.test(decoded.text)) return { ok: false, reason: "bidi_control", detail: "the text holds a bidirectional control character" };
  // UCS2 is big-endian in SMS, but FF FE is a little-endian byte-order mark: a handset or gateway
  // honouring it would swap every pair and show text nobody judged. U+FFFE is a noncharacter.
  if (decoded.alphabet === "ucs2" && decoded.text.includes("\ufffe")) {
    return { ok: false, reason: "reversed_byte_order", detail: "the UCS2 text holds U+FFFE" };
  }

  const result: MessageTextResult = { ok: true, text: decoded.text, alphabet: decoded.alphabet, source };
  if (decoded.messageClass !== undefined) result.messageClass = decoded.messageClass;
  if (concat) result.concat = concat;
  return result;
}

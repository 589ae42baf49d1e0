/**
 * Optional parameters (TLVs). Every TLV is kept raw, in order, unknown and vendor tags included,
 * so nothing an ESME sent is lost; known tags get typed accessors and a length check at decode.
 */
import { CommandStatus } from "./commands.ts";
import { BodyReader, latin1 } from "./reader.ts";

export interface Tlv {
  readonly tag: number;
  /** A view into the received frame (zero-copy); copy it if you keep it beyond the frame. */
  readonly value: Uint8Array;
}

export const TlvTag = {
  dest_addr_subunit: 0x0005,
  source_addr_subunit: 0x000d,
  payload_type: 0x0019,
  receipted_message_id: 0x001e,
  user_message_reference: 0x0204,
  source_port: 0x020a,
  destination_port: 0x020b,
  sar_msg_ref_num: 0x020c,
  language_indicator: 0x020d,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  callback_num_pres_ind: 0x0302,
  callback_num_atag: 0x0303,
  callback_num: 0x0381,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  delivery_failure_reason: 0x0425,
  more_messages_to_send: 0x0426,
  message_state: 0x0427,
} as const;

/** Fixed lengths of the known integer TLVs; a mismatch is ESME_RINVTLVLEN. */
const fixedLengths = new Map<number, number>([
  [TlvTag.dest_addr_subunit, 1],
  [TlvTag.source_addr_subunit, 1],
  [TlvTag.payload_type, 1],
  [TlvTag.user_message_reference, 2],
  [TlvTag.source_port, 2],
  [TlvTag.destination_port, 2],
  [TlvTag.sar_msg_ref_num, 2],
  [TlvTag.language_indicator, 1],
  [TlvTag.sar_total_segments, 1],
  [TlvTag.sar_segment_seqnum, 1],
  [TlvTag.sc_interface_version, 1],
  [TlvTag.network_error_code, 3],
  [TlvTag.delivery_failure_reason, 1],
  [TlvTag.more_messages_to_send, 1],
  [TlvTag.message_state, 1],
]);

/** receipted_message_id is a C-octet string of at most 65 octets. */
const RECEIPTED_MESSAGE_ID_MAX = 65;

const NO_TLVS: readonly Tlv[] = Object.freeze([]);

/** Reads TLVs until the end of the body. Failures latch on the reader (see BodyReader). */
export function readTlvs(reader: BodyReader): readonly Tlv[] {
  if (reader.remaining === 0) return NO_TLVS;
  const tlvs: Tlv[] = [];
  const bytes = reader.bytes;
  while (reader.remaining > 0 && !reader.failed) {
    if (reader.remaining < 4) {
      reader.fail(CommandStatus.ESME_RINVTLVSTREAM, `${reader.remaining} stray octets where a TLV header was expected`);
      break;
    }
    const o = reader.offset;
    const tag = (bytes[o]! << 8) | bytes[o + 1]!;
    const length = (bytes[o + 2]! << 8) | bytes[o + 3]!;
    reader.offset = o + 4;
    const fixed = fixedLengths.get(tag);
    if (fixed !== undefined && fixed !== length) {
      reader.fail(CommandStatus.ESME_RINVTLVLEN, `TLV 0x${hex4(tag)} must be ${fixed} octets, not ${length}`);
      break;
    }
    if (tag === TlvTag.receipted_message_id && length > RECEIPTED_MESSAGE_ID_MAX) {
      reader.fail(CommandStatus.ESME_RINVTLVLEN, `receipted_message_id is longer than ${RECEIPTED_MESSAGE_ID_MAX} octets`);
      break;
    }
    const value = reader.octets(`TLV 0x${hex4(tag)}`, length, CommandStatus.ESME_RINVTLVLEN);
    tlvs.push({ tag, value });
  }
  return tlvs;
}

function hex4(tag: number): string {
  return tag.toString(16).padStart(4, "0");
}

/**
 * The only optional parameters SMPP 3.4 lets a submit_sm, data_sm or submit_multi carry more than
 * once: callback_num (§5.3.2.36, "can be included a number of times for multiple call-back
 * addresses") and the two that pair with it instance by instance, callback_num_pres_ind and
 * callback_num_atag. Every other one is single-valued.
 */
export const REPEATABLE_TLV_TAGS: ReadonlySet<number> = new Set([TlvTag.callback_num, TlvTag.callback_num_pres_ind, TlvTag.callback_num_atag]);

/**
 * The first single-valued tag that appears more than once, or undefined. A repeat has two
 * readings (first or last wins, depending on the implementation: we judged the first
 * message_payload, node-smpp and some SMSCs keep the last), so the proxy refuses it. Unknown and
 * vendor tags count as single-valued: we cannot know how the SMSC reads a second copy.
 */
export function repeatedTlvTag(tlvs: readonly Tlv[]): number | undefined {
  if (tlvs.length < 2) return undefined;
  const seen = new Set<number>();
  for (const { tag } of tlvs) {
    if (seen.has(tag) && !REPEATABLE_TLV_TAGS.has(tag)) return tag;
    seen.add(tag);
  }
  return undefined;
}

export function findTlv(tlvs: readonly Tlv[], tag: number): Uint8Array | undefined {
  for (let i = 0; i < tlvs.length; i++) if (tlvs[i]!.tag === tag) return tlvs[i]!.value;
  return undefined;
}

function uint(value: Uint8Array | undefined): number | undefined {
  if (value === undefined) return undefined;
  let n = 0;
  for (let i = 0; i < value.length; i++) n = n * 256 + value[i]!;
  return n;
}

/** An integer TLV's value (big-endian), or undefined when absent; lengths were checked when decoding. */
export const tlvUintValue = (tlvs: readonly Tlv[], tag: number) => uint(findTlv(tlvs, tag));

export const messagePayload = (tlvs: readonly Tlv[]) => findTlv(tlvs, TlvTag.message_payload);
export const messageState = (tlvs: readonly Tlv[]) => uint(findTlv(tlvs, TlvTag.message_state));
export const userMessageReference = (tlvs: readonly Tlv[]) => uint(findTlv(tlvs, TlvTag.user_message_reference));
export const sourcePort = (tlvs: readonly Tlv[]) => uint(findTlv(tlvs, TlvTag.source_port));

/** receipted_message_id without its NUL terminator (tolerates senders that omit it). */
export function receiptedMessageId(tlvs: readonly Tlv[]): string | undefined {
  const value = findTlv(tlvs, TlvTag.receipted_message_id);
  if (value === undefined) return undefined;
  let end = value.indexOf(0);
  if (end < 0) end = value.length;
  return latin1(value, 0, end);
}

/** network_error_code: 1 octet network type (1 ANSI-136, 2 IS-95, 3 GSM) then a 2-octet code. */
export function networkErrorCode(tlvs: readonly Tlv[]): { networkType: number; errorCode: number } | undefined {
  const value = findTlv(tlvs, TlvTag.network_error_code);
  if (value === undefined || value.length !== 3) return undefined;
  return { networkType: value[0]!, errorCode: (value[1]! << 8) | value[2]! };
}

/** SAR concatenation info when all three SAR TLVs are present. */
export function sarInfo(tlvs: readonly Tlv[]): { refNum: number; totalSegments: number; segmentSeqnum: number } | undefined {
  const refNum = uint(findTlv(tlvs, TlvTag.sar_msg_ref_num));
  const totalSegments = uint(findTlv(tlvs, TlvTag.sar_total_segments));
  const segmentSeqnum = uint(findTlv(tlvs, TlvTag.sar_segment_seqnum));
  if (refNum === undefined || totalSegments === undefined || segmentSeqnum === undefined) return undefined;
  return { refNum, totalSegments, segmentSeqnum };
}

/** Builders for the TLVs we originate (receipts from the simulator, bind_resp). */
export function tlvUint(tag: number, size: 1 | 2 | 4, value: number): Tlv {
  const bytes = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    bytes[i] = value & 0xff;
    value = Math.floor(value / 256);
  }
  return { tag, value: bytes };
}

export function tlvCString(tag: number, text: string): Tlv {
  const bytes = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return { tag, value: bytes };
}

export function tlvBytes(tag: number, value: Uint8Array): Tlv {
  return { tag, value };
}

/** An adapter's OutboundPart (src/gateway/outbound.ts) as the submit_sm the upstream pool sends. */
import type { OutboundPart } from "../../src/gateway/outbound.ts";
import { encodeSubmitSm } from "../wire/encode.ts";
import { TlvTag, type Tlv } from "../wire/tlv.ts";

/**
 * source_addr and destination_addr with TON/NPI 0 (unknown: the numbers as the SP wrote them),
 * esm_class 0x40 when the content starts with a UDH, data_coding as given (0, 8 or 15), the content
 * byte for byte in short_message, registered_delivery 1 or 0, and for a part of a long message
 * without a UDH the three sar_* TLVs.
 */
export function encodeOutboundPart(part: OutboundPart): Uint8Array {
  const tlvs: Tlv[] = [];
  if (part.segment) {
    tlvs.push(
      { tag: TlvTag.sar_msg_ref_num, value: Uint8Array.of(part.segment.ref >>> 8, part.segment.ref & 0xff) },
      { tag: TlvTag.sar_total_segments, value: Uint8Array.of(part.segment.total) },
      { tag: TlvTag.sar_segment_seqnum, value: Uint8Array.of(part.segment.seq) },
    );
  }
  return encodeSubmitSm(0, {
    sourceAddr: part.source,
    destinationAddr: part.destination,
    esmClass: part.udhi ? 0x40 : 0,
    protocolId: part.protocolId,
    dataCoding: part.dataCoding,
    registeredDelivery: part.registeredDelivery ? 1 : 0,
    shortMessage: part.content,
    tlvs,
  });
}

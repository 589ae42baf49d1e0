/**
 * Encoders for every response we give and every request we originate, plus rewriteSequence for
 * forwarding a received PDU unchanged. Sizes are computed up front so each PDU is one allocation.
 *
 * Error responses that carry a message_id (submit_sm_resp, data_sm_resp, deliver_sm_resp,
 * submit_multi_resp) are sent with an empty message_id rather than header-only: decoders that
 * expect the body break on a header-only PDU, while those that expect header-only just read "".
 * bind_*_resp errors are header-only, as SMPP 3.4 says.
 */
import { CommandId, HEADER_LENGTH, responseIdFor } from "./commands.ts";
import { writeUint32 } from "./framer.ts";
import type { BindMode, DestinationAddress, ShortMessageBody, DataSmBody, UnsuccessSme } from "./pdu.ts";
import { TlvTag, type Tlv } from "./tlv.ts";

class PduWriter {
  readonly bytes: Uint8Array;
  offset = HEADER_LENGTH;

  constructor(length: number, commandId: number, status: number, sequence: number) {
    this.bytes = new Uint8Array(length);
    writeUint32(this.bytes, 0, length);
    writeUint32(this.bytes, 4, commandId);
    writeUint32(this.bytes, 8, status);
    writeUint32(this.bytes, 12, sequence);
  }
  u8(value: number): void {
    this.bytes[this.offset++] = value & 0xff;
  }
  u32(value: number): void {
    writeUint32(this.bytes, this.offset, value >>> 0);
    this.offset += 4;
  }
  /** C-octet string: SMPP strings are ASCII; each char is written as one octet (latin1). */
  cstring(text: string): void {
    for (let i = 0; i < text.length; i++) this.bytes[this.offset++] = text.charCodeAt(i) & 0xff;
    this.bytes[this.offset++] = 0;
  }
  octets(value: Uint8Array): void {
    this.bytes.set(value, this.offset);
    this.offset += value.length;
  }
  tlvs(list: readonly Tlv[]): void {
    for (const tlv of list) {
      this.bytes[this.offset++] = tlv.tag >>> 8;
      this.bytes[this.offset++] = tlv.tag & 0xff;
      this.bytes[this.offset++] = tlv.value.length >>> 8;
      this.bytes[this.offset++] = tlv.value.length & 0xff;
      this.octets(tlv.value);
    }
  }
}

const tlvsLength = (list: readonly Tlv[] | undefined) => {
  let total = 0;
  if (list) for (const tlv of list) total += 4 + tlv.value.length;
  return total;
};

export function encodeHeaderOnly(commandId: number, status: number, sequence: number): Uint8Array {
  return new PduWriter(HEADER_LENGTH, commandId, status, sequence).bytes;
}

export const encodeEnquireLink = (sequence: number) => encodeHeaderOnly(CommandId.enquire_link, 0, sequence);
export const encodeEnquireLinkResp = (sequence: number) => encodeHeaderOnly(CommandId.enquire_link_resp, 0, sequence);
export const encodeUnbind = (sequence: number) => encodeHeaderOnly(CommandId.unbind, 0, sequence);
export const encodeUnbindResp = (sequence: number, status = 0) => encodeHeaderOnly(CommandId.unbind_resp, status, sequence);
export const encodeGenericNack = (sequence: number, status: number) => encodeHeaderOnly(CommandId.generic_nack, status, sequence);

export const bindCommandIds: Record<BindMode, number> = {
  transmitter: CommandId.bind_transmitter,
  receiver: CommandId.bind_receiver,
  transceiver: CommandId.bind_transceiver,
};

export interface BindFields {
  systemId: string;
  password: string;
  systemType?: string;
  /** 0x34 for SMPP 3.4. */
  interfaceVersion?: number;
  addrTon?: number;
  addrNpi?: number;
  addressRange?: string;
}

export function encodeBind(mode: BindMode, sequence: number, fields: BindFields): Uint8Array {
  const systemType = fields.systemType ?? "";
  const addressRange = fields.addressRange ?? "";
  const length = HEADER_LENGTH + fields.systemId.length + fields.password.length + systemType.length + addressRange.length + 7;
  const w = new PduWriter(length, bindCommandIds[mode], 0, sequence);
  w.cstring(fields.systemId);
  w.cstring(fields.password);
  w.cstring(systemType);
  w.u8(fields.interfaceVersion ?? 0x34);
  w.u8(fields.addrTon ?? 0);
  w.u8(fields.addrNpi ?? 0);
  w.cstring(addressRange);
  return w.bytes;
}

/** bind_*_resp. On success it carries system_id and sc_interface_version 0x34. */
export function encodeBindResp(bindCommandId: number, sequence: number, status: number, systemId: string): Uint8Array {
  const commandId = responseIdFor(bindCommandId);
  if (status !== 0) return encodeHeaderOnly(commandId, status, sequence);
  const w = new PduWriter(HEADER_LENGTH + systemId.length + 1 + 5, commandId, 0, sequence);
  w.cstring(systemId);
  w.tlvs([{ tag: TlvTag.sc_interface_version, value: SC_INTERFACE_VERSION_34 }]);
  return w.bytes;
}
const SC_INTERFACE_VERSION_34 = new Uint8Array([0x34]);

/** submit_sm_resp / data_sm_resp / deliver_sm_resp (pass the request's command id). */
export function encodeMessageIdResp(requestCommandId: number, sequence: number, status: number, messageId = ""): Uint8Array {
  const w = new PduWriter(HEADER_LENGTH + messageId.length + 1, responseIdFor(requestCommandId), status, sequence);
  w.cstring(messageId);
  return w.bytes;
}

export function encodeSubmitMultiResp(sequence: number, status: number, messageId: string, unsuccess: readonly UnsuccessSme[] = []): Uint8Array {
  let length = HEADER_LENGTH + messageId.length + 2;
  for (const sme of unsuccess) length += 2 + sme.address.length + 1 + 4;
  const w = new PduWriter(length, CommandId.submit_multi_resp, status, sequence);
  w.cstring(messageId);
  w.u8(unsuccess.length);
  for (const sme of unsuccess) {
    w.u8(sme.ton);
    w.u8(sme.npi);
    w.cstring(sme.address);
    w.u32(sme.errorStatusCode);
  }
  return w.bytes;
}

/**
 * The refusal a request gets when it is not allowed or cannot be decoded: the command's own
 * response with `status` (see the note at the top on message_id bodies), or generic_nack for
 * a command id we do not know.
 */
export function encodeErrorResponse(requestCommandId: number, sequence: number, status: number): Uint8Array {
  switch (requestCommandId) {
    case CommandId.submit_sm:
    case CommandId.data_sm:
    case CommandId.deliver_sm:
      return encodeMessageIdResp(requestCommandId, sequence, status);
    case CommandId.submit_multi:
      return encodeSubmitMultiResp(sequence, status, "");
    case CommandId.bind_transmitter:
    case CommandId.bind_receiver:
    case CommandId.bind_transceiver:
    case CommandId.query_sm:
    case CommandId.cancel_sm:
    case CommandId.replace_sm:
    case CommandId.enquire_link:
    case CommandId.unbind:
      return encodeHeaderOnly(responseIdFor(requestCommandId), status, sequence);
    default:
      return encodeGenericNack(sequence, status);
  }
}

/** Fields for submit_sm / deliver_sm; everything but the destination has a neutral default. */
export type ShortMessageFields = Partial<ShortMessageBody> & { destinationAddr: string };

export function encodeShortMessage(commandId: number, sequence: number, f: ShortMessageFields): Uint8Array {
  const { serviceType, sourceAddr, schedule, validity, message } = messageDefaults(f);
  if (message.length > 254) throw new RangeError("short_message is limited to 254 octets; use message_payload");
  const length = HEADER_LENGTH + serviceType.length + sourceAddr.length + f.destinationAddr.length + schedule.length +
    validity.length + 5 + 12 + message.length + tlvsLength(f.tlvs);
  const w = new PduWriter(length, commandId, 0, sequence);
  writeServiceAndSource(w, serviceType, f, sourceAddr);
  writeDestination(w, f);
  writeMessageFields(w, f, schedule, validity, message);
  return w.bytes;
}
const EMPTY = new Uint8Array(0);

export const encodeSubmitSm = (sequence: number, f: ShortMessageFields) => encodeShortMessage(CommandId.submit_sm, sequence, f);
export const encodeDeliverSm = (sequence: number, f: ShortMessageFields) => encodeShortMessage(CommandId.deliver_sm, sequence, f);

export type DataSmFields = Partial<DataSmBody> & { destinationAddr: string };

export function encodeDataSm(sequence: number, f: DataSmFields): Uint8Array {
  const serviceType = f.serviceType ?? "";
  const sourceAddr = f.sourceAddr ?? "";
  const length = HEADER_LENGTH + serviceType.length + sourceAddr.length + f.destinationAddr.length + 3 + 7 + tlvsLength(f.tlvs);
  const w = new PduWriter(length, CommandId.data_sm, 0, sequence);
  writeServiceAndSource(w, serviceType, f, sourceAddr);
  writeDestination(w, f);
  w.u8(f.esmClass ?? 0);
  w.u8(f.registeredDelivery ?? 0);
  w.u8(f.dataCoding ?? 0);
  if (f.tlvs) w.tlvs(f.tlvs);
  return w.bytes;
}

export type SubmitMultiFields = Omit<ShortMessageFields, "destinationAddr" | "destAddrTon" | "destAddrNpi"> & {
  destinations: readonly DestinationAddress[];
};

export function encodeSubmitMulti(sequence: number, f: SubmitMultiFields): Uint8Array {
  const { serviceType, sourceAddr, schedule, validity, message } = messageDefaults(f);
  let destinationsLength = 1;
  for (const d of f.destinations) destinationsLength += d.kind === "sme" ? 4 + d.address.length : 2 + d.name.length;
  const length = HEADER_LENGTH + serviceType.length + sourceAddr.length + schedule.length + validity.length + 4 + 2 +
    destinationsLength + 8 + message.length + tlvsLength(f.tlvs);
  const w = new PduWriter(length, CommandId.submit_multi, 0, sequence);
  writeServiceAndSource(w, serviceType, f, sourceAddr);
  w.u8(f.destinations.length);
  for (const d of f.destinations) {
    if (d.kind === "sme") {
      w.u8(1);
      w.u8(d.ton);
      w.u8(d.npi);
      w.cstring(d.address);
    } else {
      w.u8(2);
      w.cstring(d.name);
    }
  }
  writeMessageFields(w, f, schedule, validity, message);
  return w.bytes;
}

/** The text fields' defaults (empty) and an empty short_message, shared by the message-carrying PDUs. */
function messageDefaults(f: Omit<Partial<ShortMessageBody>, "destinationAddr" | "destAddrTon" | "destAddrNpi">) {
  return {
    serviceType: f.serviceType ?? "",
    sourceAddr: f.sourceAddr ?? "",
    schedule: f.scheduleDeliveryTime ?? "",
    validity: f.validityPeriod ?? "",
    message: f.shortMessage ?? EMPTY,
  };
}

/** dest_addr_ton, dest_addr_npi and destination_addr of a single-destination PDU. */
function writeDestination(w: PduWriter, f: { destAddrTon?: number; destAddrNpi?: number; destinationAddr: string }): void {
  w.u8(f.destAddrTon ?? 0);
  w.u8(f.destAddrNpi ?? 0);
  w.cstring(f.destinationAddr);
}

type SourceFields = { sourceAddrTon?: number; sourceAddrNpi?: number };
type MessageFields = Pick<ShortMessageFields, "esmClass" | "protocolId" | "priorityFlag" | "registeredDelivery" | "replaceIfPresentFlag" | "dataCoding" | "smDefaultMsgId" | "tlvs">;

/** service_type and the source address: how submit_sm, deliver_sm, data_sm and submit_multi begin. */
function writeServiceAndSource(w: PduWriter, serviceType: string, f: SourceFields, sourceAddr: string): void {
  w.cstring(serviceType);
  w.u8(f.sourceAddrTon ?? 0);
  w.u8(f.sourceAddrNpi ?? 0);
  w.cstring(sourceAddr);
}

/** esm_class … short_message and the TLVs: what submit_sm, deliver_sm and submit_multi share after the addresses. */
function writeMessageFields(w: PduWriter, f: MessageFields, schedule: string, validity: string, message: Uint8Array): void {
  w.u8(f.esmClass ?? 0);
  w.u8(f.protocolId ?? 0);
  w.u8(f.priorityFlag ?? 0);
  w.cstring(schedule);
  w.cstring(validity);
  w.u8(f.registeredDelivery ?? 0);
  w.u8(f.replaceIfPresentFlag ?? 0);
  w.u8(f.dataCoding ?? 0);
  w.u8(f.smDefaultMsgId ?? 0);
  w.u8(message.length);
  w.octets(message);
  if (f.tlvs) w.tlvs(f.tlvs);
}

/** Writes a sequence number into a frame in place (the frame must be one you own). */
export function setSequence(frame: Uint8Array, sequence: number): void {
  writeUint32(frame, 12, sequence);
}

/**
 * A copy of a received PDU with a new sequence_number: forwards a submit upstream byte for byte
 * (vendor TLVs included) without decoding and re-encoding it.
 */
export function rewriteSequence(frame: Uint8Array, sequence: number): Uint8Array {
  const copy = new Uint8Array(frame.length);
  copy.set(frame);
  writeUint32(copy, 12, sequence);
  return copy;
}

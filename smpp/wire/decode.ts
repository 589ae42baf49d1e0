/**
 * PDU decoding. Never throws: a bad body yields {ok:false, status, message} with the status the
 * peer should get in the command's response (or a generic_nack for unknown ids).
 */
import { CommandId, CommandStatus as S, HEADER_LENGTH, commandName, isResponse } from "./commands.ts";
import { readUint32 } from "./framer.ts";
import type {
  BindBody, DataSmBody, DecodeResult, DestinationAddress, MessageIdRespBody, Pdu, PduHeader, ShortMessageBody,
  SubmitMultiBody, UnsuccessSme,
} from "./pdu.ts";
import { BodyReader, EMPTY } from "./reader.ts";
import { readTlvs } from "./tlv.ts";

/** SMPP 3.4 maximum sizes of C-octet strings, NUL included (section 5.2). */
export const FieldMax = {
  systemId: 16,
  password: 9,
  systemType: 13,
  addressRange: 41,
  serviceType: 6,
  address: 21,
  esmeAddress: 65,
  time: 17,
  messageId: 65,
  distributionListName: 21,
} as const;

/** Header of a complete frame (the framer guarantees at least 16 bytes). */
export function decodeHeader(frame: Uint8Array): PduHeader {
  return {
    commandLength: readUint32(frame, 0),
    commandId: readUint32(frame, 4),
    commandStatus: readUint32(frame, 8),
    sequenceNumber: readUint32(frame, 12),
  };
}

const EMPTY_BODY = Object.freeze({}) as Record<string, never>;

export function decodePdu(frame: Uint8Array): DecodeResult {
  const header = decodeHeader(frame);
  if (frame.length < HEADER_LENGTH || header.commandLength !== frame.length) {
    return { ok: false, status: S.ESME_RINVCMDLEN, message: "command_length does not match the frame", header };
  }
  const command = commandName(header.commandId);
  if (command === undefined) {
    return { ok: false, status: S.ESME_RINVCMDID, message: `unknown command_id 0x${header.commandId.toString(16)}`, header };
  }
  const r = new BodyReader(frame, HEADER_LENGTH, frame.length);
  const body = readBody(r, header.commandId, command);
  if (!r.failed && r.remaining > 0) {
    r.fail(S.ESME_RINVCMDLEN, `${r.remaining} octets after the end of the ${command} body`);
  }
  if (r.failed) return { ok: false, status: r.status, message: `${command}: ${r.message}`, header };
  const pdu = header as PduHeader & { command: string; body: unknown };
  pdu.command = command;
  pdu.body = body;
  return { ok: true, pdu: pdu as Pdu };
}

/** The body of a command, read field by field; on a bad field the reader holds the failure. */
function readBody(r: BodyReader, commandId: number, command: string): unknown {
  switch (commandId) {
    case CommandId.bind_transmitter:
    case CommandId.bind_receiver:
    case CommandId.bind_transceiver:
      return readBind(r);
    case CommandId.bind_transmitter_resp:
    case CommandId.bind_receiver_resp:
    case CommandId.bind_transceiver_resp:
      // Error responses may legally come header-only; give them an empty body of the right shape.
      return r.remaining === 0 ? { systemId: "", tlvs: [] } : { systemId: readSystemId(r), tlvs: readTlvs(r) };
    case CommandId.submit_sm:
    case CommandId.deliver_sm:
      return readShortMessage(r);
    case CommandId.data_sm:
      return readDataSm(r);
    case CommandId.submit_multi:
      return readSubmitMulti(r);
    case CommandId.submit_sm_resp:
    case CommandId.data_sm_resp:
    case CommandId.deliver_sm_resp:
      return readMessageIdResp(r);
    case CommandId.submit_multi_resp:
      return readSubmitMultiResp(r);
    case CommandId.outbind:
      return { systemId: readSystemId(r), password: r.cstring("password", FieldMax.password, S.ESME_RINVPASWD) };
    case CommandId.query_sm:
      return { messageId: readMessageId(r), ...readAddress(r, "source", S.ESME_RINVSRCADR) };
    case CommandId.cancel_sm:
      return { ...readServiceType(r), messageId: readMessageId(r), ...readAddress(r, "source", S.ESME_RINVSRCADR), ...readAddress(r, "dest", S.ESME_RINVDSTADR) };
    case CommandId.replace_sm:
      return readReplaceSm(r);
    case CommandId.alert_notification:
      return readAlertNotification(r);
    default:
      // enquire_link, unbind, generic_nack, their responses and the body-less *_resp: no body.
      // Requests must be exactly 16 bytes; responses with stray bytes are tolerated.
      if (!isResponse(commandId) && r.remaining > 0) {
        r.fail(S.ESME_RINVCMDLEN, `${command} carries ${r.remaining} unexpected body octets`);
      }
      r.offset = r.end;
      return EMPTY_BODY;
  }
}

// Fields several commands share, read the same way everywhere.

function readSystemId(r: BodyReader): string {
  return r.cstring("system_id", FieldMax.systemId, S.ESME_RINVSYSID);
}

function readMessageId(r: BodyReader): string {
  return r.cstring("message_id", FieldMax.messageId, S.ESME_RINVMSGID);
}

function readServiceType(r: BodyReader): { serviceType: string } {
  return { serviceType: r.cstring("service_type", FieldMax.serviceType, S.ESME_RINVSERTYP) };
}

/** service_type and the source address: how submit_sm, deliver_sm, data_sm and submit_multi begin. */
function readServiceAndSource(r: BodyReader) {
  return { ...readServiceType(r), ...(readAddress(r, "source", S.ESME_RINVSRCADR) as { sourceAddrTon: number; sourceAddrNpi: number; sourceAddr: string }) };
}

/** esm_class … short_message: the fields submit_sm, deliver_sm and submit_multi share after the addresses. */
function readMessageFields(r: BodyReader) {
  return {
    esmClass: r.u8("esm_class"),
    protocolId: r.u8("protocol_id"),
    priorityFlag: r.u8("priority_flag"),
    scheduleDeliveryTime: readTime(r, "schedule_delivery_time", S.ESME_RINVSCHED),
    validityPeriod: readTime(r, "validity_period", S.ESME_RINVEXPIRY),
    registeredDelivery: r.u8("registered_delivery"),
    replaceIfPresentFlag: r.u8("replace_if_present_flag"),
    dataCoding: r.u8("data_coding"),
    smDefaultMsgId: r.u8("sm_default_msg_id"),
    shortMessage: readShortMessageField(r),
  };
}

function readReplaceSm(r: BodyReader) {
  return {
    messageId: readMessageId(r),
    ...readAddress(r, "source", S.ESME_RINVSRCADR),
    scheduleDeliveryTime: readTime(r, "schedule_delivery_time", S.ESME_RINVSCHED),
    validityPeriod: readTime(r, "validity_period", S.ESME_RINVEXPIRY),
    registeredDelivery: r.u8("registered_delivery"),
    smDefaultMsgId: r.u8("sm_default_msg_id"),
    shortMessage: r.octets("short_message", r.u8("sm_length"), S.ESME_RINVMSGLEN),
  };
}

function readAlertNotification(r: BodyReader) {
  return {
    sourceAddrTon: r.u8("source_addr_ton"),
    sourceAddrNpi: r.u8("source_addr_npi"),
    sourceAddr: r.cstring("source_addr", FieldMax.esmeAddress, S.ESME_RINVSRCADR),
    esmeAddrTon: r.u8("esme_addr_ton"),
    esmeAddrNpi: r.u8("esme_addr_npi"),
    esmeAddr: r.cstring("esme_addr", FieldMax.esmeAddress, S.ESME_RINVDSTADR),
    tlvs: readTlvs(r),
  };
}

function readBind(r: BodyReader): BindBody {
  return {
    systemId: readSystemId(r),
    password: r.cstring("password", FieldMax.password, S.ESME_RINVPASWD),
    systemType: r.cstring("system_type", FieldMax.systemType, S.ESME_RINVSYSTYP),
    interfaceVersion: r.u8("interface_version"),
    addrTon: r.u8("addr_ton"),
    addrNpi: r.u8("addr_npi"),
    addressRange: r.cstring("address_range", FieldMax.addressRange, S.ESME_RBINDFAIL),
  };
}

function readAddress(r: BodyReader, which: "source" | "dest", status: number) {
  const ton = r.u8(`${which}_addr_ton`);
  const npi = r.u8(`${which}_addr_npi`);
  const address = r.cstring(`${which}_addr`, FieldMax.address, status);
  return which === "source"
    ? { sourceAddrTon: ton, sourceAddrNpi: npi, sourceAddr: address }
    : { destAddrTon: ton, destAddrNpi: npi, destinationAddr: address };
}

/** Absolute or relative time: empty, or exactly 16 characters (YYMMDDhhmmsstnnp). */
function readTime(r: BodyReader, field: string, status: number): string {
  const value = r.cstring(field, FieldMax.time, status);
  if (value.length !== 0 && value.length !== 16) r.fail(status, `${field} must be empty or 16 characters`);
  return value;
}

/**
 * submit_sm and deliver_sm, every message through the proxy: one object literal read field by field
 * in wire order (the spreads of the shared readers cost a copy of each part per PDU).
 */
function readShortMessage(r: BodyReader): ShortMessageBody {
  return {
    serviceType: r.cstring("service_type", FieldMax.serviceType, S.ESME_RINVSERTYP),
    sourceAddrTon: r.u8("source_addr_ton"),
    sourceAddrNpi: r.u8("source_addr_npi"),
    sourceAddr: r.cstring("source_addr", FieldMax.address, S.ESME_RINVSRCADR),
    destAddrTon: r.u8("dest_addr_ton"),
    destAddrNpi: r.u8("dest_addr_npi"),
    destinationAddr: r.cstring("destination_addr", FieldMax.address, S.ESME_RINVDSTADR),
    esmClass: r.u8("esm_class"),
    protocolId: r.u8("protocol_id"),
    priorityFlag: r.u8("priority_flag"),
    scheduleDeliveryTime: readTime(r, "schedule_delivery_time", S.ESME_RINVSCHED),
    validityPeriod: readTime(r, "validity_period", S.ESME_RINVEXPIRY),
    registeredDelivery: r.u8("registered_delivery"),
    replaceIfPresentFlag: r.u8("replace_if_present_flag"),
    dataCoding: r.u8("data_coding"),
    smDefaultMsgId: r.u8("sm_default_msg_id"),
    shortMessage: readShortMessageField(r),
    tlvs: readTlvs(r),
  };
}

/** SMPP 3.4 caps short_message at 254 octets (sm_length 0–254); longer text goes in message_payload. */
export const SHORT_MESSAGE_MAX = 254;

function readShortMessageField(r: BodyReader): Uint8Array {
  const smLength = r.u8("sm_length");
  if (smLength > SHORT_MESSAGE_MAX && !r.failed) r.fail(S.ESME_RINVMSGLEN, `sm_length ${smLength} is above ${SHORT_MESSAGE_MAX}`);
  return smLength === 0 || r.failed ? EMPTY : r.octets("short_message", smLength, S.ESME_RINVMSGLEN);
}

function readDataSm(r: BodyReader): DataSmBody {
  const start = readServiceAndSource(r);
  const dest = readAddress(r, "dest", S.ESME_RINVDSTADR) as Pick<DataSmBody, "destAddrTon" | "destAddrNpi" | "destinationAddr">;
  const esmClass = r.u8("esm_class");
  const registeredDelivery = r.u8("registered_delivery");
  const dataCoding = r.u8("data_coding");
  return { ...start, ...dest, esmClass, registeredDelivery, dataCoding, tlvs: readTlvs(r) };
}

function readSubmitMulti(r: BodyReader): SubmitMultiBody {
  const start = readServiceAndSource(r);
  const count = r.u8("number_of_dests");
  if (count === 0 && !r.failed) r.fail(S.ESME_RINVNUMDESTS, "number_of_dests is 0");
  const destinations: DestinationAddress[] = [];
  for (let i = 0; i < count && !r.failed; i++) {
    const flag = r.u8("dest_flag");
    if (flag === 1) {
      const ton = r.u8("dest_addr_ton");
      const npi = r.u8("dest_addr_npi");
      destinations.push({ kind: "sme", ton, npi, address: r.cstring("destination_addr", FieldMax.address, S.ESME_RINVDSTADR) });
    } else if (flag === 2) {
      destinations.push({ kind: "distribution_list", name: r.cstring("dl_name", FieldMax.distributionListName, S.ESME_RINVDLNAME) });
    } else {
      r.fail(S.ESME_RINVDESTFLAG, `dest_flag ${flag} is neither 1 (SME address) nor 2 (distribution list)`);
    }
  }
  const fields = readMessageFields(r);
  return { ...start, destinations, ...fields, tlvs: readTlvs(r) };
}

function readMessageIdResp(r: BodyReader): MessageIdRespBody {
  if (r.remaining === 0) return { messageId: "", tlvs: [] };
  return { messageId: readMessageId(r), tlvs: readTlvs(r) };
}

function readSubmitMultiResp(r: BodyReader) {
  if (r.remaining === 0) return { messageId: "", unsuccess: [], tlvs: [] };
  const messageId = readMessageId(r);
  const count = r.u8("no_unsuccess");
  const unsuccess: UnsuccessSme[] = [];
  for (let i = 0; i < count && !r.failed; i++) {
    const ton = r.u8("dest_addr_ton");
    const npi = r.u8("dest_addr_npi");
    const address = r.cstring("destination_addr", FieldMax.address, S.ESME_RINVDSTADR);
    unsuccess.push({ ton, npi, address, errorStatusCode: r.u32("error_status_code") });
  }
  return { messageId, unsuccess, tlvs: readTlvs(r) };
}

/**
 * PDU → frame, per version. Encoders take our own values and throw RangeError on one that does
 * not fit its field (a programming error, not peer input).
 */
import { CommandId, HEADER_LENGTH, widths, type CmppVersion } from "./constants.ts";
import { FieldWriter } from "./fields.ts";
import type { ConnectBody, ConnectRespBody, DeliverBody, StatusReport, SubmitBody } from "./pdu.ts";

function frame(commandId: number, sequenceId: number, bodyLength: number): FieldWriter {
  const total = HEADER_LENGTH + bodyLength;
  return new FieldWriter(total).u32(total).u32(commandId).u32(sequenceId);
}

/** Overwrites the Sequence_Id of an encoded frame in place. */
export function setSequenceId(bytes: Uint8Array, sequenceId: number): void {
  bytes[8] = sequenceId >>> 24;
  bytes[9] = (sequenceId >>> 16) & 0xff;
  bytes[10] = (sequenceId >>> 8) & 0xff;
  bytes[11] = sequenceId & 0xff;
}

export function encodeConnect(sequenceId: number, body: ConnectBody): Uint8Array {
  return frame(CommandId.CONNECT, sequenceId, 27)
    .octets(body.sourceAddr, 6, "Source_Addr").raw(body.authenticatorSource, 16).u8(body.version).u32(body.timestamp).bytes;
}

export function encodeConnectResp(sequenceId: number, version: CmppVersion, body: ConnectRespBody): Uint8Array {
  const w = widths[version];
  return frame(CommandId.CONNECT_RESP, sequenceId, w.resultBytes + 17)
    .uint(body.status, w.resultBytes).raw(body.authenticatorIsmg, 16).u8(body.version).bytes;
}

export type SubmitFields = Omit<SubmitBody, "reserve" | "linkId" | "feeTerminalType" | "destTerminalType"> &
  Partial<Pick<SubmitBody, "reserve" | "linkId" | "feeTerminalType" | "destTerminalType">>;

export function encodeSubmit(sequenceId: number, version: CmppVersion, b: SubmitFields): Uint8Array {
  const w = widths[version];
  const t = w.terminalType ? 1 : 0;
  const length = 8 + 4 + 10 + 1 + w.terminalId + t + 3 + 6 + 2 + 6 + 17 + 17 + 21 + 1 +
    b.destTerminalIds.length * w.terminalId + t + 1 + b.msgContent.length + w.trailer;
  const out = frame(CommandId.SUBMIT, sequenceId, length)
    .u64(b.msgId).u8(b.pkTotal).u8(b.pkNumber).u8(b.registeredDelivery).u8(b.msgLevel)
    .octets(b.serviceId, 10, "Service_Id").u8(b.feeUserType).octets(b.feeTerminalId, w.terminalId, "Fee_terminal_Id");
  if (w.terminalType) out.u8(b.feeTerminalType ?? 0);
  out.u8(b.tpPid).u8(b.tpUdhi).u8(b.msgFmt).octets(b.msgSrc, 6, "Msg_src").octets(b.feeType, 2, "FeeType")
    .octets(b.feeCode, 6, "FeeCode").octets(b.validTime, 17, "ValId_Time").octets(b.atTime, 17, "At_Time")
    .octets(b.srcId, 21, "Src_Id").u8(b.destTerminalIds.length);
  for (const id of b.destTerminalIds) out.octets(id, w.terminalId, "Dest_terminal_Id");
  if (w.terminalType) out.u8(b.destTerminalType ?? 0);
  out.u8(b.msgContent.length).raw(b.msgContent);
  return trailer(out, version, b.reserve, b.linkId).bytes;
}

function trailer(out: FieldWriter, version: CmppVersion, reserve: Uint8Array | undefined, linkId: string | undefined): FieldWriter {
  return version === 2 ? out.raw(reserve ?? new Uint8Array(0), 8) : out.octets(linkId ?? "", 20, "LinkID");
}

function msgIdResult(commandId: number, sequenceId: number, version: CmppVersion, msgId: bigint, result: number): Uint8Array {
  const w = widths[version];
  return frame(commandId, sequenceId, 8 + w.resultBytes).u64(msgId).uint(result, w.resultBytes).bytes;
}

export const encodeSubmitResp = (sequenceId: number, version: CmppVersion, msgId: bigint, result: number) =>
  msgIdResult(CommandId.SUBMIT_RESP, sequenceId, version, msgId, result);

export const encodeDeliverResp = (sequenceId: number, version: CmppVersion, msgId: bigint, result: number) =>
  msgIdResult(CommandId.DELIVER_RESP, sequenceId, version, msgId, result);

export function encodeStatusReport(version: CmppVersion, report: StatusReport): Uint8Array {
  const w = widths[version];
  return new FieldWriter(w.reportLength).u64(report.msgId).octets(report.stat, 7, "Stat")
    .octets(report.submitTime, 10, "Submit_time").octets(report.doneTime, 10, "Done_time")
    .octets(report.destTerminalId, w.terminalId, "Dest_terminal_Id").u32(report.smscSequence).bytes;
}

export type DeliverFields = Omit<DeliverBody, "reserve" | "linkId" | "srcTerminalType" | "report" | "msgContent"> &
  Partial<Pick<DeliverBody, "reserve" | "linkId" | "srcTerminalType" | "msgContent" | "report">>;

/** With `report` set (and Registered_Delivery 1), Msg_Content is the encoded report. */
export function encodeDeliver(sequenceId: number, version: CmppVersion, b: DeliverFields): Uint8Array {
  const w = widths[version];
  const content = b.report !== undefined ? encodeStatusReport(version, b.report) : (b.msgContent ?? new Uint8Array(0));
  const length = 8 + 21 + 10 + 3 + w.terminalId + (w.terminalType ? 1 : 0) + 2 + content.length + w.trailer;
  const out = frame(CommandId.DELIVER, sequenceId, length)
    .u64(b.msgId).octets(b.destId, 21, "Dest_Id").octets(b.serviceId, 10, "Service_Id").u8(b.tpPid).u8(b.tpUdhi).u8(b.msgFmt)
    .octets(b.srcTerminalId, w.terminalId, "Src_terminal_Id");
  if (w.terminalType) out.u8(b.srcTerminalType ?? 0);
  out.u8(b.report !== undefined ? 1 : b.registeredDelivery).u8(content.length).raw(content);
  return trailer(out, version, b.reserve, b.linkId).bytes;
}

export const encodeCancel = (sequenceId: number, msgId: bigint) => frame(CommandId.CANCEL, sequenceId, 8).u64(msgId).bytes;

export function encodeCancelResp(sequenceId: number, version: CmppVersion, successId: number): Uint8Array {
  const w = widths[version];
  return frame(CommandId.CANCEL_RESP, sequenceId, w.resultBytes).uint(successId, w.resultBytes).bytes;
}

export const encodeActiveTest = (sequenceId: number) => frame(CommandId.ACTIVE_TEST, sequenceId, 0).bytes;
export const encodeActiveTestResp = (sequenceId: number) => frame(CommandId.ACTIVE_TEST_RESP, sequenceId, 1).u8(0).bytes;
export const encodeTerminate = (sequenceId: number) => frame(CommandId.TERMINATE, sequenceId, 0).bytes;
export const encodeTerminateResp = (sequenceId: number) => frame(CommandId.TERMINATE_RESP, sequenceId, 0).bytes;

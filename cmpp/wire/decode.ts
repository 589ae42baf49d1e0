/**
 * Frame → PDU for one protocol version. Never throws: a malformed body comes back as a
 * CmppDecodeError naming the field and carrying the Result its response should have.
 */
import {
  HEADER_LENGTH, MAX_CONTENT_ASCII, MAX_CONTENT_OCTETS, MAX_DEST_USR, SubmitResult, commandNames, widths,
  type CmppVersion, type CommandName,
} from "./constants.ts";
import { FieldError, FieldReader } from "./fields.ts";
import type { Bodies, DecodeResult, DeliverBody, Pdu, StatusReport, SubmitBody } from "./pdu.ts";
import { readUint32 } from "./framer.ts";

export function decodeFrame(frame: Uint8Array, version: CmppVersion): DecodeResult {
  const commandId = frame.length >= 8 ? readUint32(frame, 4) : 0;
  const sequenceId = frame.length >= 12 ? readUint32(frame, 8) : 0;
  const command = commandNames.get(commandId);
  const fail = (field: string, message: string, result: number): DecodeResult => ({
    ok: false,
    error: { command: command ?? "unknown", commandId, sequenceId, field, message, result },
  });
  if (frame.length < HEADER_LENGTH) return fail("Total_Length", `frame of ${frame.length} bytes is shorter than the header`, 4);
  if (readUint32(frame, 0) !== frame.length) return fail("Total_Length", `Total_Length ${readUint32(frame, 0)} is not the frame's ${frame.length} bytes`, 4);
  if (command === undefined) return fail("Command_Id", `unknown or unsupported Command_Id 0x${commandId.toString(16).padStart(8, "0")}`, 2);
  const reader = new FieldReader(frame, HEADER_LENGTH);
  try {
    const body = decodeBody(command, reader, version);
    return { ok: true, pdu: { command, commandId, sequenceId, body } as Pdu };
  } catch (error) {
    if (error instanceof FieldError) return fail(error.field, error.message, error.result);
    return fail("body", `decoder failure: ${String(error)}`, 1);
  }
}

function decodeBody(command: CommandName, r: FieldReader, version: CmppVersion): Bodies[CommandName] {
  const w = widths[version];
  switch (command) {
    case "connect": {
      const body = { sourceAddr: r.octets("Source_Addr", 6), authenticatorSource: r.bytesOf("AuthenticatorSource", 16), version: r.u8("Version"), timestamp: r.u32("Timestamp") };
      r.end("Timestamp");
      return body;
    }
    case "connect_resp": {
      const body = { status: r.uint("Status", w.resultBytes), authenticatorIsmg: r.bytesOf("AuthenticatorISMG", 16), version: r.u8("Version") };
      r.end("Version");
      return body;
    }
    case "submit":
      return decodeSubmit(r, version);
    case "deliver":
      return decodeDeliver(r, version);
    case "submit_resp":
    case "deliver_resp": {
      const body = { msgId: r.u64("Msg_Id"), result: r.uint("Result", w.resultBytes) };
      r.end("Result");
      return body;
    }
    case "cancel": {
      const body = { msgId: r.u64("Msg_Id") };
      r.end("Msg_Id");
      return body;
    }
    case "cancel_resp": {
      const body = { successId: r.uint("Success_Id", w.resultBytes) };
      r.end("Success_Id");
      return body;
    }
    case "active_test_resp": {
      // Reserved is 1 byte; some peers leave it out. Accept both, nothing longer.
      const reserved = r.remaining === 0 ? 0 : r.u8("Reserved");
      r.end("Reserved");
      return { reserved };
    }
    case "active_test":
    case "terminate":
    case "terminate_resp":
      r.end("header");
      return {};
  }
}

function decodeSubmit(r: FieldReader, version: CmppVersion): SubmitBody {
  const w = widths[version];
  const msgId = r.u64("Msg_Id");
  const pkTotal = r.u8("Pk_total");
  const pkNumber = r.u8("Pk_number");
  if (pkTotal < 1 || pkNumber < 1 || pkNumber > pkTotal) {
    throw new FieldError("Pk_number", `Pk_number ${pkNumber} of Pk_total ${pkTotal} is not within 1..Pk_total`);
  }
  const registeredDelivery = r.u8("Registered_Delivery");
  // 0 no report, 1 report; 2.0 also has 2 (SMC bill only), which 3.0 removed.
  if (registeredDelivery > (version === 2 ? 2 : 1)) {
    throw new FieldError("Registered_Delivery", `Registered_Delivery ${registeredDelivery} is not defined in CMPP ${version}.0`);
  }
  const msgLevel = r.u8("Msg_level");
  const serviceId = r.octets("Service_Id", 10);
  const feeUserType = r.u8("Fee_UserType");
  const feeTerminalId = r.octets("Fee_terminal_Id", w.terminalId);
  const feeTerminalType = w.terminalType ? r.u8("Fee_terminal_type") : 0;
  const tpPid = r.u8("TP_pId");
  const tpUdhi = r.u8("TP_udhi");
  const msgFmt = r.u8("Msg_Fmt");
  const msgSrc = r.octets("Msg_src", 6);
  const feeType = r.octets("FeeType", 2);
  const feeCode = r.octets("FeeCode", 6);
  const validTime = r.octets("ValId_Time", 17);
  const atTime = r.octets("At_Time", 17);
  const srcId = r.octets("Src_Id", 21);
  const destUsrTl = r.u8("DestUsr_tl");
  if (destUsrTl < 1 || destUsrTl > MAX_DEST_USR) throw new FieldError("DestUsr_tl", `DestUsr_tl ${destUsrTl} is not within 1..${MAX_DEST_USR}`);
  const destTerminalIds: string[] = [];
  for (let i = 0; i < destUsrTl; i++) destTerminalIds.push(r.octets("Dest_terminal_Id", w.terminalId));
  const destTerminalType = w.terminalType ? r.u8("Dest_terminal_type") : 0;
  const msgLength = r.u8("Msg_Length");
  const limit = msgFmt === 0 ? MAX_CONTENT_ASCII : MAX_CONTENT_OCTETS;
  if (msgLength > limit) throw new FieldError("Msg_Length", `Msg_Length ${msgLength} exceeds ${limit} for Msg_Fmt ${msgFmt}`, SubmitResult.TOO_LONG);
  if (r.remaining !== msgLength + w.trailer) {
    throw new FieldError("Msg_Length", `Msg_Length ${msgLength} + ${w.trailer} trailer bytes ≠ ${r.remaining} bytes left`, SubmitResult.BAD_LENGTH);
  }
  const msgContent = r.bytesOf("Msg_Content", msgLength);
  const reserve = version === 2 ? r.bytesOf("Reserve", 8) : new Uint8Array(0);
  const linkId = version === 3 ? r.octets("LinkID", 20) : "";
  r.end(version === 2 ? "Reserve" : "LinkID");
  return {
    msgId, pkTotal, pkNumber, registeredDelivery, msgLevel, serviceId, feeUserType, feeTerminalId, feeTerminalType, tpPid, tpUdhi,
    msgFmt, msgSrc, feeType, feeCode, validTime, atTime, srcId, destTerminalIds, destTerminalType, msgContent, reserve, linkId,
  };
}

function decodeDeliver(r: FieldReader, version: CmppVersion): DeliverBody {
  const w = widths[version];
  const msgId = r.u64("Msg_Id");
  const destId = r.octets("Dest_Id", 21);
  const serviceId = r.octets("Service_Id", 10);
  const tpPid = r.u8("TP_pid");
  const tpUdhi = r.u8("TP_udhi");
  const msgFmt = r.u8("Msg_Fmt");
  const srcTerminalId = r.octets("Src_terminal_Id", w.terminalId);
  const srcTerminalType = w.terminalType ? r.u8("Src_terminal_type") : 0;
  const registeredDelivery = r.u8("Registered_Delivery");
  if (registeredDelivery > 1) throw new FieldError("Registered_Delivery", `Registered_Delivery ${registeredDelivery} is neither 0 nor 1`);
  const msgLength = r.u8("Msg_Length");
  if (r.remaining !== msgLength + w.trailer) {
    throw new FieldError("Msg_Length", `Msg_Length ${msgLength} + ${w.trailer} trailer bytes ≠ ${r.remaining} bytes left`, 4);
  }
  if (registeredDelivery === 1 && msgLength !== w.reportLength) {
    throw new FieldError("Msg_Length", `a status report is ${w.reportLength} bytes in CMPP ${version}.0, not ${msgLength}`, 4);
  }
  const contentStart = r.offset;
  const report = registeredDelivery === 1 ? decodeReport(r, version) : undefined;
  r.offset = contentStart;
  const msgContent = r.bytesOf("Msg_Content", msgLength);
  const reserve = version === 2 ? r.bytesOf("Reserved", 8) : new Uint8Array(0);
  const linkId = version === 3 ? r.octets("LinkID", 20) : "";
  r.end(version === 2 ? "Reserved" : "LinkID");
  return {
    msgId, destId, serviceId, tpPid, tpUdhi, msgFmt, srcTerminalId, srcTerminalType, registeredDelivery, msgContent,
    ...(report !== undefined && { report }), reserve, linkId,
  };
}

function decodeReport(r: FieldReader, version: CmppVersion): StatusReport {
  return {
    msgId: r.u64("Msg_Content.Msg_Id"),
    stat: r.octets("Msg_Content.Stat", 7),
    submitTime: r.octets("Msg_Content.Submit_time", 10),
    doneTime: r.octets("Msg_Content.Done_time", 10),
    destTerminalId: r.octets("Msg_Content.Dest_terminal_Id", widths[version].terminalId),
    smscSequence: r.u32("Msg_Content.SMSC_sequence"),
  };
}

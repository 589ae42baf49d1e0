/**
 * SMPP 3.4 command ids and command_status values: the one closed list the wire layer, the proxy
 * and the tests use. Nobody writes a status number by hand outside this file.
 */

export const CommandId = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  replace_sm: 0x00000007,
  replace_sm_resp: 0x80000007,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  outbind: 0x0000000b,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  submit_multi: 0x00000021,
  submit_multi_resp: 0x80000021,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;
export type CommandName = keyof typeof CommandId;

const namesById = new Map<number, CommandName>(
  (Object.keys(CommandId) as CommandName[]).map((name) => [CommandId[name], name]),
);

/** The command's name, or undefined for an id SMPP 3.4 does not define. */
export function commandName(commandId: number): CommandName | undefined {
  return namesById.get(commandId);
}

export function isKnownCommand(commandId: number): boolean {
  return namesById.has(commandId);
}

/** Responses have the high bit set (generic_nack included). */
export function isResponse(commandId: number): boolean {
  return (commandId & 0x80000000) !== 0;
}

/** The response id for a request id (bind_transmitter → bind_transmitter_resp). */
export function responseIdFor(requestId: number): number {
  return (requestId | 0x80000000) >>> 0;
}

export const CommandStatus = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RINVPRTFLG: 0x06,
  ESME_RINVREGDLVFLG: 0x07,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RCANCELFAIL: 0x11,
  ESME_RREPLACEFAIL: 0x13,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVNUMDESTS: 0x33,
  ESME_RINVDLNAME: 0x34,
  ESME_RINVDESTFLAG: 0x40,
  ESME_RINVSUBREP: 0x42,
  ESME_RINVESMCLASS: 0x43,
  ESME_RCNTSUBDL: 0x44,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSRCTON: 0x48,
  ESME_RINVSRCNPI: 0x49,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RINVSYSTYP: 0x53,
  ESME_RINVREPFLAG: 0x54,
  ESME_RINVNUMMSGS: 0x55,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RINVDFTMSGID: 0x63,
  /** Temporary application error: Kannel re-queues it. */
  ESME_RX_T_APPN: 0x64,
  /** Permanent application error. */
  ESME_RX_P_APPN: 0x65,
  /** Application rejected the message. */
  ESME_RX_R_APPN: 0x66,
  ESME_RQUERYFAIL: 0x67,
  ESME_RINVTLVSTREAM: 0xc0,
  ESME_RTLVNOTALLWD: 0xc1,
  ESME_RINVTLVLEN: 0xc2,
  ESME_RMISSINGTLV: 0xc3,
  ESME_RINVTLVVAL: 0xc4,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
} as const;
export type CommandStatusName = keyof typeof CommandStatus;

const statusNames = new Map<number, CommandStatusName>(
  (Object.keys(CommandStatus) as CommandStatusName[]).map((name) => [CommandStatus[name], name]),
);

/** "ESME_RTHROTTLED", "vendor 0x0401" or "reserved 0x0099": for logs and journal entries. */
export function statusName(status: number): string {
  const known = statusNames.get(status);
  if (known) return known;
  const hex = `0x${status.toString(16).padStart(4, "0")}`;
  return status >= 0x400 && status <= 0x4ff ? `vendor ${hex}` : `reserved ${hex}`;
}

/**
 * Statuses that ESMEs (Kannel, Jasmin) treat as temporary and retry (smpp/README.md, "How ESMEs
 * react"). Used to
 * decide whether an upstream answer means "try again later".
 */
export function isRetryableStatus(status: number): boolean {
  return (
    status === CommandStatus.ESME_RSYSERR ||
    status === CommandStatus.ESME_RMSGQFUL ||
    status === CommandStatus.ESME_RTHROTTLED ||
    status === CommandStatus.ESME_RX_T_APPN
  );
}

/** SMPP 3.4 header length: command_length, command_id, command_status, sequence_number. */
export const HEADER_LENGTH = 16;
/** Sequence numbers run 1..0x7FFFFFFF and then wrap to 1. */
export const MAX_SEQUENCE = 0x7fffffff;

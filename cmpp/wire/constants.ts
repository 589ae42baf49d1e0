/**
 * CMPP 2.0 / 3.0 constants: command ids, versions, field widths per version, and the status and
 * result codes of CONNECT_RESP, SUBMIT_RESP and DELIVER_RESP. All integers on the wire are
 * unsigned big-endian; every Octet String has a fixed width and is padded with NUL bytes.
 */

export const HEADER_LENGTH = 12;

/**
 * The largest legal frame is a CMPP 3.0 SUBMIT to 100 recipients with 160 bytes of content:
 * 12 + 129 fixed + 100 × 32 + 1 + 1 + 160 + 20 = 3,523 bytes. The default hard limit leaves
 * room for that and refuses anything bigger before buffering it.
 */
export const DEFAULT_MAX_FRAME_LENGTH = 4096;

export const CommandId = {
  CONNECT: 0x00000001,
  CONNECT_RESP: 0x80000001,
  TERMINATE: 0x00000002,
  TERMINATE_RESP: 0x80000002,
  SUBMIT: 0x00000004,
  SUBMIT_RESP: 0x80000004,
  DELIVER: 0x00000005,
  DELIVER_RESP: 0x80000005,
  QUERY: 0x00000006,
  QUERY_RESP: 0x80000006,
  CANCEL: 0x00000007,
  CANCEL_RESP: 0x80000007,
  ACTIVE_TEST: 0x00000008,
  ACTIVE_TEST_RESP: 0x80000008,
} as const;

export type CommandName =
  | "connect" | "connect_resp" | "terminate" | "terminate_resp" | "submit" | "submit_resp"
  | "deliver" | "deliver_resp" | "cancel" | "cancel_resp" | "active_test" | "active_test_resp";

export const commandNames: ReadonlyMap<number, CommandName> = new Map([
  [CommandId.CONNECT, "connect"],
  [CommandId.CONNECT_RESP, "connect_resp"],
  [CommandId.TERMINATE, "terminate"],
  [CommandId.TERMINATE_RESP, "terminate_resp"],
  [CommandId.SUBMIT, "submit"],
  [CommandId.SUBMIT_RESP, "submit_resp"],
  [CommandId.DELIVER, "deliver"],
  [CommandId.DELIVER_RESP, "deliver_resp"],
  [CommandId.CANCEL, "cancel"],
  [CommandId.CANCEL_RESP, "cancel_resp"],
  [CommandId.ACTIVE_TEST, "active_test"],
  [CommandId.ACTIVE_TEST_RESP, "active_test_resp"],
]);

export const RESPONSE_BIT = 0x80000000;
export const isResponseId = (commandId: number) => (commandId & RESPONSE_BIT) !== 0;
export const responseIdFor = (requestId: number) => (requestId | RESPONSE_BIT) >>> 0;

/**
 * The Version byte: high nibble major, low nibble minor (0x20 = 2.0, 0x21 = 2.1, 0x30 = 3.0).
 * The layouts differ only by major version, so the codec takes 2 or 3.
 */
export type CmppVersion = 2 | 3;
export const VERSION_2_0 = 0x20;
export const VERSION_3_0 = 0x30;
export const majorOf = (versionByte: number) => versionByte >> 4;

/** Widths that differ between the two versions. */
export interface Widths {
  /** Fee_terminal_Id, Dest_terminal_Id, Src_terminal_Id, the report's Dest_terminal_Id. */
  terminalId: number;
  /** CONNECT_RESP Status, SUBMIT_RESP Result, DELIVER_RESP Result, CANCEL_RESP Success_Id. */
  resultBytes: 1 | 4;
  /** 2.0 Reserve (8 bytes) or 3.0 LinkID (20). */
  trailer: number;
  /** 3.0 adds Fee_terminal_type, Dest_terminal_type and Src_terminal_type (1 byte each). */
  terminalType: boolean;
  /** Status-report Msg_Content length: 60 in 2.0, 71 in 3.0. */
  reportLength: number;
}

export const widths: Record<CmppVersion, Widths> = {
  2: { terminalId: 21, resultBytes: 1, trailer: 8, terminalType: false, reportLength: 60 },
  3: { terminalId: 32, resultBytes: 4, trailer: 20, terminalType: true, reportLength: 71 },
};

/** DestUsr_tl: at most 100 recipients per SUBMIT. */
export const MAX_DEST_USR = 100;
/** Msg_Content: at most 140 octets, or 160 ASCII characters when Msg_Fmt = 0. */
export const MAX_CONTENT_OCTETS = 140;
export const MAX_CONTENT_ASCII = 160;

/** CONNECT_RESP Status (same values in 2.0 and 3.0). */
export const ConnectStatus = {
  OK: 0,
  BAD_STRUCTURE: 1, // 消息结构错
  BAD_SOURCE_ADDR: 2, // 非法源地址
  AUTH_FAILED: 3, // 认证错
  VERSION_TOO_HIGH: 4, // 版本太高
  OTHER: 5, // 其他错误
} as const;

/** SUBMIT_RESP Result. Values 0–8 are common to 2.0 and 3.0; 9–13 exist only in 3.0. */
export const SubmitResult = {
  OK: 0,
  BAD_STRUCTURE: 1, // 消息结构错
  BAD_COMMAND: 2, // 命令字错
  DUPLICATE_SEQUENCE: 3, // 消息序号重复
  BAD_LENGTH: 4, // 消息长度错
  BAD_FEE_CODE: 5, // 资费代码错
  TOO_LONG: 6, // 超过最大信息长
  BAD_SERVICE_ID: 7, // 业务代码错
  FLOW_CONTROL: 8, // 流量控制错
  /** 2.0: "9~ 其他错误"; 3.0: 本网关不负责服务此计费号码. */
  OTHER_2_0: 9,
  NOT_SERVED_FEE_NUMBER_3_0: 9,
  BAD_SRC_ID_3_0: 10, // Src_Id 错误
  BAD_MSG_SRC_3_0: 11, // Msg_src 错误
  BAD_FEE_TERMINAL_3_0: 12, // Fee_terminal_Id 错误
  BAD_DEST_TERMINAL_3_0: 13, // Dest_terminal_Id 错误
} as const;

/** CANCEL_RESP Success_Id: 0 success, 1 failure. */
export const CancelResult = { OK: 0, FAILED: 1 } as const;

/** DELIVER_RESP Result (0–8, same meaning as SUBMIT_RESP 0–8; 9 and above: other error). */
export const DeliverResult = {
  OK: 0,
  BAD_STRUCTURE: 1,
  BAD_COMMAND: 2,
  DUPLICATE_SEQUENCE: 3,
  BAD_LENGTH: 4,
  BAD_FEE_CODE: 5,
  TOO_LONG: 6,
  BAD_SERVICE_ID: 7,
  FLOW_CONTROL: 8,
  OTHER: 9,
} as const;

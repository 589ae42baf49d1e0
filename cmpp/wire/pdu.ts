/** Decoded CMPP PDUs. Octet Strings are returned without their NUL padding. */
import type { CommandName } from "./constants.ts";

export interface ConnectBody {
  /** SP enterprise code (企业代码), 6 characters. */
  sourceAddr: string;
  authenticatorSource: Uint8Array;
  /** The Version byte as sent (0x20, 0x21, 0x30...). */
  version: number;
  /** MMDDHHMMSS as a decimal number (0 to 1231235959). */
  timestamp: number;
}

export interface ConnectRespBody {
  status: number;
  authenticatorIsmg: Uint8Array;
  version: number;
}

export interface SubmitBody {
  msgId: bigint;
  pkTotal: number;
  pkNumber: number;
  registeredDelivery: number;
  msgLevel: number;
  serviceId: string;
  feeUserType: number;
  feeTerminalId: string;
  /** 3.0 only; 0 in 2.0. */
  feeTerminalType: number;
  tpPid: number;
  tpUdhi: number;
  msgFmt: number;
  msgSrc: string;
  feeType: string;
  feeCode: string;
  validTime: string;
  atTime: string;
  srcId: string;
  destTerminalIds: string[];
  /** 3.0 only; 0 in 2.0. */
  destTerminalType: number;
  msgContent: Uint8Array;
  /** 2.0 Reserve (8 raw bytes); empty in 3.0. */
  reserve: Uint8Array;
  /** 3.0 LinkID; "" in 2.0. */
  linkId: string;
}

export interface MsgIdResult {
  msgId: bigint;
  result: number;
}

/** The status report carried in DELIVER's Msg_Content when Registered_Delivery = 1. */
export interface StatusReport {
  msgId: bigint;
  /** DELIVRD, EXPIRED, UNDELIV... (7 characters). */
  stat: string;
  /** YYMMDDHHMM. */
  submitTime: string;
  doneTime: string;
  destTerminalId: string;
  smscSequence: number;
}

export interface DeliverBody {
  msgId: bigint;
  destId: string;
  serviceId: string;
  tpPid: number;
  tpUdhi: number;
  msgFmt: number;
  srcTerminalId: string;
  /** 3.0 only; 0 in 2.0. */
  srcTerminalType: number;
  registeredDelivery: number;
  /** The raw Msg_Content (for a report too). */
  msgContent: Uint8Array;
  /** Present when registeredDelivery = 1. */
  report?: StatusReport;
  reserve: Uint8Array;
  linkId: string;
}

export interface Bodies {
  connect: ConnectBody;
  connect_resp: ConnectRespBody;
  terminate: Record<string, never>;
  terminate_resp: Record<string, never>;
  submit: SubmitBody;
  submit_resp: MsgIdResult;
  deliver: DeliverBody;
  deliver_resp: MsgIdResult;
  cancel: { msgId: bigint };
  cancel_resp: { successId: number };
  active_test: Record<string, never>;
  active_test_resp: { reserved: number };
}

export type Pdu<C extends CommandName = CommandName> = {
  [K in C]: { command: K; commandId: number; sequenceId: number; body: Bodies[K] };
}[C];

/** A malformed body: which field, why, and the Result/Status its response should carry. */
export interface CmppDecodeError {
  command: CommandName | "unknown";
  commandId: number;
  sequenceId: number;
  field: string;
  message: string;
  /** The response's Status/Result for this problem (1 structure, 4 length, 6 too long...). */
  result: number;
}

export type DecodeResult<C extends CommandName = CommandName> =
  | { ok: true; pdu: Pdu<C> }
  | { ok: false; error: CmppDecodeError };

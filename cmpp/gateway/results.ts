/**
 * Every reason of the closed list (src/policy/reasons.ts) as a CMPP SUBMIT_RESP Result, and every
 * bind reason as a CONNECT_RESP Status. Derived, not hand-listed, so a reason added to the list
 * gets its Result without touching this file:
 *
 * - the specification's code where one fits: throttled and upstream_unavailable → 8 (流量控制错,
 *   the SP retries), a source port not the SP's → 10 (Src_Id 错误), invalid_destination → 13
 *   (Dest_terminal_Id 错误), message_too_long → 6 (超过最大信息长);
 * - the registry's and the protocol's own reasons, whose SMPP command_status is in the vendor range
 *   0x400–0x4BF → 64 + (command_status − 0x400): port_suspended 0x401 → 65, sublet_no_contract
 *   0x420 → 96, port_category_not_allowed 0x4A0 → 224 … (one byte, so it fits CMPP 2.0's Result
 *   too; 2.0 reads any value ≥ 9 as 其他错误). The base is 64, not 100: the reasons now reach 0x4A0,
 *   and 100 + 0xA0 would not fit a byte (the results test caught it);
 * - anything else → 9 (其他错误 in 2.0).
 *
 * Adapter outcomes that are not reasons: Msg_src naming another SP → 11 (Msg_src 错误; journaled as
 * sublet_no_contract), the SMSC's own refusal → 99.
 */
import { reasons, type BindReasonCode, type ReasonCode } from "../../src/policy/reasons.ts";
import { ConnectStatus, SubmitResult } from "../wire/constants.ts";

export const VENDOR_RESULT_BASE = 64;
/** The SMSC refused the message (its command_status is counted in gatekeeper_submissions_total{verdict="upstream_error"}). */
export const UPSTREAM_REFUSED_RESULT = 99;
export const MSG_SRC_MISMATCH_RESULT = SubmitResult.BAD_MSG_SRC_3_0;

const SPEC_RESULTS: Partial<Record<ReasonCode, number>> = {
  throttled: SubmitResult.FLOW_CONTROL,
  upstream_unavailable: SubmitResult.FLOW_CONTROL,
  port_unknown: SubmitResult.BAD_SRC_ID_3_0,
  port_not_owned: SubmitResult.BAD_SRC_ID_3_0,
  invalid_destination: SubmitResult.BAD_DEST_TERMINAL_3_0,
  message_too_long: SubmitResult.TOO_LONG,
};

export function submitResultFor(reason: ReasonCode): number {
  const spec = SPEC_RESULTS[reason];
  if (spec !== undefined) return spec;
  const status = (reasons as Record<string, { commandStatus: number }>)[reason]?.commandStatus ?? 0;
  if (status >= 0x400 && status < 0x400 + 256 - VENDOR_RESULT_BASE) return VENDOR_RESULT_BASE + (status - 0x400);
  return SubmitResult.OTHER_2_0;
}

/** CONNECT_RESP Status per refused-bind reason: 2 非法源地址, 3 认证错, 5 and above 其他错误 (ours: 10–13). */
export const CONNECT_STATUS: Record<BindReasonCode, number> = {
  bind_unknown_system_id: ConnectStatus.BAD_SOURCE_ADDR,
  bind_bad_password: ConnectStatus.AUTH_FAILED,
  bind_locked_out: 10,
  bind_address_not_allowed: 11,
  bind_account_disabled: 12,
  bind_too_many_binds: 13,
};

/** A refused destination's status report Stat (7 characters): "GK:" and the Result in 4 digits, e.g. GK:0096. */
export const refusalStat = (result: number) => `GK:${String(result).padStart(4, "0").slice(-4)}`;

/**
 * What a CMPP SUBMIT must pass before it is judged: the same protocol-level checks as an SMPP
 * submit_sm (a message the handset does not show, a scheduled send, text we cannot read, invalid
 * or repeated destinations), in CMPP's fields. Pure: no clock, no I/O.
 */
import { NOT_SHOWN_PROTOCOL_IDS, textRefusal, VALID_DESTINATION } from "../../src/gateway/text-refusal.ts";
import { normaliseMsisdn } from "../../src/lib/pii.ts";
import type { Category } from "../../src/policy/index.ts";
import type { ReasonCode } from "../../src/policy/reasons.ts";
import { extractMessageText, type MessageConcat } from "../../src/text/index.ts";
import type { SubmitBody } from "../wire/pdu.ts";

/** Msg_Fmt values this gateway reads: 0 ASCII, 8 UCS2, 15 GBK (含GB汉字). 3 (写卡) and 4 (二进制) are refused. */
export const READABLE_MSG_FMT: ReadonlySet<number> = new Set([0, 8, 15]);

export type CheckedText =
  | { ok: true; text: string; concat?: MessageConcat }
  | { ok: false; reason: ReasonCode; detail: string };

/** A message that would not be shown, or would be sent later than it is judged. */
export function smuggled(body: SubmitBody): { reason: ReasonCode; detail: string } | undefined {
  if (NOT_SHOWN_PROTOCOL_IDS.has(body.tpPid)) return { reason: "message_ambiguous", detail: `TP_pId 0x${body.tpPid.toString(16)} is not shown to the reader (silent, equipment or SIM message)` };
  // Judged now, sent later: quiet hours, caps and opt-outs would be judged for the wrong moment.
  if (body.atTime !== "") return { reason: "scheduled_delivery", detail: `At_Time ${body.atTime}` };
  return undefined;
}

/**
 * The text of one SUBMIT and, for a part of a long message, where it sits. TP_udhi = 1: the UDH in
 * Msg_Content says (8- or 16-bit reference), and Pk_total / Pk_number must agree with it (two
 * readings of one message are refused as message_ambiguous). TP_udhi = 0 with Pk_total > 1: the
 * parts are joined by Pk_number alone (reference 0).
 */
export function submitText(body: SubmitBody): CheckedText {
  if (!READABLE_MSG_FMT.has(body.msgFmt)) return { ok: false, reason: "undecodable_text", detail: `Msg_Fmt ${body.msgFmt}` };
  const withoutUdh = body.tpUdhi === 0 && body.pkTotal > 1;
  const text = extractMessageText({
    esmClass: body.tpUdhi ? 0x40 : 0,
    dataCoding: body.msgFmt,
    shortMessage: body.msgContent,
    sar: withoutUdh ? { ref: 0, total: body.pkTotal, seq: body.pkNumber } : undefined,
  });
  if (!text.ok) return { ok: false, reason: textRefusal(text.reason), detail: text.reason };
  const concat = text.concat;
  if (body.tpUdhi && concat && concat.total > 1 && body.pkTotal > 1 && (concat.total !== body.pkTotal || concat.seq !== body.pkNumber)) {
    return { ok: false, reason: "message_ambiguous", detail: `UDH part ${concat.seq}/${concat.total} but Pk_number/Pk_total ${body.pkNumber}/${body.pkTotal}` };
  }
  if (body.pkTotal > 1 && !(concat && concat.total > 1)) {
    return { ok: false, reason: "message_ambiguous", detail: `Pk_total ${body.pkTotal} but no concatenation header` };
  }
  return { ok: true, text: text.text, concat: concat && concat.total > 1 ? concat : undefined };
}

/**
 * DestUsr_tl destinations worth judging: each number once (in any of its written forms; a repeat
 * would be judged twice against one daily cap and sent twice), valid numbers only.
 */
export function splitDestinations(ids: readonly string[]): { valid: string[]; invalid: string[] } {
  const seen = new Set<string>();
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const id of ids) {
    const number = VALID_DESTINATION.test(id) ? normaliseMsisdn(id) : undefined;
    if (number === undefined || seen.has(number)) invalid.push(id);
    else {
      seen.add(number);
      valid.push(id);
    }
  }
  return { valid, invalid };
}

/** Service_Id → declared category: the operator's mapping, then VER / NTF / MKT, else undefined (account default). */
export function serviceCategory(serviceId: string, mapping: Readonly<Record<string, Category>> | undefined): Category | undefined {
  const mapped = mapping && Object.hasOwn(mapping, serviceId) ? mapping[serviceId] : undefined;
  if (mapped) return mapped;
  switch (serviceId.trim().toUpperCase()) {
    case "VER": return "verification";
    case "NTF": return "notification";
    case "MKT": return "marketing";
    default: return undefined;
  }
}

/**
 * Delivery receipts as SMSCs send them: deliver_sm with esm_class 0x04, the customary text
 * ("id:… sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000
 * text:…") plus receipted_message_id and message_state TLVs. Undelivered receipts (no receiver
 * bound, or a non-zero deliver_sm_resp) are retried, as an SMSC would.
 */
import type { ShortMessageFields } from "../wire/encode.ts";
import { tlvCString, tlvUint, TlvTag } from "../wire/tlv.ts";

export type ReceiptStat = "DELIVRD" | "EXPIRED" | "DELETED" | "UNDELIV" | "ACCEPTD" | "UNKNOWN" | "REJECTD";

/** message_state TLV values (SMPP 3.4 section 5.2.28). */
export const messageStateOf: Record<ReceiptStat, number> = {
  DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8,
};

export interface ReceiptInput {
  /** The id as returned in submit_sm_resp (goes in receipted_message_id). */
  messageId: string;
  /** The id as written in the text's `id:` field (may be another form of the same number). */
  textId: string;
  /** The original submit's source (the receipt goes back to it) and destination. */
  sourceAddr: string;
  destinationAddr: string;
  stat: ReceiptStat;
  err: string;
  submittedAt: number;
  doneAt: number;
  /** The first characters of the original text (ASCII only; real SMSCs vary here). */
  textPrefix: string;
}

/** YYMMDDhhmm in UTC. */
export function receiptDate(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
}

export function receiptText(r: ReceiptInput): string {
  const delivered = r.stat === "DELIVRD" ? "001" : "000";
  return `id:${r.textId} sub:001 dlvrd:${delivered} submit date:${receiptDate(r.submittedAt)} done date:${receiptDate(r.doneAt)} stat:${r.stat} err:${r.err} text:${r.textPrefix}`;
}

/** The receipt's deliver_sm fields: from the handset back to the port that sent the message. */
export function receiptFields(r: ReceiptInput, options: { idTlv?: boolean } = {}): ShortMessageFields {
  return {
    sourceAddr: r.destinationAddr,
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    destinationAddr: r.sourceAddr,
    esmClass: 0x04,
    dataCoding: 0,
    shortMessage: Uint8Array.from(receiptText(r), (c) => c.charCodeAt(0) & 0xff),
    tlvs: [
      ...(options.idTlv === false ? [] : [tlvCString(TlvTag.receipted_message_id, r.messageId)]),
      tlvUint(TlvTag.message_state, 1, messageStateOf[r.stat]),
    ],
  };
}

/** Whether registered_delivery asks for this outcome's receipt (bits 0-1: 1 = always, 2 = on failure). */
export function receiptRequested(registeredDelivery: number, stat: ReceiptStat): boolean {
  const wanted = registeredDelivery & 0x03;
  return wanted === 1 || (wanted === 2 && stat !== "DELIVRD");
}

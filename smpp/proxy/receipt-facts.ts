/** What a non-SMPP SP needs from an SMSC receipt (src/gateway/outbound.ts ReceiptFacts), read from the deliver_sm. */
import type { MoFacts, ReceiptFacts } from "../../src/gateway/outbound.ts";
import type { Pdu } from "../wire/pdu.ts";
import { messagePayload, messageState } from "../wire/tlv.ts";

/** SMPP 3.4 message_state (5.2.28) → the receipt text's stat: word. */
const STATE_WORDS = ["", "ENROUTE", "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD"];

type Delivery = Pdu<"deliver_sm"> | Pdu<"data_sm">;

function receiptText(pdu: Delivery): string {
  const payload = messagePayload(pdu.body.tlvs);
  const octets = payload ?? (pdu.command === "deliver_sm" ? pdu.body.shortMessage : new Uint8Array(0));
  return Buffer.from(octets).toString("latin1");
}

/** stat from the text (the de-facto SMPP receipt format), else from the message_state TLV, else UNKNOWN. */
export function receiptFacts(pdu: Delivery): ReceiptFacts {
  const text = receiptText(pdu);
  const stat = /\bstat:([A-Za-z]{1,7})/.exec(text)?.[1]?.toUpperCase() ?? STATE_WORDS[messageState(pdu.body.tlvs) ?? 7] ?? "UNKNOWN";
  return {
    stat,
    submitDate: /\bsubmit date:(\d{10})/.exec(text)?.[1] ?? "",
    doneDate: /\bdone date:(\d{10})/.exec(text)?.[1] ?? "",
    recipient: pdu.body.sourceAddr,
  };
}

export function moFacts(pdu: Delivery, spId: string): MoFacts {
  const payload = messagePayload(pdu.body.tlvs);
  return {
    spId,
    destination: pdu.body.destinationAddr,
    source: pdu.body.sourceAddr,
    dataCoding: pdu.body.dataCoding,
    udhi: (pdu.body.esmClass & 0x40) !== 0,
    content: payload ?? (pdu.command === "deliver_sm" ? pdu.body.shortMessage : new Uint8Array(0)),
  };
}

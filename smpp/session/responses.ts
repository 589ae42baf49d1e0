/** The response frame for an inbound request, from the application's answer. */
import { encodeBindResp, encodeErrorResponse, encodeMessageIdResp, encodeSubmitMultiResp } from "../wire/encode.ts";
import type { Pdu, UnsuccessSme } from "../wire/pdu.ts";

/** What the application answers to an inbound request. */
export interface InboundAnswer {
  status: number;
  messageId?: string;
  /** bind_*_resp system_id (server side). */
  systemId?: string;
  /** submit_multi_resp unsuccess_smes. */
  unsuccess?: readonly UnsuccessSme[];
}

/** A message id goes back only with a success status; an error response carries an empty one. */
export function encodeAnswer(pdu: Pdu, answer: InboundAnswer): Uint8Array {
  const sequence = pdu.sequenceNumber;
  const status = answer.status >>> 0;
  switch (pdu.command) {
    case "bind_transmitter":
    case "bind_receiver":
    case "bind_transceiver":
      return encodeBindResp(pdu.commandId, sequence, status, answer.systemId ?? "");
    case "submit_sm":
    case "data_sm":
    case "deliver_sm":
      return encodeMessageIdResp(pdu.commandId, sequence, status, status === 0 ? (answer.messageId ?? "") : "");
    case "submit_multi":
      return encodeSubmitMultiResp(sequence, status, status === 0 ? (answer.messageId ?? "") : "", answer.unsuccess);
    default:
      return encodeErrorResponse(pdu.commandId, sequence, status);
  }
}

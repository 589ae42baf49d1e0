/**
 * The protocol-neutral edges of the gateway core: what an SP adapter hands upstream for one message
 * part, and what comes back from the SMSC for an SP that speaks another protocol than the upstream.
 * The SMPP upstream pool implements SendUpstream (the composition root encodes the submit_sm);
 * the SMPP delivery relay finds each receipt's route and each MO's SP, records "T" opt-outs, and
 * offers the delivery to every DeliverySink before its own SMPP queue.
 */

/** One message part to send upstream, whatever protocol the SP spoke. */
export interface OutboundPart {
  source: string;
  destination: string;
  /** GSM 03.38 / SMPP data_coding (CMPP Msg_Fmt 0, 8, 15 have the same values). */
  dataCoding: number;
  /** The content starts with a user data header (SMPP esm_class 0x40, CMPP TP_udhi 1). */
  udhi: boolean;
  content: Uint8Array;
  registeredDelivery: boolean;
  /** GSM protocol identifier (SMPP protocol_id, CMPP TP_pId). */
  protocolId: number;
  /** A part of a long message without a UDH (CMPP Pk_total / Pk_number): sent with SMPP sar_* TLVs. */
  segment?: { ref: number; total: number; seq: number };
}

export interface UpstreamAnswer {
  status: number;
  messageId?: string;
  retryable: boolean;
  /** Set when the pool answered for an SMSC it could not reach (no bind, timeout, link lost …). */
  failure?: string;
}

export type SendUpstream = (part: OutboundPart) => Promise<UpstreamAnswer>;

/** The route a receipt was found under (src/gateway/message-id.ts resolveRoute). */
export interface ReceiptRoute {
  smscMessageId: string;
  accountId: string;
  spId: string;
  /** What the SP was given, when it is not the SMSC's id; an adapter marks its own routes here. */
  spMessageId?: string | null;
}

/** A delivery receipt, read out of the SMSC's deliver_sm. */
export interface ReceiptFacts {
  /** DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD (the receipt's stat:). */
  stat: string;
  /** YYMMDDhhmm, as the receipt wrote them ('' when absent). */
  submitDate: string;
  doneDate: string;
  /** The handset the message went to (the receipt's source address). */
  recipient: string;
}

/** An MO (a handset's reply) addressed to a port an SP owns; opt-outs are already recorded. */
export interface MoFacts {
  spId: string;
  /** The port (and extension) the handset wrote to. */
  destination: string;
  /** The handset. */
  source: string;
  dataCoding: number;
  udhi: boolean;
  content: Uint8Array;
}

/**
 * Where receipts and MO go for SPs on another protocol. Each method returns undefined when the
 * delivery is not this sink's (the relay then delivers it over SMPP), else the status for the
 * SMSC's deliver_sm_resp: 0 once the SP took it or it is stored.
 */
export interface DeliverySink {
  /** `receipt` reads the facts out of the SMSC's PDU when called (only for a route the sink claims). */
  receipt(route: ReceiptRoute, receipt: () => ReceiptFacts): Promise<number> | undefined;
  mo(mo: MoFacts): Promise<number> | undefined;
}

/**
 * The decoded shape of each PDU we read. Field names follow SMPP 3.4 in camelCase; octet fields
 * (short_message, TLV values) are zero-copy views into the received frame.
 */
import type { CommandName } from "./commands.ts";
import type { Tlv } from "./tlv.ts";

export interface PduHeader {
  commandLength: number;
  commandId: number;
  commandStatus: number;
  sequenceNumber: number;
}

export type BindMode = "transmitter" | "receiver" | "transceiver";

export interface BindBody {
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
}

export interface BindRespBody {
  systemId: string;
  tlvs: readonly Tlv[];
}

export interface OutbindBody {
  systemId: string;
  password: string;
}

interface Addressed {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
}

/** submit_sm and deliver_sm share one body layout. */
export interface ShortMessageBody extends Addressed {
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresentFlag: number;
  dataCoding: number;
  smDefaultMsgId: number;
  shortMessage: Uint8Array;
  tlvs: readonly Tlv[];
}

export interface DataSmBody extends Addressed {
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  tlvs: readonly Tlv[];
}

export type DestinationAddress =
  | { kind: "sme"; ton: number; npi: number; address: string }
  | { kind: "distribution_list"; name: string };

export interface SubmitMultiBody extends Omit<ShortMessageBody, "destAddrTon" | "destAddrNpi" | "destinationAddr"> {
  destinations: DestinationAddress[];
}

/** submit_sm_resp, data_sm_resp, deliver_sm_resp: message_id (empty when absent or on error). */
export interface MessageIdRespBody {
  messageId: string;
  tlvs: readonly Tlv[];
}

export interface UnsuccessSme {
  ton: number;
  npi: number;
  address: string;
  errorStatusCode: number;
}

export interface SubmitMultiRespBody {
  messageId: string;
  unsuccess: UnsuccessSme[];
  tlvs: readonly Tlv[];
}

export interface QuerySmBody {
  messageId: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
}

export interface CancelSmBody extends Addressed {
  messageId: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
}

export interface ReplaceSmBody {
  messageId: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  smDefaultMsgId: number;
  shortMessage: Uint8Array;
}

export interface AlertNotificationBody {
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  esmeAddrTon: number;
  esmeAddrNpi: number;
  esmeAddr: string;
  tlvs: readonly Tlv[];
}

export type EmptyBody = Record<string, never>;

export interface BodyByCommand {
  generic_nack: EmptyBody;
  bind_receiver: BindBody;
  bind_transmitter: BindBody;
  bind_transceiver: BindBody;
  bind_receiver_resp: BindRespBody;
  bind_transmitter_resp: BindRespBody;
  bind_transceiver_resp: BindRespBody;
  outbind: OutbindBody;
  query_sm: QuerySmBody;
  query_sm_resp: EmptyBody;
  submit_sm: ShortMessageBody;
  submit_sm_resp: MessageIdRespBody;
  deliver_sm: ShortMessageBody;
  deliver_sm_resp: MessageIdRespBody;
  unbind: EmptyBody;
  unbind_resp: EmptyBody;
  replace_sm: ReplaceSmBody;
  replace_sm_resp: EmptyBody;
  cancel_sm: CancelSmBody;
  cancel_sm_resp: EmptyBody;
  enquire_link: EmptyBody;
  enquire_link_resp: EmptyBody;
  submit_multi: SubmitMultiBody;
  submit_multi_resp: SubmitMultiRespBody;
  alert_notification: AlertNotificationBody;
  data_sm: DataSmBody;
  data_sm_resp: MessageIdRespBody;
}

/** A decoded PDU, discriminated by `command`. */
export type Pdu<C extends CommandName = CommandName> = {
  [K in C]: PduHeader & { command: K; body: BodyByCommand[K] };
}[C];

export type DecodeResult =
  | { ok: true; pdu: Pdu }
  | {
      ok: false;
      /** The command_status to answer with (the command's resp or generic_nack). */
      status: number;
      message: string;
      header: PduHeader;
    };

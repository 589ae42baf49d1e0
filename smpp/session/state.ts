/**
 * The per-connection state machine's tables: which inbound requests each side accepts in each
 * state, and the status a refused request gets.
 *
 *   open ──bind──▶ binding ──ok──▶ bound_tx | bound_rx | bound_trx ──unbind──▶ unbinding ──▶ closed
 *     ▲              │ refused
 *     └──────────────┘
 */
import { CommandId, CommandStatus, isKnownCommand } from "../wire/commands.ts";
import type { BindMode } from "../wire/pdu.ts";

export type SessionState = "open" | "binding" | "bound_tx" | "bound_rx" | "bound_trx" | "unbinding" | "closed";
export type ConnectionRole = "server" | "client";

export const boundStateFor: Record<BindMode, SessionState> = {
  transmitter: "bound_tx",
  receiver: "bound_rx",
  transceiver: "bound_trx",
};

export function bindModeOf(commandId: number): BindMode | undefined {
  switch (commandId & 0x7fffffff) {
    case CommandId.bind_transmitter:
      return "transmitter";
    case CommandId.bind_receiver:
      return "receiver";
    case CommandId.bind_transceiver:
      return "transceiver";
    default:
      return undefined;
  }
}

export const isBound = (state: SessionState) => state === "bound_tx" || state === "bound_rx" || state === "bound_trx";
/** May the ESME side submit in this state? */
export const canTransmit = (state: SessionState) => state === "bound_tx" || state === "bound_trx";
/** May the SMSC side deliver in this state? */
export const canReceive = (state: SessionState) => state === "bound_rx" || state === "bound_trx";

/**
 * 0 when `role` accepts request `commandId` in `state`, else the status to refuse it with.
 * ESME_RINVCMDID (answered as generic_nack) marks ids the role never handles.
 */
export function inboundRefusal(role: ConnectionRole, state: SessionState, commandId: number): number {
  if (!isKnownCommand(commandId)) return CommandStatus.ESME_RINVCMDID;
  if (role === "server") {
    switch (commandId) {
      case CommandId.bind_transmitter:
      case CommandId.bind_receiver:
      case CommandId.bind_transceiver:
        return state === "open" ? 0 : CommandStatus.ESME_RALYBND;
      case CommandId.submit_sm:
      case CommandId.data_sm:
      case CommandId.submit_multi:
      case CommandId.query_sm:
      case CommandId.cancel_sm:
      case CommandId.replace_sm:
        return canTransmit(state) ? 0 : CommandStatus.ESME_RINVBNDSTS;
      case CommandId.deliver_sm:
        return CommandStatus.ESME_RINVBNDSTS;
      default:
        return CommandStatus.ESME_RINVCMDID;
    }
  }
  switch (commandId) {
    case CommandId.deliver_sm:
    case CommandId.data_sm:
    case CommandId.alert_notification:
      return canReceive(state) ? 0 : CommandStatus.ESME_RINVBNDSTS;
    case CommandId.outbind:
      return state === "open" ? 0 : CommandStatus.ESME_RALYBND;
    default:
      return CommandStatus.ESME_RINVCMDID;
  }
}

/** May we originate request `commandId` in `state`? (bind, enquire_link and unbind are handled apart.) */
export function outboundAllowed(role: ConnectionRole, state: SessionState, commandId: number): boolean {
  if (role === "client") {
    return commandId === CommandId.data_sm || commandId === CommandId.submit_sm || commandId === CommandId.submit_multi ||
      commandId === CommandId.query_sm || commandId === CommandId.cancel_sm || commandId === CommandId.replace_sm
      ? canTransmit(state)
      : false;
  }
  return commandId === CommandId.deliver_sm || commandId === CommandId.data_sm || commandId === CommandId.alert_notification
    ? canReceive(state)
    : false;
}

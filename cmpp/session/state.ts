/**
 * The ISMG-side session state machine as tables: which state an event leads to, and what an
 * inbound request gets in each state.
 *
 *   open ──CONNECT ok──▶ connected ──TERMINATE sent──▶ terminating ──▶ closed
 *     │ ▲ CONNECT refused      │ TERMINATE received / link lost          ▲
 *     └─┘                      └─────────────────────────────────────────┘
 */
import { CancelResult, ConnectStatus, DeliverResult, SubmitResult, type CommandName } from "../wire/constants.ts";

export type SessionState = "open" | "connected" | "terminating" | "closed";
export type SessionEvent = "connect_accepted" | "connect_refused" | "terminate_sent" | "terminate_received" | "closed";

const transitions: Record<SessionState, Partial<Record<SessionEvent, SessionState>>> = {
  open: { connect_accepted: "connected", connect_refused: "open", terminate_received: "closed", closed: "closed" },
  connected: { terminate_sent: "terminating", terminate_received: "closed", closed: "closed" },
  terminating: { terminate_received: "closed", closed: "closed" },
  closed: {},
};

/** The next state, or undefined when `event` cannot happen in `state` (the caller ignores it). */
export function nextState(state: SessionState, event: SessionEvent): SessionState | undefined {
  return transitions[state][event];
}

/**
 * What an inbound request gets:
 * - handle: decode it and answer it (built-in for ACTIVE_TEST/TERMINATE, else the application).
 * - refuse: answer it with `result` without asking the application.
 * - close: no useful answer exists (the peer has not authenticated, so it gets nothing): close.
 */
export type InboundAction = { action: "handle" } | { action: "refuse"; result: number; why: string } | { action: "close"; why: string };

type RequestName = Extract<CommandName, "connect" | "submit" | "deliver" | "cancel" | "active_test" | "terminate">;
const handle: InboundAction = { action: "handle" };
const beforeConnect: InboundAction = { action: "close", why: "request before CONNECT" };
// The gatekeeper forwards at once and keeps no queue to delete from: CANCEL always fails.
const cannotCancel: InboundAction = { action: "refuse", result: CancelResult.FAILED, why: "a forwarded message cannot be cancelled" };

const inbound: Record<Exclude<SessionState, "closed">, Record<RequestName, InboundAction>> = {
  open: { connect: handle, submit: beforeConnect, deliver: beforeConnect, cancel: beforeConnect, active_test: handle, terminate: handle },
  connected: {
    connect: { action: "refuse", result: ConnectStatus.OTHER, why: "already connected" },
    submit: handle,
    deliver: { action: "refuse", result: DeliverResult.BAD_COMMAND, why: "an SP does not send DELIVER to the gateway" },
    cancel: cannotCancel,
    active_test: handle,
    terminate: handle,
  },
  terminating: {
    connect: { action: "refuse", result: ConnectStatus.OTHER, why: "terminating" },
    // Flow control (8) tells the SP to send it again later, on another link.
    submit: { action: "refuse", result: SubmitResult.FLOW_CONTROL, why: "terminating" },
    deliver: { action: "refuse", result: DeliverResult.BAD_COMMAND, why: "an SP does not send DELIVER to the gateway" },
    cancel: cannotCancel,
    active_test: handle,
    terminate: handle,
  },
};

export function inboundAction(state: SessionState, command: CommandName): InboundAction {
  if (state === "closed") return { action: "close", why: "closed" };
  const row = inbound[state] as Partial<Record<CommandName, InboundAction>>;
  return row[command] ?? { action: "close", why: `${command} is not a request` };
}

/** May the gateway send DELIVER in this state? */
export const canDeliver = (state: SessionState) => state === "connected";

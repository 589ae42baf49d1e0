/** The options and events of an SMPP connection (connection.ts). */
import type { MonotonicClock } from "../../src/lib/clock.ts";
import type { BindMode, Pdu } from "../wire/pdu.ts";
import type { ConnectionRole } from "./state.ts";

export interface ConnectionOptions {
  role: ConnectionRole;
  maxPduLength?: number;
  /** Outgoing requests in flight at most (default 10, Kannel's default). */
  windowSize?: number;
  /** Per outgoing request (default 10 s). */
  requestTimeoutMs?: number;
  /** Send enquire_link after this much silence from the peer; 0 = never (default). */
  enquireLinkIntervalMs?: number;
  /** Close after this much silence from the peer; 0 = never (default). */
  inactivityTimeoutMs?: number;
  /** Server side: close if no bind succeeds within this time; 0 = never (default). */
  bindTimeoutMs?: number;
  /** Close when a PDU stays half-received this long (default 10 s). */
  partialFrameTimeoutMs?: number;
  /** Pause reading while this many inbound requests await the application (default 100). */
  maxInboundPending?: number;
  /** Refused binds tolerated before closing (default 3). */
  maxFailedBinds?: number;
  /**
   * Stop reading from the peer while more than this many bytes we wrote wait in the socket
   * (the peer does not read its answers); default 1 MiB.
   */
  maxWriteBacklogBytes?: number;
  /** Close a connection whose writes stay backed up beyond maxWriteBacklogBytes this long (default 30 s). */
  writeStallTimeoutMs?: number;
  /** The monotonic clock every timer of the connection measures with (default performance.now). */
  now?: MonotonicClock;
}

export interface ProtocolProblem {
  status: number;
  message: string;
  commandId: number;
  sequenceNumber: number;
}

export type ConnectionEvents = {
  bound: (mode: BindMode, systemId: string) => void;
  close: (reason: string) => void;
  /** A PDU we refused or could not decode: for logs and metrics, nothing to do. */
  protocolError: (problem: ProtocolProblem) => void;
  socketError: (error: Error) => void;
  handlerError: (error: unknown) => void;
  /** Inbound alert_notification / outbind (client side), which get no response. */
  notification: (pdu: Pdu) => void;
};

/** What the application provides to a connection and what a connection reports. */
import type { CmppVersion } from "../wire/constants.ts";
import type { Pdu } from "../wire/pdu.ts";

export interface ConnectAnswer {
  status: number;
  /** AuthenticatorISMG when status is 0 (16 zero bytes otherwise). */
  authenticatorIsmg?: Uint8Array;
}
export interface SubmitAnswer {
  result: number;
  msgId?: bigint;
}

/** `Connection` is the connection class (kept generic so this file does not import it back). */
export interface CmppHandlers<Connection = unknown> {
  connect(pdu: Pdu<"connect">, connection: Connection): ConnectAnswer | Promise<ConnectAnswer>;
  submit(pdu: Pdu<"submit">, frame: Uint8Array, connection: Connection): SubmitAnswer | Promise<SubmitAnswer>;
}

export interface ProtocolProblem {
  commandId: number;
  sequenceId: number;
  field: string;
  message: string;
}

export type ConnectionEvents = {
  connected: (sourceAddr: string, version: CmppVersion) => void;
  close: (reason: string) => void;
  /** Something we refused, could not decode, or did not expect: for logs and metrics. */
  protocolError: (problem: ProtocolProblem) => void;
  socketError: (error: Error) => void;
  handlerError: (error: unknown) => void;
};

/** Runs an application handler, sync or async; a throw or rejection answers `fallback`. */
export function callHandler<A>(call: () => A | Promise<A>, done: (answer: A) => void, fallback: A, onError: (error: unknown) => void): void {
  let result: A | Promise<A>;
  try {
    result = call();
  } catch (error) {
    onError(error);
    return done(fallback);
  }
  if (!(result instanceof Promise)) return done(result);
  result.then(done, (error: unknown) => {
    onError(error);
    done(fallback);
  });
}

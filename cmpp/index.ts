export * from "./wire/index.ts";
export { CmppConnection, CmppRequestError, type CmppConnectionHandlers as CmppHandlers, type ConnectAnswer, type SubmitAnswer, type ProtocolProblem } from "./session/connection.ts";
export type { CmppConnectionOptions } from "./session/options.ts";
export * from "./session/server.ts";
export type { SessionState } from "./session/state.ts";

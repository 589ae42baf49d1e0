export { startSimulator } from "./simulator.ts";
export type { MoInput, NumberScript, RunningSimulator, SimulatorOptions, SimulatorScript, SimulatorStats } from "./simulator.ts";
export { formatMessageId, type MessageIdFormat } from "./message-ids.ts";
export { receiptText, type ReceiptStat } from "./receipts.ts";
export type { ReceivedMessage } from "./received.ts";

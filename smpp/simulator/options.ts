/** The SMSC simulator's options, scripting switches, statistics and running handle (simulator.ts). */
import type { MessageIdFormat } from "./message-ids.ts";
import type { ReceiptStat } from "./receipts.ts";
import type { ReceivedLog } from "./received.ts";

/** Behaviour for one destination number. Fields combine (e.g. late and then UNDELIV). */
export interface NumberScript {
  /** Answer this many ms late. */
  delayMs?: number;
  /** Never answer the submit. */
  noResponse?: boolean;
  /** Refuse with this status: 0x58 throttled, 0x14 queue full, 0x0B bad destination… */
  status?: number;
  /** The receipt's outcome (default DELIVRD) and its err: code (default 000). */
  receipt?: ReceiptStat;
  receiptErr?: string;
  noReceipt?: boolean;
}

export interface SimulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** system_id → password. Absent: any credentials bind. */
  accounts?: Record<string, string>;
  systemId?: string;
  /** submit_sm_resp message_id form (default "hex": 8 uppercase hex digits). */
  messageIdFormat?: MessageIdFormat;
  /** The receipt text's id: form (default: same as messageIdFormat; "decimal" mimics many SMSCs). */
  receiptIdFormat?: MessageIdFormat;
  firstMessageId?: number;
  /**
   * Where receipts go: "origin" (default) the bind that submitted, else another receiver bind of the
   * same system_id; "rotate" the system_id's receiver binds in turn, as an SMSC in front of several
   * proxies sharing one account does (a receipt often reaches a proxy that did not send).
   */
  receiptBinds?: "origin" | "rotate";
  /** false: receipts carry only the text's `id:`, no receipted_message_id TLV (as some SMSCs do). */
  receiptIdTlv?: boolean;
  receiptDelayMs?: number;
  /**
   * Like a real SMSC, a receipt that is not acknowledged (no receiver bound, an error status, no
   * answer) is sent again with a growing back-off: receiptRetryMs (default 1 s), doubling up to
   * receiptRetryMaxMs (default 60 s), for receiptMaxAttempts tries (default 1,000: hours). A full
   * outbound window is not a failed try: the receipt waits for room, as an SMSC queues it.
   */
  receiptRetryMs?: number;
  receiptRetryMaxMs?: number;
  receiptMaxAttempts?: number;
  numbers?: Record<string, NumberScript>;
  /** How many accepted messages to keep for inspection (counters are kept regardless). */
  keepReceived?: number;
  windowSize?: number;
  requestTimeoutMs?: number;
  maxPduLength?: number;
  clock?: () => number;
}

export interface MoInput {
  from: string;
  to: string;
  text: string;
  dataCoding?: number;
  /** Deliver to this account's receiver binds; absent: any receiver bind. */
  systemId?: string;
  /**
   * source_addr_ton/npi. Default as SMSCs send them: 1 (international) for +86… or 86 and 11
   * digits, 2 (national) for an 11-digit mobile number 1…, 0 (unknown) otherwise; NPI 1 (E.164).
   */
  sourceAddrTon?: number;
  sourceAddrNpi?: number;
}

/** The type of number an SMSC gives an MO sender: 1 international, 2 national, 0 unknown. */
export function tonOf(number: string): number {
  if (/^\+\d+$/.test(number) || /^86\d{11}$/.test(number)) return 1;
  if (/^1\d{10}$/.test(number)) return 2;
  return 0;
}

export interface SimulatorScript {
  number(destination: string, script: NumberScript | undefined): void;
  /** Refuse binds with `status` (default ESME_RBINDFAIL); false to accept again. */
  refuseBinds(status?: number | false): void;
  /** Keep receipts that fall due instead of sending them; false sends the kept ones, in order. */
  holdReceipts(on?: boolean): void;
  throttleAll(on?: boolean): void;
  delayAll(ms: number): void;
  stopAnswering(on?: boolean): void;
  /** Destroys every bound link at once (a network cut). */
  dropAllLinks(): void;
  /** Closes the listener and every link (an SMSC restart); startListener reopens the same port. */
  stopListener(): Promise<void>;
  startListener(): Promise<void>;
  /** Back to the options' behaviour (switches off, number scripts from options). */
  reset(): void;
}

export interface SimulatorStats {
  binds: number;
  bindsRefused: number;
  submits: number;
  accepted: number;
  refused: number;
  unanswered: number;
  receiptsSent: number;
  receiptsAcked: number;
  receiptsRetried: number;
  /** Receipts given up after receiptMaxAttempts tries. */
  receiptsAbandoned: number;
  moSent: number;
  sessions: number;
}

export interface RunningSimulator {
  host: string;
  port: number;
  stop(): Promise<void>;
  /** Injects an MO message; resolves with the deliver_sm_resp status. */
  inject(mo: MoInput): Promise<number>;
  injectMo(mo: MoInput): Promise<number>;
  script: SimulatorScript;
  stats(): SimulatorStats;
  received: ReceivedLog;
}

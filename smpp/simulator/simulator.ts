/**
 * The SMSC simulator: a first-class part of the product (default upstream for `npm start`, the
 * demo, tests, benchmarks). It is our own SMPP server with an SMSC's behaviour on top: message
 * ids, delivery receipts, MO injection, and scripting by destination number and by run-time
 * switches, so every fault the proxy must survive can be produced on demand.
 */
import { CommandStatus } from "../wire/commands.ts";
import type { Pdu } from "../wire/pdu.ts";
import type { InboundAnswer } from "../session/connection.ts";
import { createSmppServer, type SmppServer, type SmppSession } from "../session/server.ts";
import { canReceive } from "../session/state.ts";
import { formatMessageId, MessageIdSequence, type MessageIdFormat } from "./message-ids.ts";
import { receiptFields, receiptRequested, type ReceiptStat } from "./receipts.ts";
import { ReceivedLog } from "./received.ts";
import { encodeText, messageText } from "./text.ts";

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

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? "127.0.0.1";
  const clock = options.clock ?? Date.now;
  const idFormat = options.messageIdFormat ?? "hex";
  const receiptIdFormat = options.receiptIdFormat ?? idFormat;
  const ids = new MessageIdSequence(options.firstMessageId ?? 0x0a000001);
  const received = new ReceivedLog(options.keepReceived ?? 100_000);
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const parked = new Set<() => void>();
  const stats: Omit<SimulatorStats, "sessions"> = {
    binds: 0, bindsRefused: 0, submits: 0, accepted: 0, refused: 0, unanswered: 0,
    receiptsSent: 0, receiptsAcked: 0, receiptsRetried: 0, receiptsAbandoned: 0, moSent: 0,
  };
  const switches = { refuseBinds: 0, throttle: false, delayMs: 0, silent: false };
  const numbers = new Map(Object.entries(options.numbers ?? {}));
  let server: SmppServer<{ systemId: string }> | undefined;
  let port = options.port ?? 0;
  let rotation = 0;
  let heldReceipts: (() => void)[] | undefined;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const park = (): Promise<InboundAnswer> =>
    new Promise((resolve) => {
      stats.unanswered++;
      const release = () => resolve({ status: CommandStatus.ESME_RSYSERR });
      parked.add(release);
    });

  // Receipts waiting for room in a receiver's outbound window (not a failed try), oldest first.
  type Waiting = { systemId: string; origin: SmppSession<{ systemId: string }>; fields: ReturnType<typeof receiptFields>; attempt: number };
  const windowWaiters: Waiting[] = [];
  let waitersScheduled = false;
  let runningWaiters = false;
  const receiversOf = (w: Waiting) =>
    options.receiptBinds !== "rotate" && canReceive(w.origin.state) ? [w.origin] : (server?.receiversFor(w.systemId) ?? []);
  /** Sends waiting receipts while their receivers have room; stops at the first that still has none. */
  const runWaiters = () => {
    waitersScheduled = false;
    while (windowWaiters.length > 0) {
      const head = windowWaiters[0]!;
      const receivers = receiversOf(head);
      if (receivers.length > 0 && !receivers.some((session) => session.hasWindowRoom)) break;
      windowWaiters.shift();
      runningWaiters = true;
      sendReceipt(head.systemId, head.origin, head.fields, head.attempt);
      runningWaiters = false;
    }
    if (windowWaiters.length > 0 && !waitersScheduled) {
      waitersScheduled = true;
      later(50, runWaiters); // a closed link frees nothing: look again now and then
    }
  };

  function sendReceipt(systemId: string, origin: SmppSession<{ systemId: string }>, fields: ReturnType<typeof receiptFields>, attempt: number): void {
    if (heldReceipts) return void heldReceipts.push(() => sendReceipt(systemId, origin, fields, attempt));
    const retry = () => {
      if (attempt + 1 >= (options.receiptMaxAttempts ?? 1000)) {
        stats.receiptsAbandoned++;
        return;
      }
      stats.receiptsRetried++;
      const base = options.receiptRetryMs ?? 1000;
      const wait = Math.min(options.receiptRetryMaxMs ?? 60_000, base * 2 ** Math.min(20, attempt));
      later(wait, () => sendReceipt(systemId, origin, fields, attempt + 1));
    };
    const bound = options.receiptBinds === "rotate" || !canReceive(origin.state) ? (server?.receiversFor(systemId) ?? []) : [origin];
    if (!server || bound.length === 0) return retry();
    // "rotate": start each receipt at the next bind, so receipts spread over the proxies.
    const start = options.receiptBinds === "rotate" ? rotation++ % bound.length : 0;
    const receivers = start === 0 ? bound : [...bound.slice(start), ...bound.slice(0, start)];
    const target = receivers.find((session) => session.hasWindowRoom);
    // In order: a receipt does not overtake those already waiting for room.
    if (!target || (windowWaiters.length > 0 && !runningWaiters)) {
      windowWaiters.push({ systemId, origin, fields, attempt });
      if (!waitersScheduled) {
        waitersScheduled = true;
        later(50, runWaiters);
      }
      return;
    }
    stats.receiptsSent++;
    // Each answer frees a slot: the oldest waiting receipt takes it.
    const answered = () => {
      if (windowWaiters.length > 0) runWaiters();
    };
    server.deliver(target, fields).then(
      (status) => {
        if (status === 0) stats.receiptsAcked++;
        else retry();
        answered();
      },
      () => {
        retry();
        answered();
      },
    );
  }

  /** Accepts one message for one destination: id, record, receipt. Returns the message id. */
  function accept(session: SmppSession<{ systemId: string }>, command: "submit_sm" | "data_sm" | "submit_multi", body: {
    sourceAddr: string; destinationAddr: string; shortMessage: Uint8Array; tlvs: Pdu<"data_sm">["body"]["tlvs"];
    dataCoding: number; esmClass: number; registeredDelivery: number;
  }, messageNumber: number): string {
    const messageId = formatMessageId(messageNumber, idFormat);
    const text = messageText(body.shortMessage, body.tlvs, body.dataCoding, body.esmClass);
    const systemId = session.systemId;
    const now = clock();
    stats.accepted++;
    received.add({
      messageId, systemId, command, sourceAddr: body.sourceAddr, destinationAddr: body.destinationAddr, text,
      dataCoding: body.dataCoding, esmClass: body.esmClass, registeredDelivery: body.registeredDelivery, at: now,
      // Copied: views would pin whole socket chunks in memory for as long as the log keeps them.
      tlvs: body.tlvs.length === 0 ? body.tlvs : body.tlvs.map((t) => ({ tag: t.tag, value: Uint8Array.from(t.value) })),
    });
    const script = numbers.get(body.destinationAddr);
    const stat = script?.receipt ?? "DELIVRD";
    if (!script?.noReceipt && receiptRequested(body.registeredDelivery, stat)) {
      const delay = options.receiptDelayMs ?? 200;
      const prefix = body.dataCoding === 8 ? "" : text.slice(0, 20).replace(/[^\x20-\x7e]/g, "?");
      later(delay, () =>
        sendReceipt(systemId, session, receiptFields({
          messageId, textId: formatMessageId(messageNumber, receiptIdFormat), sourceAddr: body.sourceAddr,
          destinationAddr: body.destinationAddr, stat, err: script?.receiptErr ?? (stat === "DELIVRD" ? "000" : "001"),
          submittedAt: now, doneAt: now + delay, textPrefix: prefix,
        }, { idTlv: options.receiptIdTlv ?? true }), 0));
    }
    return messageId;
  }

  /** Switches and number scripts decide; the answer is synchronous when nothing delays it. */
  function judge(destination: string, then: () => InboundAnswer): InboundAnswer | Promise<InboundAnswer> {
    stats.submits++;
    if (switches.silent) return park();
    const script = numbers.get(destination);
    if (script?.noResponse) return park();
    if (switches.throttle || script?.status !== undefined) {
      stats.refused++;
      return { status: switches.throttle ? CommandStatus.ESME_RTHROTTLED : script!.status! };
    }
    const delay = switches.delayMs + (script?.delayMs ?? 0);
    if (delay <= 0) return then();
    return new Promise((resolve) => later(delay, () => resolve(then())));
  }

  async function listen(): Promise<void> {
    server = await createSmppServer<{ systemId: string }>({
      host, port, systemId: options.systemId ?? "SIMSMSC", bindTimeoutMs: 30_000,
      ...(options.windowSize !== undefined && { windowSize: options.windowSize }),
      ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.maxPduLength !== undefined && { maxPduLength: options.maxPduLength }),
      maxConnectionsPerAddress: 10_000,
      handlers: {
        authenticate: ({ systemId, password }) => {
          const expected = options.accounts?.[systemId];
          const status = switches.refuseBinds || (options.accounts && expected === undefined ? CommandStatus.ESME_RINVSYSID : 0) ||
            (expected !== undefined && expected !== password ? CommandStatus.ESME_RINVPASWD : 0);
          if (status !== 0) {
            stats.bindsRefused++;
            return { ok: false, status };
          }
          stats.binds++;
          return { ok: true, context: { systemId } };
        },
        submitSm: (session, pdu) => judge(pdu.body.destinationAddr, () => ({ status: 0, messageId: accept(session, "submit_sm", pdu.body, ids.take()) })),
        dataSm: (session, pdu) =>
          judge(pdu.body.destinationAddr, () => ({ status: 0, messageId: accept(session, "data_sm", { ...pdu.body, shortMessage: new Uint8Array(0) }, ids.take()) })),
        submitMulti: (session, pdu) => {
          const first = pdu.body.destinations[0];
          return judge(first?.kind === "sme" ? first.address : "", () => {
            const n = ids.take();
            const unsuccess = [];
            for (const d of pdu.body.destinations) {
              if (d.kind !== "sme") continue;
              const status = numbers.get(d.address)?.status;
              if (status !== undefined) unsuccess.push({ ton: d.ton, npi: d.npi, address: d.address, errorStatusCode: status });
              else accept(session, "submit_multi", { ...pdu.body, destinationAddr: d.address }, n);
            }
            return { status: 0, messageId: formatMessageId(n, idFormat), unsuccess };
          });
        },
      },
    });
    port = server.port;
  }

  const releaseParked = () => {
    for (const release of parked) release();
    parked.clear();
  };

  const script: SimulatorScript = {
    number: (destination, s) => (s ? numbers.set(destination, s) : numbers.delete(destination)),
    refuseBinds: (status = CommandStatus.ESME_RBINDFAIL) => void (switches.refuseBinds = status === false ? 0 : status),
    throttleAll: (on = true) => void (switches.throttle = on),
    delayAll: (ms) => void (switches.delayMs = ms),
    stopAnswering: (on = true) => {
      switches.silent = on;
      if (!on) releaseParked();
    },
    dropAllLinks: () => {
      for (const session of [...(server?.sessions() ?? [])]) session.destroy("simulator dropped the link");
    },
    stopListener: async () => {
      const running = server;
      server = undefined;
      if (!running) return;
      for (const session of [...running.sessions()]) session.destroy("simulator stopped");
      await running.stop(100);
    },
    startListener: async () => {
      if (!server) await listen();
    },
    holdReceipts: (on = true) => {
      if (on) heldReceipts ??= [];
      else {
        const due = heldReceipts ?? [];
        heldReceipts = undefined;
        for (const send of due) send();
      }
    },
    reset: () => {
      Object.assign(switches, { refuseBinds: 0, throttle: false, delayMs: 0, silent: false });
      numbers.clear();
      for (const [k, v] of Object.entries(options.numbers ?? {})) numbers.set(k, v);
      releaseParked();
    },
  };

  const inject = async (mo: MoInput): Promise<number> => {
    const candidates = mo.systemId !== undefined ? (server?.receiversFor(mo.systemId) ?? []) : [...(server?.sessions() ?? [])].filter((s) => canReceive(s.state));
    const target = candidates[0];
    if (!server || !target) throw new Error(`no receiver bound${mo.systemId ? ` for ${mo.systemId}` : ""} to take the MO`);
    const { dataCoding, bytes } = encodeText(mo.text, mo.dataCoding);
    stats.moSent++;
    return server.deliver(target, {
      sourceAddr: mo.from, sourceAddrTon: mo.sourceAddrTon ?? tonOf(mo.from), sourceAddrNpi: mo.sourceAddrNpi ?? 1, destinationAddr: mo.to, dataCoding, shortMessage: bytes,
    });
  };

  await listen();
  return {
    host,
    get port() {
      return port;
    },
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      releaseParked();
      await script.stopListener();
    },
    inject,
    injectMo: inject,
    script,
    stats: () => ({ ...stats, sessions: server?.connectionCount ?? 0 }),
    received,
  };
}

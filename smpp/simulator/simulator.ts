/**
 * The SMSC simulator: a first-class part of the product (default upstream for `npm start`, the
 * demo, tests, benchmarks). It is our own SMPP server with an SMSC's behaviour on top: message
 * ids, delivery receipts, MO injection, and scripting by destination number and by run-time
 * switches, so every fault the proxy must survive can be produced on demand.
 */
import { systemClock } from "../../src/lib/clock.ts";
import { CommandStatus } from "../wire/commands.ts";
import type { Pdu } from "../wire/pdu.ts";
import type { InboundAnswer } from "../session/connection.ts";
import { createSmppServer, type SmppServer, type SmppSession } from "../session/server.ts";
import { canReceive } from "../session/state.ts";
import { formatMessageId, MessageIdSequence, type MessageIdFormat } from "./message-ids.ts";
import { tonOf, type MoInput, type NumberScript, type RunningSimulator, type SimulatorOptions, type SimulatorScript, type SimulatorStats } from "./options.ts";
import { ReceiptSender } from "./receipt-sender.ts";
import { receiptFields, receiptRequested } from "./receipts.ts";
import { ReceivedLog } from "./received.ts";
import { encodeText, messageText } from "./text.ts";

export { tonOf };
export type { MoInput, NumberScript, RunningSimulator, SimulatorOptions, SimulatorScript, SimulatorStats };

type Session = SmppSession<{ systemId: string }>;
type AcceptedBody = {
  sourceAddr: string; destinationAddr: string; shortMessage: Uint8Array; tlvs: Pdu<"data_sm">["body"]["tlvs"];
  dataCoding: number; esmClass: number; registeredDelivery: number;
};

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const simulator = new Simulator(options);
  await simulator.listen();
  const script = scriptFor(simulator);
  const inject = (mo: MoInput) => simulator.inject(mo);
  return {
    host: simulator.host,
    get port() {
      return simulator.port;
    },
    stop: async () => {
      simulator.clearTimers();
      simulator.releaseParked();
      await script.stopListener();
    },
    inject,
    injectMo: inject,
    script,
    stats: () => ({ ...simulator.stats, sessions: simulator.server?.connectionCount ?? 0 }),
    received: simulator.received,
  };
}

/** The run-time switches tests and the demo flip. */
function scriptFor(sim: Simulator): SimulatorScript {
  const { switches, numbers, options } = sim;
  return {
    number: (destination, s) => (s ? numbers.set(destination, s) : numbers.delete(destination)),
    refuseBinds: (status = CommandStatus.ESME_RBINDFAIL) => void (switches.refuseBinds = status === false ? 0 : status),
    throttleAll: (on = true) => void (switches.throttle = on),
    delayAll: (ms) => void (switches.delayMs = ms),
    stopAnswering: (on = true) => {
      switches.silent = on;
      if (!on) sim.releaseParked();
    },
    dropAllLinks: () => {
      for (const session of [...(sim.server?.sessions() ?? [])]) session.destroy("simulator dropped the link");
    },
    stopListener: async () => {
      const running = sim.server;
      sim.server = undefined;
      if (!running) return;
      for (const session of [...running.sessions()]) session.destroy("simulator stopped");
      await running.stop(100);
    },
    startListener: async () => {
      if (!sim.server) await sim.listen();
    },
    holdReceipts: (on = true) => sim.receipts.hold(on),
    reset: () => {
      Object.assign(switches, { refuseBinds: 0, throttle: false, delayMs: 0, silent: false });
      numbers.clear();
      for (const [k, v] of Object.entries(options.numbers ?? {})) numbers.set(k, v);
      sim.releaseParked();
    },
  };
}

/** The simulated SMSC: its listener, message ids, switches and number scripts, receipts and MO. */
class Simulator {
  readonly host: string;
  port: number;
  server: SmppServer<{ systemId: string }> | undefined;
  readonly received: ReceivedLog;
  readonly stats: Omit<SimulatorStats, "sessions"> = {
    binds: 0, bindsRefused: 0, submits: 0, accepted: 0, refused: 0, unanswered: 0,
    receiptsSent: 0, receiptsAcked: 0, receiptsRetried: 0, receiptsAbandoned: 0, moSent: 0,
  };
  readonly switches = { refuseBinds: 0, throttle: false, delayMs: 0, silent: false };
  readonly numbers: Map<string, NumberScript>;
  readonly receipts: ReceiptSender;
  private readonly clock: () => number;
  private readonly idFormat: MessageIdFormat;
  private readonly receiptIdFormat: MessageIdFormat;
  private readonly ids: MessageIdSequence;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly parked = new Set<() => void>();

  constructor(readonly options: SimulatorOptions) {
    this.host = options.host ?? "127.0.0.1";
    this.port = options.port ?? 0;
    this.clock = options.clock ?? systemClock;
    this.idFormat = options.messageIdFormat ?? "hex";
    this.receiptIdFormat = options.receiptIdFormat ?? this.idFormat;
    this.ids = new MessageIdSequence(options.firstMessageId ?? 0x0a000001);
    this.received = new ReceivedLog(options.keepReceived ?? 100_000);
    this.numbers = new Map(Object.entries(options.numbers ?? {}));
    this.receipts = new ReceiptSender(options, this.stats, () => this.server, this.later);
  }

  readonly later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  };

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  releaseParked(): void {
    for (const release of this.parked) release();
    this.parked.clear();
  }

  private park(): Promise<InboundAnswer> {
    return new Promise((resolve) => {
      this.stats.unanswered++;
      this.parked.add(() => resolve({ status: CommandStatus.ESME_RSYSERR }));
    });
  }

  /** Accepts one message for one destination: id, record, receipt. Returns the message id. */
  private accept(session: Session, command: "submit_sm" | "data_sm" | "submit_multi", body: AcceptedBody, messageNumber: number): string {
    const messageId = formatMessageId(messageNumber, this.idFormat);
    const text = messageText(body.shortMessage, body.tlvs, body.dataCoding, body.esmClass);
    const systemId = session.systemId;
    const now = this.clock();
    this.stats.accepted++;
    this.received.add({
      messageId, systemId, command, sourceAddr: body.sourceAddr, destinationAddr: body.destinationAddr, text,
      dataCoding: body.dataCoding, esmClass: body.esmClass, registeredDelivery: body.registeredDelivery, at: now,
      // Copied: views would pin whole socket chunks in memory for as long as the log keeps them.
      tlvs: body.tlvs.length === 0 ? body.tlvs : body.tlvs.map((t) => ({ tag: t.tag, value: Uint8Array.from(t.value) })),
    });
    const script = this.numbers.get(body.destinationAddr);
    const stat = script?.receipt ?? "DELIVRD";
    if (!script?.noReceipt && receiptRequested(body.registeredDelivery, stat)) {
      const delay = this.options.receiptDelayMs ?? 200;
      const prefix = body.dataCoding === 8 ? "" : text.slice(0, 20).replace(/[^\x20-\x7e]/g, "?");
      this.later(delay, () =>
        this.receipts.send(systemId, session, receiptFields({
          messageId, textId: formatMessageId(messageNumber, this.receiptIdFormat), sourceAddr: body.sourceAddr,
          destinationAddr: body.destinationAddr, stat, err: script?.receiptErr ?? (stat === "DELIVRD" ? "000" : "001"),
          submittedAt: now, doneAt: now + delay, textPrefix: prefix,
        }, { idTlv: this.options.receiptIdTlv ?? true }), 0));
    }
    return messageId;
  }

  /** Switches and number scripts decide; the answer is synchronous when nothing delays it. */
  private judge(destination: string, then: () => InboundAnswer): InboundAnswer | Promise<InboundAnswer> {
    this.stats.submits++;
    if (this.switches.silent) return this.park();
    const script = this.numbers.get(destination);
    if (script?.noResponse) return this.park();
    if (this.switches.throttle || script?.status !== undefined) {
      this.stats.refused++;
      return { status: this.switches.throttle ? CommandStatus.ESME_RTHROTTLED : script!.status! };
    }
    const delay = this.switches.delayMs + (script?.delayMs ?? 0);
    if (delay <= 0) return then();
    return new Promise((resolve) => this.later(delay, () => resolve(then())));
  }

  private authenticate(systemId: string, password: string) {
    const expected = this.options.accounts?.[systemId];
    const status = this.switches.refuseBinds || (this.options.accounts && expected === undefined ? CommandStatus.ESME_RINVSYSID : 0) ||
      (expected !== undefined && expected !== password ? CommandStatus.ESME_RINVPASWD : 0);
    if (status !== 0) {
      this.stats.bindsRefused++;
      return { ok: false as const, status };
    }
    this.stats.binds++;
    return { ok: true as const, context: { systemId } };
  }

  private submitMulti(session: Session, pdu: Pdu<"submit_multi">): InboundAnswer | Promise<InboundAnswer> {
    const first = pdu.body.destinations[0];
    return this.judge(first?.kind === "sme" ? first.address : "", () => {
      const n = this.ids.take();
      const unsuccess = [];
      for (const d of pdu.body.destinations) {
        if (d.kind !== "sme") continue;
        const status = this.numbers.get(d.address)?.status;
        if (status !== undefined) unsuccess.push({ ton: d.ton, npi: d.npi, address: d.address, errorStatusCode: status });
        else this.accept(session, "submit_multi", { ...pdu.body, destinationAddr: d.address }, n);
      }
      return { status: 0, messageId: formatMessageId(n, this.idFormat), unsuccess };
    });
  }

  async listen(): Promise<void> {
    const options = this.options;
    this.server = await createSmppServer<{ systemId: string }>({
      host: this.host, port: this.port, systemId: options.systemId ?? "SIMSMSC", bindTimeoutMs: 30_000,
      ...(options.windowSize !== undefined && { windowSize: options.windowSize }),
      ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.maxPduLength !== undefined && { maxPduLength: options.maxPduLength }),
      maxConnectionsPerAddress: 10_000,
      handlers: {
        authenticate: ({ systemId, password }) => this.authenticate(systemId, password),
        submitSm: (session, pdu) => this.judge(pdu.body.destinationAddr, () => ({ status: 0, messageId: this.accept(session, "submit_sm", pdu.body, this.ids.take()) })),
        dataSm: (session, pdu) =>
          this.judge(pdu.body.destinationAddr, () => ({ status: 0, messageId: this.accept(session, "data_sm", { ...pdu.body, shortMessage: new Uint8Array(0) }, this.ids.take()) })),
        submitMulti: (session, pdu) => this.submitMulti(session, pdu),
      },
    });
    this.port = this.server.port;
  }

  /** Injects an MO message to a receiver bind; resolves with the deliver_sm_resp status. */
  async inject(mo: MoInput): Promise<number> {
    const server = this.server;
    const candidates = mo.systemId !== undefined ? (server?.receiversFor(mo.systemId) ?? []) : [...(server?.sessions() ?? [])].filter((s) => canReceive(s.state));
    const target = candidates[0];
    if (!server || !target) throw new Error(`no receiver bound${mo.systemId ? ` for ${mo.systemId}` : ""} to take the MO`);
    const { dataCoding, bytes } = encodeText(mo.text, mo.dataCoding);
    this.stats.moSent++;
    return server.deliver(target, {
      sourceAddr: mo.from, sourceAddrTon: mo.sourceAddrTon ?? tonOf(mo.from), sourceAddrNpi: mo.sourceAddrNpi ?? 1, destinationAddr: mo.to, dataCoding, shortMessage: bytes,
    });
  }
}

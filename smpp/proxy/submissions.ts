import { commandStatusFor, type ReasonCode } from "../../src/policy/reasons.ts";
import type { Metrics } from "../../src/observability/metrics.ts";
import type { InboundAnswer } from "../session/connection.ts";
import { ConcatenationAssembler, extractMessageText, type MessageFields } from "../../src/text/index.ts";
import { CommandStatus } from "../wire/commands.ts";
import { encodeSubmitSm } from "../wire/encode.ts";
import type { DataSmBody, Pdu, ShortMessageBody, UnsuccessSme } from "../wire/pdu.ts";
import { messagePayload, repeatedTlvTag, TlvTag, tlvUintValue, type Tlv } from "../wire/tlv.ts";
import { multiDestinations } from "./multi-destinations.ts";
import type { SessionContext } from "./bind-auth.ts";
import type { Gatekeeper, JudgeInput, SessionIdentity } from "../../src/gateway/gatekeeper.ts";
import { attribute, linkIdentity, type RefusalIdentity } from "./gateway-identity.ts";
import type { RegistrySnapshot } from "../../src/registry/snapshot.ts";
import { RefusalCoalescer, type RefusalCoalescerOptions } from "../../src/gateway/refusal-coalescer.ts";
import { NOT_SHOWN_PROTOCOL_IDS, textRefusal, VALID_DESTINATION } from "../../src/gateway/text-refusal.ts";
import { SubmissionBuckets } from "./rate-limits.ts";

/** What the proxy needs from the upstream pool. */
export interface Upstream {
  /** `failure` is set when the pool answered for an SMSC it could not reach (no bind, timeout, link lost…). */
  submit(frame: Uint8Array): Promise<{ status: number; messageId?: string; retryable: boolean; failure?: string }>;
}

export interface SubmissionOptions {
  gatekeeper: Gatekeeper;
  upstream: Upstream;
  maxSubmitsPerSecond: (accountId: string) => number;
  /** Finds each gateway message's SP (its source port's owner). */
  registry: () => RegistrySnapshot;
  /** A gateway link's cap on one SP's share (undefined: only the link's own cap applies). */
  maxShareSubmitsPerSecond: (spId: string) => number | undefined;
  /** An SMSC id to route receipts by; `spMessageId` when the SP was given another id (submit_multi). */
  onAccepted: (messageId: string, identity: SessionIdentity, at: number, spMessageId?: string) => void;
  metrics?: Metrics;
  clock: () => number;
  concatenation?: { timeoutMs?: number; maxPendingSetsPerAccount?: number; maxBytesPerAccount?: number };
  /** How throttled submissions and expired concatenation parts are coalesced in the journal. */
  coalescing?: RefusalCoalescerOptions;
}

interface HeldPart {
  frame: Uint8Array;
  resolve: (answer: InboundAnswer) => void;
  /** What the refusal of this part is journaled with, should its set expire. */
  input: JudgeInput;
  identity: SessionIdentity;
}

/** The fields smuggling() reads. */
type SmugglingFields = { tlvs: readonly Tlv[]; smDefaultMsgId?: number; scheduleDeliveryTime?: string; protocolId?: number };

/**
 * What the SMSC would read but the text layer does not judge: a message the handset does not show
 * (NOT_SHOWN_PROTOCOL_IDS), a repeated TLV (the SMSC may take another copy than we judged) or a
 * canned message (sm_default_msg_id ≠ 0 makes the SMSC send a stored text instead of
 * short_message). Undefined when the PDU has one reading.
 */
function smuggling(body: SmugglingFields): { reason: ReasonCode; detail: string } | undefined {
  if (body.protocolId !== undefined && NOT_SHOWN_PROTOCOL_IDS.has(body.protocolId)) {
    return { reason: "message_ambiguous", detail: `protocol_id 0x${body.protocolId.toString(16)} is not shown to the reader (silent, equipment or SIM message)` };
  }
  const repeated = repeatedTlvTag(body.tlvs);
  if (repeated !== undefined) return { reason: "tlv_repeated", detail: `TLV 0x${repeated.toString(16).padStart(4, "0")} appears more than once` };
  if (body.smDefaultMsgId !== undefined && body.smDefaultMsgId !== 0) {
    return { reason: "message_ambiguous", detail: `sm_default_msg_id ${body.smDefaultMsgId} asks the SMSC for a canned message` };
  }
  // Judged now, sent later: quiet hours, caps and opt-outs would be judged for the wrong moment.
  if (body.scheduleDeliveryTime) return { reason: "scheduled_delivery", detail: `schedule_delivery_time ${body.scheduleDeliveryTime}` };
  return undefined;
}

export function messageFields(body: { esmClass: number; dataCoding: number; shortMessage?: Uint8Array; tlvs: readonly Tlv[] }): MessageFields {
  const sar = {
    ref: tlvUintValue(body.tlvs, TlvTag.sar_msg_ref_num),
    total: tlvUintValue(body.tlvs, TlvTag.sar_total_segments),
    seq: tlvUintValue(body.tlvs, TlvTag.sar_segment_seqnum),
  };
  return {
    esmClass: body.esmClass,
    dataCoding: body.dataCoding,
    shortMessage: body.shortMessage ?? new Uint8Array(0),
    messagePayload: messagePayload(body.tlvs),
    sar: sar.ref === undefined && sar.total === undefined && sar.seq === undefined ? undefined : sar,
  };
}

const answer = (reason: ReasonCode): InboundAnswer => ({ status: commandStatusFor(reason) });

/**
 * The submit path: rate limit, decode, reassemble concatenated parts (held, then all forwarded or
 * all refused), judge the whole message once, and forward accepted PDUs upstream byte for byte
 * (the pool only rewrites the sequence number). The SP's response waits for the SMSC's, so an
 * acknowledged message is one the SMSC took.
 */
export class SubmissionHandler {
  private readonly buckets: SubmissionBuckets;
  private readonly assemblers = new Map<string, ConcatenationAssembler<HeldPart>>();
  private readonly timer: ReturnType<typeof setInterval>;
  /** Throttled submissions and expired parts are journaled like refused binds: coalesced. */
  private readonly coalescer: RefusalCoalescer;

  constructor(private readonly options: SubmissionOptions) {
    this.coalescer = new RefusalCoalescer(options.coalescing);
    this.buckets = new SubmissionBuckets({ account: options.maxSubmitsPerSecond, share: options.maxShareSubmitsPerSecond });
    this.timer = setInterval(() => this.expireParts(), 500);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const [accountId, assembler] of this.assemblers) {
      for (const set of assembler.drain()) for (const part of set.handles) part.resolve({ status: CommandStatus.ESME_RX_T_APPN });
      this.assemblers.delete(accountId);
    }
  }

  /**
   * The bind's rate limit, then whose the submission is (on a gateway bind, its source port's
   * owner: gateway-identity.ts) and, on a gateway, that SP's share of the link. Returns the
   * identity and the tokens granted (of `wanted`), or the answer when it is refused (journaled).
   */
  private admit(context: SessionContext, input: Omit<JudgeInput, "text">, now: number, wanted = 1): { identity: SessionIdentity; granted: number } | InboundAnswer {
    const link = context.kind === "sp" ? context.identity : linkIdentity(context.link);
    let granted = this.buckets.account(context.accountId, now).takeUpTo(now, wanted);
    if (granted === 0) return this.throttle(link, input, wanted, now);
    const who = attribute(context, input.sourceAddr, this.options.registry());
    if (!who.ok) {
      this.options.gatekeeper.journalProtocolRefusal(who.identity, who.reason, { ...input, text: `(${who.detail})` }, now);
      return answer(who.reason);
    }
    // Tokens the link granted beyond the SP's share are not given back.
    granted = this.buckets.share(context, who.identity, now)?.takeUpTo(now, granted) ?? granted;
    return granted === 0 ? this.throttle(who.identity, input, wanted, now) : { identity: who.identity, granted };
  }

  private throttle(identity: RefusalIdentity, input: Omit<JudgeInput, "text">, count: number, now: number): InboundAnswer {
    this.journalThrottled(identity, input, count, now);
    return { status: CommandStatus.ESME_RTHROTTLED };
  }

  /**
   * One row per account per window at most (the first throttled submission, with its source and
   * destination); the rest are counted in gatekeeper_submissions_total{verdict="throttled"}.
   */
  /** A PDU the gatekeeper would read one way and the SMSC another (see smuggling()) is journaled and refused; undefined when clean. */
  private refuseSmuggling(identity: RefusalIdentity, base: Omit<JudgeInput, "text">, body: SmugglingFields, now: number): InboundAnswer | undefined {
    const smuggled = smuggling(body);
    if (!smuggled) return undefined;
    this.options.gatekeeper.journalProtocolRefusal(identity, smuggled.reason, { ...base, text: `(${smuggled.detail})` }, now);
    return answer(smuggled.reason);
  }

  private journalThrottled(identity: RefusalIdentity, input: Omit<JudgeInput, "text">, count: number, now: number): void {
    this.options.metrics?.submissions.inc({ verdict: "throttled", reason: "throttled" }, count);
    if (this.coalescer.admit(`${identity.accountId}|${identity.spId ?? ""}|throttled`, now)) {
      this.options.gatekeeper.journalRefusalOnly(identity, "throttled", { ...input, text: "" }, now);
    }
  }

  submitSm(context: SessionContext, pdu: Pdu<"submit_sm">, frame: Uint8Array): InboundAnswer | Promise<InboundAnswer> {
    return this.single(context, "submit_sm", pdu.body, pdu.body.destinationAddr, frame);
  }

  dataSm(context: SessionContext, pdu: Pdu<"data_sm">, frame: Uint8Array): InboundAnswer | Promise<InboundAnswer> {
    return this.single(context, "data_sm", pdu.body, pdu.body.destinationAddr, frame);
  }

  private single(
    context: SessionContext,
    command: "submit_sm" | "data_sm",
    body: ShortMessageBody | DataSmBody,
    destination: string,
    frame: Uint8Array,
  ): InboundAnswer | Promise<InboundAnswer> {
    const now = this.options.clock();
    const base = { command, serviceType: body.serviceType, sourceAddr: body.sourceAddr, destinations: [destination] };
    const admitted = this.admit(context, base, now);
    if ("status" in admitted) return admitted;
    const identity = admitted.identity;
    const smuggled = this.refuseSmuggling(identity, base, body as SmugglingFields, now);
    if (smuggled) return smuggled;
    const text = extractMessageText(messageFields(body));
    if (!VALID_DESTINATION.test(destination)) {
      this.options.gatekeeper.journalProtocolRefusal(identity, "invalid_destination", { ...base, destinations: [], text: text.ok ? text.text : undefined }, now);
      return answer("invalid_destination");
    }
    if (!text.ok) {
      const reason = textRefusal(text.reason);
      this.options.gatekeeper.journalProtocolRefusal(identity, reason, { ...base, text: `(${text.reason})` }, now);
      return answer(reason);
    }
    if (text.concat && text.concat.total > 1) {
      const key = `${body.sourceAddr}|${destination}|${text.concat.keyPart}`;
      return this.part(identity, { ...base, text: text.text }, key, text.concat, frame.slice(), now);
    }
    return this.judgeAndForwardOne(identity, { command, serviceType: body.serviceType, sourceAddr: body.sourceAddr, destinations: base.destinations, text: text.text }, frame, now);
  }

  /** judgeAndForward for one frame (nearly every message): no arrays of promises and answers per message. */
  private judgeAndForwardOne(identity: SessionIdentity, input: JudgeInput, frame: Uint8Array, now: number): InboundAnswer | Promise<InboundAnswer> {
    const { verdict, traffic } = this.options.gatekeeper.judge(identity, input, now);
    if (verdict.outcome === "reject") return { status: verdict.commandStatus };
    return this.options.upstream.submit(frame).then((result) => {
      const reply = this.upstreamAnswer(result, identity, now);
      // Traffic counts "accepted" only for a message the SMSC took.
      if (reply.status === 0 && reply.messageId) this.options.gatekeeper.accepted(traffic[0]);
      return reply;
    });
  }

  /** One answer per frame: all refused at once (synchronously), or each with the SMSC's answer. */
  private judgeAndForward(identity: SessionIdentity, input: JudgeInput, frames: Uint8Array[], now: number): InboundAnswer[] | Promise<InboundAnswer[]> {
    const { verdict, traffic } = this.options.gatekeeper.judge(identity, input, now);
    if (verdict.outcome === "reject") {
      const refusal = { status: verdict.commandStatus };
      return frames.map(() => refusal);
    }
    // Submit synchronously (the pool copies the frame now), then wait for the SMSC's answers.
    const pending = frames.map((frame) => this.options.upstream.submit(frame));
    const settle = async () => {
      const results = await Promise.all(pending);
      const answers = results.map((result) => this.upstreamAnswer(result, identity, now));
      // Traffic counts "accepted" only for a message the SMSC took whole (every part).
      if (answers.every((a) => a.status === 0 && a.messageId)) this.options.gatekeeper.accepted(traffic[0]);
      return answers;
    };
    return settle();
  }

  /**
   * The SMSC's own answer passes through; when the pool could not reach the SMSC the SP gets the
   * reason list's retryable upstream_unavailable status, so it retries and nothing is lost.
   */
  private upstreamAnswer(result: Awaited<ReturnType<Upstream["submit"]>>, identity: SessionIdentity, now: number, routed = true): InboundAnswer {
    if (result.status === 0 && result.messageId) {
      if (routed) this.options.onAccepted(result.messageId, identity, now);
      return { status: 0, messageId: result.messageId };
    }
    if (result.failure) {
      this.options.metrics?.submissions.inc({ verdict: "upstream_error", reason: result.failure });
      return answer("upstream_unavailable");
    }
    this.options.metrics?.submissions.inc({ verdict: "upstream_error", reason: String(result.status) });
    return { status: result.status, messageId: "" };
  }

  private assembler(key: string): ConcatenationAssembler<HeldPart> {
    let assembler = this.assemblers.get(key);
    if (!assembler) {
      const c = this.options.concatenation ?? {};
      assembler = new ConcatenationAssembler<HeldPart>({
        maxPendingSets: c.maxPendingSetsPerAccount ?? 1000,
        maxBytesTotal: c.maxBytesPerAccount ?? 4 * 1024 * 1024,
        timeoutMs: c.timeoutMs ?? 8000,
      });
      this.assemblers.set(key, assembler);
    }
    return assembler;
  }

  private part(
    identity: SessionIdentity,
    input: JudgeInput,
    key: string,
    concat: { ref: number; total: number; seq: number },
    frame: Uint8Array,
    now: number,
  ): Promise<InboundAnswer> {
    return new Promise<InboundAnswer>((resolve) => {
      const result = this.assembler(`${identity.accountId}|${identity.spId}`).add(key, { ref: concat.ref, total: concat.total, seq: concat.seq, text: input.text, handle: { frame, resolve, input, identity } }, now);
      if (result.state === "incomplete") return;
      if (result.state === "rejected") {
        const reason: ReasonCode = result.reason === "too_large" ? "message_too_long" : "concatenation_incomplete";
        this.options.gatekeeper.journalProtocolRefusal(identity, reason, { ...input, text: `(${result.reason}) ${input.text}` }, now);
        for (const part of result.handles) part.resolve(answer(reason));
        return;
      }
      const answers = this.judgeAndForward(identity, { ...input, text: result.text }, result.handles.map((h) => h.frame), now);
      const deliver = (list: InboundAnswer[]) => result.handles.forEach((part, i) => part.resolve(list[i]!));
      if (Array.isArray(answers)) deliver(answers);
      else void answers.then(deliver);
    });
  }

  /**
   * Sets whose parts did not all arrive in time: every held part is refused, and the set is
   * journaled once (with its first held part's addresses and text), coalesced per account, source
   * and destination like refused binds, so a peer sending only first parts cannot flood the journal.
   */
  private expireParts(): void {
    const now = this.options.clock();
    for (const assembler of this.assemblers.values()) {
      for (const set of assembler.expire(now)) {
        for (const part of set.handles) part.resolve(answer("concatenation_incomplete"));
        this.options.metrics?.submissions.inc({ verdict: "refused", reason: "concatenation_incomplete" });
        const first = set.handles[0];
        if (first && this.coalescer.admit(`${first.identity.accountId}|concatenation_incomplete|${set.key}`, now)) {
          const text = `(${set.received} of ${set.total} parts arrived) ${first.input.text}`;
          this.options.gatekeeper.journalRefusalOnly(first.identity, "concatenation_incomplete", { ...first.input, text }, now);
        }
      }
    }
  }

  /**
   * submit_multi is judged per destination. Accepted destinations are forwarded as one submit_sm
   * each (the same fields and TLVs), so each gets its own message_id and receipt route; refused
   * ones are listed in unsuccess_smes with their status.
   */
  async submitMulti(context: SessionContext, pdu: Pdu<"submit_multi">): Promise<InboundAnswer> {
    const body = pdu.body;
    const now = this.options.clock();
    const unsuccess: UnsuccessSme[] = [];
    const { valid, invalid } = multiDestinations(body.destinations, unsuccess);
    let smes = valid;
    const base = { command: "submit_multi" as const, serviceType: body.serviceType, sourceAddr: body.sourceAddr, destinations: smes.map((d) => d.address) };
    // One rate token per destination: a submit_multi to 100 numbers is 100 messages. Destinations
    // beyond the tokens available are refused with ESME_RTHROTTLED in unsuccess_smes (the SP
    // resends those), the whole PDU when there is no token at all.
    const admitted = this.admit(context, base, now, Math.max(1, smes.length));
    if ("status" in admitted) return admitted;
    const { identity, granted } = admitted;
    if (invalid.length > 0) {
      this.options.gatekeeper.journalProtocolRefusal(identity, "invalid_destination", { ...base, destinations: invalid, text: `(${invalid.length} repeated or invalid destinations)` }, now);
    }
    if (granted < smes.length) {
      const over = smes.slice(granted);
      this.journalThrottled(identity, { ...base, destinations: over.map((d) => d.address) }, over.length, now);
      for (const d of over) unsuccess.push({ ton: d.ton, npi: d.npi, address: d.address, errorStatusCode: CommandStatus.ESME_RTHROTTLED });
      smes = smes.slice(0, granted);
      base.destinations = smes.map((d) => d.address);
    }
    const smuggled = this.refuseSmuggling(identity, base, body, now);
    if (smuggled) return smuggled;
    const text = extractMessageText(messageFields(body));
    if (!text.ok || (text.concat && text.concat.total > 1)) {
      // Concatenated submit_multi is not reassembled: refuse it plainly rather than judge a fragment.
      const reason: ReasonCode = text.ok ? "concatenation_incomplete" : textRefusal(text.reason);
      this.options.gatekeeper.journalProtocolRefusal(identity, reason, { ...base, text: text.ok ? text.text : `(${text.reason})` }, now);
      return answer(reason);
    }
    if (smes.length === 0) return { status: CommandStatus.ESME_RINVDSTADR, unsuccess };
    const { verdict, traffic } = this.options.gatekeeper.judge(identity, { ...base, text: text.text }, now);
    const forwards: Promise<void>[] = [];
    // The SP gets one id: the SMSC's for the first destination it accepted. Every other accepted
    // destination's route carries that id, so its receipt is rewritten to it. Each route is
    // recorded as its answer arrives: a receipt can come back before the last destination's answer.
    let firstMessageId = "";
    verdict.recipients.forEach((recipient, index) => {
      const destination = smes[index]!;
      if (recipient.outcome === "reject" || verdict.outcome === "reject") {
        const status = recipient.outcome === "reject" ? recipient.commandStatus : (verdict as { commandStatus: number }).commandStatus;
        unsuccess.push({ ton: destination.ton, npi: destination.npi, address: destination.address, errorStatusCode: status });
        return;
      }
      const frame = encodeSubmitSm(0, { ...body, destAddrTon: destination.ton, destAddrNpi: destination.npi, destinationAddr: destination.address });
      forwards.push(
        this.options.upstream.submit(frame).then((result) => {
          const reply = this.upstreamAnswer(result, identity, now, false);
          if (reply.status !== 0) {
            unsuccess.push({ ton: destination.ton, npi: destination.npi, address: destination.address, errorStatusCode: reply.status });
            return;
          }
          firstMessageId ||= reply.messageId!;
          this.options.onAccepted(reply.messageId!, identity, now, reply.messageId === firstMessageId ? undefined : firstMessageId);
          this.options.gatekeeper.accepted(traffic[index]);
        }),
      );
    });
    await Promise.all(forwards);
    if (!firstMessageId) {
      const status = verdict.outcome === "reject" ? verdict.commandStatus : (unsuccess[0]?.errorStatusCode ?? CommandStatus.ESME_RSUBMITFAIL);
      return { status, unsuccess };
    }
    return { status: 0, messageId: firstMessageId, unsuccess };
  }
}

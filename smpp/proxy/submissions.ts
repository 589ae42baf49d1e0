import { commandStatusFor, type ReasonCode } from "../../src/policy/reasons.ts";
import type { Metrics } from "../../src/observability/metrics.ts";
import type { InboundAnswer } from "../session/connection.ts";
import { ConcatenationAssembler, extractMessageText, type MessageFields } from "../text/index.ts";
import { CommandStatus } from "../wire/commands.ts";
import { encodeSubmitSm } from "../wire/encode.ts";
import type { DataSmBody, Pdu, ShortMessageBody, UnsuccessSme } from "../wire/pdu.ts";
import { messagePayload, TlvTag, tlvUintValue, type Tlv } from "../wire/tlv.ts";
import type { SessionContext } from "./bind-auth.ts";
import type { Gatekeeper, JudgeInput, SessionIdentity } from "./gatekeeper.ts";
import { TokenBucket } from "./token-bucket.ts";

/** What the proxy needs from the upstream pool. */
export interface Upstream {
  /** `failure` is set when the pool answered for an SMSC it could not reach (no bind, timeout, link lost…). */
  submit(frame: Uint8Array): Promise<{ status: number; messageId?: string; retryable: boolean; failure?: string }>;
}

export interface SubmissionOptions {
  gatekeeper: Gatekeeper;
  upstream: Upstream;
  maxSubmitsPerSecond: (accountId: string) => number;
  /** An SMSC id to route receipts by; `spMessageId` when the SP was given another id (submit_multi). */
  onAccepted: (messageId: string, identity: SessionIdentity, at: number, spMessageId?: string) => void;
  metrics?: Metrics;
  clock: () => number;
  concatenation?: { timeoutMs?: number; maxPendingSetsPerAccount?: number; maxBytesPerAccount?: number };
}

interface HeldPart {
  frame: Uint8Array;
  resolve: (answer: InboundAnswer) => void;
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

/** A phone number: digits, optionally with a leading +. */
const VALID_DESTINATION = /^\+?\d{3,20}$/;

const answer = (reason: ReasonCode): InboundAnswer => ({ status: commandStatusFor(reason) });

/**
 * The submit path: rate limit, decode, reassemble concatenated parts (held, then all forwarded or
 * all refused), judge the whole message once, and forward accepted PDUs upstream byte for byte
 * (the pool only rewrites the sequence number). The SP's response waits for the SMSC's, so an
 * acknowledged message is one the SMSC took.
 */
export class SubmissionHandler {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly assemblers = new Map<string, ConcatenationAssembler<HeldPart>>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly options: SubmissionOptions) {
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

  private throttled(identity: SessionIdentity, now: number): boolean {
    let bucket = this.buckets.get(identity.accountId);
    const rate = this.options.maxSubmitsPerSecond(identity.accountId);
    if (!bucket) this.buckets.set(identity.accountId, (bucket = new TokenBucket(rate, now)));
    else bucket.setRate(rate);
    if (bucket.take(now)) return false;
    this.options.metrics?.submissions.inc({ verdict: "throttled", reason: "throttled" });
    return true;
  }

  submitSm(context: SessionContext, pdu: Pdu<"submit_sm">, frame: Uint8Array): InboundAnswer | Promise<InboundAnswer> {
    return this.single(context.identity, "submit_sm", pdu.body, pdu.body.destinationAddr, frame);
  }

  dataSm(context: SessionContext, pdu: Pdu<"data_sm">, frame: Uint8Array): InboundAnswer | Promise<InboundAnswer> {
    return this.single(context.identity, "data_sm", pdu.body, pdu.body.destinationAddr, frame);
  }

  private single(
    identity: SessionIdentity,
    command: "submit_sm" | "data_sm",
    body: ShortMessageBody | DataSmBody,
    destination: string,
    frame: Uint8Array,
  ): InboundAnswer | Promise<InboundAnswer> {
    const now = this.options.clock();
    if (this.throttled(identity, now)) return { status: CommandStatus.ESME_RTHROTTLED };
    const text = extractMessageText(messageFields(body));
    const base = { command, serviceType: body.serviceType, sourceAddr: body.sourceAddr, destinations: [destination] };
    if (!VALID_DESTINATION.test(destination)) {
      this.options.gatekeeper.journalProtocolRefusal(identity, "invalid_destination", { ...base, destinations: [], text: text.ok ? text.text : undefined }, now);
      return answer("invalid_destination");
    }
    if (!text.ok) {
      this.options.gatekeeper.journalProtocolRefusal(identity, "undecodable_text", { ...base, text: `(${text.reason})` }, now);
      return answer("undecodable_text");
    }
    if (text.concat && text.concat.total > 1) {
      const key = `${body.sourceAddr}|${destination}|${text.concat.keyPart}`;
      return this.part(identity, { ...base, text: text.text }, key, text.concat, frame.slice(), now);
    }
    const answers = this.judgeAndForward(identity, { ...base, text: text.text }, [frame], now);
    return Array.isArray(answers) ? answers[0]! : answers.then((list) => list[0]!);
  }

  /** One answer per frame: all refused at once (synchronously), or each with the SMSC's answer. */
  private judgeAndForward(identity: SessionIdentity, input: JudgeInput, frames: Uint8Array[], now: number): InboundAnswer[] | Promise<InboundAnswer[]> {
    const { verdict } = this.options.gatekeeper.judge(identity, input, now);
    if (verdict.outcome === "reject") {
      const refusal = { status: verdict.commandStatus };
      return frames.map(() => refusal);
    }
    // Submit synchronously (the pool copies the frame now), then wait for the SMSC's answers.
    const pending = frames.map((frame) => this.options.upstream.submit(frame));
    const settle = async () => {
      const results = await Promise.all(pending);
      return results.map((result) => this.upstreamAnswer(result, identity, now));
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

  private assembler(accountId: string): ConcatenationAssembler<HeldPart> {
    let assembler = this.assemblers.get(accountId);
    if (!assembler) {
      const c = this.options.concatenation ?? {};
      assembler = new ConcatenationAssembler<HeldPart>({
        maxPendingSets: c.maxPendingSetsPerAccount ?? 1000,
        maxBytesTotal: c.maxBytesPerAccount ?? 4 * 1024 * 1024,
        timeoutMs: c.timeoutMs ?? 8000,
      });
      this.assemblers.set(accountId, assembler);
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
      const result = this.assembler(identity.accountId).add(key, { ref: concat.ref, total: concat.total, seq: concat.seq, text: input.text, handle: { frame, resolve } }, now);
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

  private expireParts(): void {
    const now = this.options.clock();
    for (const assembler of this.assemblers.values()) {
      for (const set of assembler.expire(now)) {
        for (const part of set.handles) part.resolve(answer("concatenation_incomplete"));
        this.options.metrics?.submissions.inc({ verdict: "refused", reason: "concatenation_incomplete" });
      }
    }
  }

  /**
   * submit_multi is judged per destination. Accepted destinations are forwarded as one submit_sm
   * each (the same fields and TLVs), so each gets its own message_id and receipt route; refused
   * ones are listed in unsuccess_smes with their status.
   */
  async submitMulti(context: SessionContext, pdu: Pdu<"submit_multi">): Promise<InboundAnswer> {
    const identity = context.identity;
    const body = pdu.body;
    const now = this.options.clock();
    if (this.throttled(identity, now)) return { status: CommandStatus.ESME_RTHROTTLED };
    const unsuccess: UnsuccessSme[] = [];
    const smes = body.destinations.filter((d) => {
      if (d.kind === "sme") return true;
      unsuccess.push({ ton: 0, npi: 0, address: d.name, errorStatusCode: CommandStatus.ESME_RINVDSTADR });
      return false;
    }) as { kind: "sme"; ton: number; npi: number; address: string }[];
    const text = extractMessageText(messageFields(body));
    const base = { command: "submit_multi" as const, serviceType: body.serviceType, sourceAddr: body.sourceAddr, destinations: smes.map((d) => d.address) };
    if (!text.ok || (text.concat && text.concat.total > 1)) {
      // Concatenated submit_multi is not reassembled: refuse it plainly rather than judge a fragment.
      const reason: ReasonCode = text.ok ? "concatenation_incomplete" : "undecodable_text";
      this.options.gatekeeper.journalProtocolRefusal(identity, reason, { ...base, text: text.ok ? text.text : `(${text.reason})` }, now);
      return answer(reason);
    }
    if (smes.length === 0) return { status: CommandStatus.ESME_RINVDSTADR, unsuccess };
    const { verdict } = this.options.gatekeeper.judge(identity, { ...base, text: text.text }, now);
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


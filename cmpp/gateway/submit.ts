/**
 * The CMPP submit path, the same as SMPP's: rate limit, protocol checks, reassembly of long
 * messages (held, then all forwarded or all refused), one judgement of the whole text for all of
 * DestUsr_tl's destinations (per destination), and each accepted destination forwarded upstream as
 * one SMPP submit_sm per part. The SP's SUBMIT_RESP waits for the SMSC's answers, so Result 0
 * means the SMSC took the message for at least one destination. Each SUBMIT gets its own Msg_Id;
 * the receipts of every destination it went to are routed back to that Msg_Id.
 */
import type { Gatekeeper } from "../../src/gateway/gatekeeper.ts";
import type { JudgeInput, SessionIdentity } from "../../src/gateway/judge-input.ts";
import type { OutboundPart, SendUpstream, UpstreamAnswer } from "../../src/gateway/outbound.ts";
import { RefusalCoalescer } from "../../src/gateway/refusal-coalescer.ts";
import { TokenBucket } from "../../src/gateway/token-bucket.ts";
import type { Metrics } from "../../src/observability/metrics.ts";
import type { ReasonCode } from "../../src/policy/reasons.ts";
import type { RegistrySnapshot } from "../../src/registry/snapshot.ts";
import { ConcatenationAssembler } from "../../src/text/index.ts";
import type { SubmitAnswer } from "../session/types.ts";
import { SubmitResult } from "../wire/constants.ts";
import type { SubmitBody } from "../wire/pdu.ts";
import type { CmppSessionContext } from "./auth.ts";
import { cmppRouteId } from "./route-id.ts";
import { MSG_SRC_MISMATCH_RESULT, submitResultFor, UPSTREAM_REFUSED_RESULT } from "./results.ts";
import { serviceCategory, smuggled, splitDestinations, submitText } from "./submit-checks.ts";

/** A destination refused while others of the same SUBMIT went on: its status report says why. */
export interface RefusedDestination {
  context: CmppSessionContext;
  msgId: bigint;
  srcId: string;
  destination: string;
  result: number;
  at: number;
}

export interface CmppSubmitOptions {
  gatekeeper: Gatekeeper;
  send: SendUpstream;
  registry: () => RegistrySnapshot;
  /** The next Msg_Id (MsgIdGenerator.next). */
  nextMsgId: () => Promise<bigint>;
  clock: () => number;
  maxSubmitsPerSecond: (accountId: string) => number;
  /** An SMSC id to route receipts by, and the SP's Msg_Id in route form (route-id.ts). */
  onAccepted: (smscMessageId: string, identity: SessionIdentity, at: number, spMessageId: string) => void;
  /** Registered_Delivery = 1 and the destination was refused while others were accepted. */
  onRefusedDestination?: (refused: RefusedDestination) => void;
  metrics?: Metrics;
  concatenationTimeoutMs?: number;
}

interface HeldPart {
  body: SubmitBody;
  msgId: bigint;
  resolve: (answer: SubmitAnswer) => void;
}

export class CmppSubmitHandler {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly assemblers = new Map<string, ConcatenationAssembler<HeldPart>>();
  private readonly coalescer = new RefusalCoalescer();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly options: CmppSubmitOptions) {
    this.timer = setInterval(() => this.expireParts(), 500);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const assembler of this.assemblers.values()) for (const set of assembler.drain()) for (const part of set.handles) part.resolve({ result: SubmitResult.FLOW_CONTROL });
    this.assemblers.clear();
  }

  async submit(context: CmppSessionContext, body: SubmitBody): Promise<SubmitAnswer> {
    const identity = context.identity;
    const now = this.options.clock();
    const category = serviceCategory(body.serviceId, this.options.registry().settings.serviceIdCategories);
    const input = { command: "cmpp_submit" as const, serviceType: body.serviceId, category, sourceAddr: body.srcId, destinations: body.destTerminalIds };
    if (this.throttled(identity, input, now)) return { result: SubmitResult.FLOW_CONTROL };
    if (body.msgSrc !== context.spCode) {
      // Msg_src is the content source (the spec's SP_Id): another SP's code means carrying another SP's traffic.
      this.refuse(identity, "sublet_no_contract", { ...input, text: `(Msg_src ${body.msgSrc.slice(0, 6)} is not the connected SP code)` }, now);
      return { result: MSG_SRC_MISMATCH_RESULT };
    }
    const trick = smuggled(body);
    if (trick) return this.refusal(identity, trick.reason, { ...input, text: `(${trick.detail})` }, now);
    const { valid, invalid } = splitDestinations(body.destTerminalIds);
    const text = submitText(body);
    if (invalid.length > 0) this.refuse(identity, "invalid_destination", { ...input, destinations: invalid, text: text.ok ? text.text : undefined }, now);
    if (valid.length === 0) return { result: submitResultFor("invalid_destination") };
    if (!text.ok) return this.refusal(identity, text.reason, { ...input, destinations: valid, text: `(${text.detail})` }, now);
    const judged: JudgeInput = { ...input, destinations: valid, text: text.text };
    const msgId = await this.options.nextMsgId();
    if (!text.concat) {
      const [answer] = await this.judgeAndForward(context, judged, [{ body, msgId }], now);
      return answer!;
    }
    const concat = text.concat;
    return new Promise<SubmitAnswer>((resolve) => {
      const key = `${body.srcId}|${valid.join(",")}|${concat.keyPart}`;
      const result = this.assembler(identity.accountId).add(key, { ref: concat.ref, total: concat.total, seq: concat.seq, text: text.text, handle: { body, msgId, resolve } }, now);
      if (result.state === "incomplete") return;
      if (result.state === "rejected") {
        const reason: ReasonCode = result.reason === "too_large" ? "message_too_long" : "concatenation_incomplete";
        this.refuse(identity, reason, { ...judged, text: `(${result.reason}) ${text.text}` }, now);
        for (const part of result.handles) part.resolve({ result: submitResultFor(reason) });
        return;
      }
      void this.judgeAndForward(context, { ...judged, text: result.text }, result.handles, now).then((answers) => result.handles.forEach((part, i) => part.resolve(answers[i]!)));
    });
  }

  /** One answer per part: every destination judged once for the whole text, then each part sent to each accepted one. */
  private async judgeAndForward(context: CmppSessionContext, input: JudgeInput, parts: { body: SubmitBody; msgId: bigint }[], now: number): Promise<SubmitAnswer[]> {
    const { verdict, traffic } = this.options.gatekeeper.judge(context.identity, input, now);
    const refusedResult = (index: number): number | undefined => {
      const recipient = verdict.recipients[index];
      if (recipient?.outcome === "reject") return submitResultFor(recipient.reason);
      return verdict.outcome === "reject" ? submitResultFor(verdict.reason) : undefined;
    };
    const perDestination = await Promise.all(input.destinations.map(async (destination, index) => {
      const refused = refusedResult(index);
      if (refused !== undefined) return parts.map(() => ({ result: refused, accepted: false }));
      const sent = await Promise.all(parts.map((part) => this.options.send(outboundPart(part.body, destination))));
      const answers = sent.map((answer, i) => this.upstreamAnswer(answer, context, parts[i]!, now));
      if (answers.every((a) => a.accepted)) this.options.gatekeeper.accepted(traffic[index]);
      return answers;
    }));
    return parts.map((part, partIndex) => {
      const accepted = perDestination.some((answers) => answers[partIndex]!.accepted);
      if (accepted && part.body.registeredDelivery === 1) this.reportRefused(context, part, input.destinations, perDestination, partIndex, now);
      return accepted ? { result: 0, msgId: part.msgId } : { result: perDestination[0]![partIndex]!.result, msgId: part.msgId };
    });
  }

  private upstreamAnswer(answer: UpstreamAnswer, context: CmppSessionContext, part: { body: SubmitBody; msgId: bigint }, now: number) {
    if (answer.status === 0 && answer.messageId) {
      this.options.onAccepted(answer.messageId, context.identity, now, cmppRouteId(part.msgId, part.body.srcId));
      return { result: 0, accepted: true };
    }
    if (answer.failure || answer.retryable) {
      // The pool could not reach the SMSC, or the SMSC said "later" (throttled, queue full): the SP retries.
      this.options.metrics?.submissions.inc({ verdict: "upstream_error", reason: answer.failure ?? String(answer.status) });
      return { result: submitResultFor("upstream_unavailable"), accepted: false };
    }
    this.options.metrics?.submissions.inc({ verdict: "upstream_error", reason: String(answer.status) });
    return { result: UPSTREAM_REFUSED_RESULT, accepted: false };
  }

  private reportRefused(context: CmppSessionContext, part: { body: SubmitBody; msgId: bigint }, destinations: readonly string[], perDestination: { result: number; accepted: boolean }[][], partIndex: number, at: number): void {
    destinations.forEach((destination, index) => {
      const answer = perDestination[index]![partIndex]!;
      if (!answer.accepted) this.options.onRefusedDestination?.({ context, msgId: part.msgId, srcId: part.body.srcId, destination, result: answer.result, at });
    });
  }

  private refusal(identity: SessionIdentity, reason: ReasonCode, input: Partial<JudgeInput> & { command: string }, now: number): SubmitAnswer {
    this.refuse(identity, reason, input, now);
    return { result: submitResultFor(reason) };
  }

  private refuse(identity: SessionIdentity, reason: ReasonCode, input: Partial<JudgeInput> & { command: string }, now: number): void {
    this.options.gatekeeper.journalProtocolRefusal(identity, reason, input, now);
  }

  /** One token per destination (a SUBMIT to 10 numbers is 10 messages); throttled ones journaled once per account per window. */
  private throttled(identity: SessionIdentity, input: Omit<JudgeInput, "text">, now: number): boolean {
    let bucket = this.buckets.get(identity.accountId);
    const rate = this.options.maxSubmitsPerSecond(identity.accountId);
    if (!bucket) this.buckets.set(identity.accountId, (bucket = new TokenBucket(rate, now)));
    else bucket.setRate(rate);
    const wanted = Math.max(1, input.destinations.length);
    if (bucket.takeUpTo(now, wanted) === wanted) return false;
    this.options.metrics?.submissions.inc({ verdict: "throttled", reason: "throttled" });
    if (this.coalescer.admit(`${identity.accountId}|throttled`, now)) this.options.gatekeeper.journalRefusalOnly(identity, "throttled", { ...input, text: "" }, now);
    return true;
  }

  private assembler(accountId: string): ConcatenationAssembler<HeldPart> {
    let assembler = this.assemblers.get(accountId);
    if (!assembler) {
      assembler = new ConcatenationAssembler<HeldPart>({ maxPendingSets: 1000, maxBytesTotal: 4 * 1024 * 1024, timeoutMs: this.options.concatenationTimeoutMs ?? 8000 });
      this.assemblers.set(accountId, assembler);
    }
    return assembler;
  }

  /** Sets whose parts did not all arrive in time: every held part is refused (concatenation_incomplete). */
  private expireParts(): void {
    const now = this.options.clock();
    for (const assembler of this.assemblers.values()) {
      for (const set of assembler.expire(now)) {
        for (const part of set.handles) part.resolve({ result: submitResultFor("concatenation_incomplete") });
        this.options.metrics?.submissions.inc({ verdict: "refused", reason: "concatenation_incomplete" });
      }
    }
  }
}

/** One part for one destination, as the upstream SMPP submit_sm carries it (UDH kept in the content). */
function outboundPart(body: SubmitBody, destination: string): OutboundPart {
  return {
    source: body.srcId,
    destination,
    dataCoding: body.msgFmt,
    udhi: body.tpUdhi === 1,
    content: body.msgContent,
    registeredDelivery: body.registeredDelivery === 1,
    protocolId: body.tpPid,
    segment: body.tpUdhi === 0 && body.pkTotal > 1 ? { ref: 0, total: body.pkTotal, seq: body.pkNumber } : undefined,
  };
}

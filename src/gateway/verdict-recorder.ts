/**
 * The verdict recorder: everything the gatekeeper writes down about a judged message, apart from
 * judging it. Journal rows for refusals and monitored would-be refusals (recipient stored only as
 * keyed hash + mask, text redacted unless the operator chose full text), traffic counts per China
 * day, the submissions metric, and for accepted messages the daily marketing counters and who
 * last wrote to a recipient from a port.
 */
import type { Journal, RejectionEvent, TrafficKey } from "../journal/journal.ts";
import { ChinaDayCache } from "../lib/dates.ts";
import { redactText, type PiiProtector } from "../lib/pii.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Recipient, Verdict } from "../policy/index.ts";
import type { ReasonCode } from "../policy/reasons.ts";
import type { LastSenders } from "./last-senders.ts";
import { submissionSender, type JudgeInput, type SessionIdentity, type SubmissionSender } from "./judge-input.ts";
import type { RefusalIdentity } from "./judge-input.ts";
import type { DailyMarketingCounters } from "./recipient-counters.ts";
import type { VelocityCounters } from "../../src/velocity/velocity-counters.ts";

export interface VerdictRecorderOptions {
  journal: Journal;
  pii: PiiProtector;
  metrics?: Metrics;
  fullText?: boolean;
  counters: DailyMarketingCounters;
  velocity: VelocityCounters;
  lastSender: LastSenders;
}

export class VerdictRecorder {
  private readonly chinaDay = new ChinaDayCache();
  /**
   * Labelled counter children, resolved once per (verdict, reason) instead of once per message; by
   * verdict, then reason (no key string built per message).
   */
  private readonly counterChildren = new Map<string, Map<string, { inc(): void }>>();

  constructor(private readonly options: VerdictRecorderOptions) {}

  /** The SMSC accepted a message judged with this traffic key (see judge). */
  accepted(traffic: TrafficKey | undefined): void {
    this.countSubmission("accepted", "");
    if (traffic) this.options.journal.count(traffic, "accepted");
  }

  /** A refusal decided outside the policy (throttling, undecodable text, incomplete parts …). */
  journalProtocolRefusal(session: RefusalIdentity, reason: ReasonCode, input: Partial<JudgeInput> & { command: string }, at: number): void {
    this.journalRefusalOnly(session, reason, input, at);
    this.countSubmission("refused", reason);
  }

  /** The journal row of a protocol refusal, without counting it in the metrics (the caller does). */
  journalRefusalOnly(session: RefusalIdentity, reason: ReasonCode, input: Partial<JudgeInput> & { command: string }, at: number): void {
    const first = input.destinations?.[0];
    this.options.journal.recordRejection({
      at,
      reason,
      monitor: false,
      command: input.command,
      spId: session.spId,
      accountId: session.accountId,
      sourceAddr: input.sourceAddr ?? null,
      recipientHash: first ? this.options.pii.hash(first) : null,
      recipientMask: first ? this.options.pii.mask(first) : null,
      text: input.text === undefined ? null : this.options.fullText ? input.text : redactText(input.text),
      remoteAddress: session.remoteAddress,
    });
  }

  countSubmission(verdict: string, reason: string): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    let byReason = this.counterChildren.get(verdict);
    if (!byReason) this.counterChildren.set(verdict, (byReason = new Map()));
    let child = byReason.get(reason);
    if (!child) byReason.set(reason, (child = metrics.submissions.batched({ verdict, reason })));
    child.inc();
  }

  /** Records a verdict; returns each recipient's traffic key when it was accepted (see Gatekeeper.judge). */
  record(session: SessionIdentity, input: JudgeInput, recipients: readonly (Recipient & { address: string })[], verdict: Verdict, at: number): (TrafficKey | undefined)[] {
    const journal = this.options.journal;
    // The journal row's common fields, built only when something is journaled (not per accepted
    // message); each row is one literal of its own (the journal keeps it), times as epoch ms.
    let sender: SubmissionSender | undefined;
    let text: string | undefined;
    const rejection = (reason: string, monitor: boolean, index: number, detail?: string): RejectionEvent => {
      sender ??= submissionSender(session, input, verdict);
      text ??= this.options.fullText ? input.text : redactText(input.text);
      const recipient = recipients[index];
      return {
        at,
        reason,
        monitor,
        command: input.command,
        spId: sender.spId,
        accountId: sender.accountId,
        portId: sender.portId,
        sourceAddr: sender.sourceAddr,
        signatureId: sender.signatureId,
        signatureText: sender.signatureText,
        enterpriseId: sender.enterpriseId,
        category: verdict.category ?? null,
        recipientHash: recipient ? recipient.hash : null,
        recipientMask: recipient ? this.options.pii.mask(recipient.address) : null,
        text,
        remoteAddress: session.remoteAddress,
        detail: detail ?? null,
      };
    };
    for (const monitored of verdict.monitored) {
      journal.recordRejection(rejection(monitored.reason, true, monitored.recipient ?? 0, monitored.detail));
      this.countSubmission("monitored", monitored.reason);
    }
    const key =
      verdict.port && verdict.signature && verdict.enterpriseId
        ? { day: this.chinaDay.localDate(at), spId: session.spId, portId: verdict.port.id, signatureId: verdict.signature.id, enterpriseId: verdict.enterpriseId, category: verdict.category ?? "unknown" }
        : undefined;
    const traffic: (TrafficKey | undefined)[] = [];
    const recipientVerdicts = verdict.recipients;
    for (let index = 0; index < recipientVerdicts.length; index++) {
      const recipientVerdict = recipientVerdicts[index]!;
      if (recipientVerdict.outcome === "reject") {
        journal.recordRejection(rejection(recipientVerdict.reason, false, index, recipientVerdict.detail));
        this.countSubmission("refused", recipientVerdict.reason);
        if (key) journal.count(key, "refused");
        traffic.push(undefined);
        continue;
      }
      // "accepted" is counted by accepted(), once the SMSC took the message.
      traffic.push(key);
      if (verdict.outcome === "accept" && verdict.enterpriseId && verdict.port) {
        const recipient = recipients[index]!;
        if (verdict.category === "marketing") this.options.counters.recordMarketing(recipient.hash, verdict.enterpriseId, at);
        else if (verdict.category === "verification" || verdict.readsAsVerification) this.options.velocity.record(recipient.hash, verdict.enterpriseId, at);
        // Every category: a "T" after a verification message opts out of that enterprise's marketing.
        // Kept here for this proxy, and persisted in the journal's batch for restarts and the other proxies.
        this.options.lastSender.set(recipient.hash, verdict.port.id, verdict.enterpriseId, at);
        journal.recordLastSender({ recipientHash: recipient.hash, portId: verdict.port.id, enterpriseId: verdict.enterpriseId, at });
      }
    }
    return traffic;
  }
}

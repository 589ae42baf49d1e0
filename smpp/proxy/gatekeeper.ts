import type { Metrics } from "../../src/observability/metrics.ts";
import type { Journal, TrafficKey } from "../../src/journal/journal.ts";
import { redactText, type PiiProtector } from "../../src/lib/pii.ts";
import { decide, type Category, type Recipient, type Submission, type Verdict } from "../../src/policy/index.ts";
import type { ReasonCode } from "../../src/policy/reasons.ts";
import type { RegistrySnapshot } from "../../src/registry/snapshot.ts";
import { BoundedMap } from "./bounded-map.ts";
import { DailyMarketingCounters } from "./recipient-counters.ts";

/** The bound session a submission arrives on. */
export interface SessionIdentity {
  accountId: string;
  spId: string;
  systemId: string;
  defaultCategory: Category;
  remoteAddress: string;
}

export interface JudgeInput {
  command: Submission["command"];
  serviceType: string;
  sourceAddr: string;
  destinations: readonly string[];
  text: string;
}

/** service_type carries the declared category; anything else falls back to the account default. */
export function declaredCategory(serviceType: string, fallback: Category): Category {
  switch (serviceType.trim().toUpperCase()) {
    case "VER":
      return "verification";
    case "NTF":
      return "notification";
    case "MKT":
      return "marketing";
    default:
      return fallback;
  }
}

/** A recipient whose keyed hash is computed only if a rule (or the journal) asks for it. */
class LazyRecipient implements Recipient {
  private cached: string | undefined;
  constructor(
    readonly address: string,
    private readonly pii: PiiProtector,
  ) {}
  get hash(): string {
    return (this.cached ??= this.pii.hash(this.address));
  }
}

export interface GatekeeperOptions {
  registry: () => RegistrySnapshot;
  journal: Journal;
  pii: PiiProtector;
  metrics?: Metrics;
  /** Keep message text unredacted in the journal (operator's choice; off by default). */
  fullText?: boolean;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

const DAY_MS = 86_400_000;

/** The China calendar day of an instant, "YYYY-MM-DD", formatted once per day rather than per message. */
class ChinaDay {
  private from = 0;
  private to = 0;
  private day = "";

  of(at: number): string {
    if (at >= this.from && at < this.to) return this.day;
    const local = at + SHANGHAI_OFFSET_MS;
    this.from = Math.floor(local / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
    this.to = this.from + DAY_MS;
    this.day = new Date(local).toISOString().slice(0, 10);
    return this.day;
  }
}

/**
 * Judges one whole message (all parts joined) for a bound account, and does the bookkeeping
 * around the pure decision: journal entries for refusals and monitored would-be refusals,
 * traffic counts, daily marketing counters, and who last wrote to a recipient from a port (so a
 * bare "T" to that port can be attributed to an enterprise).
 */
export class Gatekeeper {
  readonly counters = new DailyMarketingCounters();
  /**
   * `${recipientHash}|${portId}` → enterprise that last sent (any category) from that port: the hot
   * copy of the `last_senders` table, which survives restarts and is shared by every proxy.
   */
  readonly lastSender = new BoundedMap<string, { enterpriseId: string; at: number }>(1_000_000, 30 * 86_400_000);
  private readonly chinaDay = new ChinaDay();
  /** Labelled counter children, resolved once per (verdict, reason) instead of once per message. */
  private readonly counterChildren = new Map<string, { inc(): void }>();

  constructor(private readonly options: GatekeeperOptions) {}

  /**
   * `traffic[i]` is recipient i's traffic-count key when it was accepted (undefined otherwise):
   * the caller passes it to accepted() once the SMSC took that message, so traffic counts
   * "accepted" only for what the SMSC accepted.
   */
  judge(session: SessionIdentity, input: JudgeInput, at: number): { verdict: Verdict; recipients: LazyRecipient[]; traffic: (TrafficKey | undefined)[] } {
    const recipients = input.destinations.map((address) => new LazyRecipient(address, this.options.pii));
    const submission: Submission = {
      command: input.command,
      spId: session.spId,
      accountId: session.accountId,
      sourceAddr: input.sourceAddr,
      recipients,
      text: input.text,
      declaredCategory: declaredCategory(input.serviceType, session.defaultCategory),
      at,
    };
    const started = this.options.metrics ? performance.now() : 0;
    const verdict = decide(submission, this.options.registry(), this.counters);
    if (this.options.metrics) this.options.metrics.decisionSeconds.observe((performance.now() - started) / 1000);
    const traffic = this.bookkeeping(session, input, recipients, verdict, at);
    return { verdict, recipients, traffic };
  }

  /** The SMSC accepted a message judged with this traffic key (see judge). */
  accepted(traffic: TrafficKey | undefined): void {
    this.countSubmission("accepted", "");
    if (traffic) this.options.journal.count(traffic, "accepted");
  }

  /** A refusal decided outside the policy (throttling, undecodable text, incomplete parts …). */
  journalProtocolRefusal(session: SessionIdentity, reason: ReasonCode, input: Partial<JudgeInput> & { command: string }, at: number): void {
    this.journalRefusalOnly(session, reason, input, at);
    this.countSubmission("refused", reason);
  }

  /** The journal row of a protocol refusal, without counting it in the metrics (the caller does). */
  journalRefusalOnly(session: SessionIdentity, reason: ReasonCode, input: Partial<JudgeInput> & { command: string }, at: number): void {
    const first = input.destinations?.[0];
    this.options.journal.recordRejection({
      at: new Date(at),
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

  private countSubmission(verdict: string, reason: string): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const key = `${verdict}|${reason}`;
    let child = this.counterChildren.get(key);
    if (!child) this.counterChildren.set(key, (child = metrics.submissions.labels({ verdict, reason })));
    child.inc();
  }

  private bookkeeping(session: SessionIdentity, input: JudgeInput, recipients: LazyRecipient[], verdict: Verdict, at: number): (TrafficKey | undefined)[] {
    const journal = this.options.journal;
    const text = this.options.fullText ? input.text : undefined;
    const when = new Date(at);
    const base = {
      at: when,
      command: input.command,
      spId: session.spId,
      accountId: session.accountId,
      portId: verdict.port?.id ?? null,
      sourceAddr: input.sourceAddr,
      signatureId: verdict.signature?.id ?? null,
      signatureText: verdict.signature?.text ?? verdict.offeredSignature ?? null,
      enterpriseId: verdict.enterpriseId ?? null,
      category: verdict.category ?? null,
      remoteAddress: session.remoteAddress,
    };
    const recipientFields = (index: number) => {
      const recipient = recipients[index];
      return recipient ? { recipientHash: recipient.hash, recipientMask: this.options.pii.mask(recipient.address) } : {};
    };
    for (const monitored of verdict.monitored) {
      journal.recordRejection({ ...base, reason: monitored.reason, monitor: true, ...recipientFields(monitored.recipient ?? 0), text: text ?? redactText(input.text) });
      this.countSubmission("monitored", monitored.reason);
    }
    const key =
      verdict.port && verdict.signature && verdict.enterpriseId
        ? { day: this.chinaDay.of(at), spId: session.spId, portId: verdict.port.id, signatureId: verdict.signature.id, enterpriseId: verdict.enterpriseId, category: verdict.category ?? "unknown" }
        : undefined;
    const traffic: (TrafficKey | undefined)[] = [];
    verdict.recipients.forEach((recipientVerdict, index) => {
      if (recipientVerdict.outcome === "reject") {
        journal.recordRejection({ ...base, reason: recipientVerdict.reason, monitor: false, ...recipientFields(index), text: text ?? redactText(input.text) });
        this.countSubmission("refused", recipientVerdict.reason);
        if (key) journal.count(key, "refused");
        traffic.push(undefined);
        return;
      }
      // "accepted" is counted by accepted(), once the SMSC took the message.
      traffic.push(key);
      if (verdict.outcome === "accept" && verdict.enterpriseId && verdict.port) {
        const recipient = recipients[index]!;
        if (verdict.category === "marketing") this.counters.recordMarketing(recipient.hash, verdict.enterpriseId, at);
        // Every category: a "T" after a verification message opts out of that enterprise's marketing.
        // Kept here for this proxy, and persisted in the journal's batch for restarts and the other proxies.
        this.lastSender.set(`${recipient.hash}|${verdict.port.id}`, { enterpriseId: verdict.enterpriseId, at }, at);
        journal.recordLastSender({ recipientHash: recipient.hash, portId: verdict.port.id, enterpriseId: verdict.enterpriseId, at: when });
      }
    });
    return traffic;
  }
}

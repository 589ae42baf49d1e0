import type { Metrics } from "../observability/metrics.ts";
import type { Journal, TrafficKey } from "../journal/journal.ts";
import { DAY_MS } from "../lib/dates.ts";
import type { PiiProtector } from "../lib/pii.ts";
import { CONSENT_REQUEST_SERVICE_TYPE, decide, type Category, type Recipient, type RecipientCounters, type Submission, type Verdict } from "../policy/index.ts";
import { VelocityCounters } from "../velocity/velocity-counters.ts";
import type { ReasonCode } from "../policy/reasons.ts";
import type { RegistrySnapshot } from "../registry/snapshot.ts";
import { LastSenders } from "./last-senders.ts";
import { submissionSender, type JudgeInput, type SessionIdentity, type SubmissionSender } from "./judge-input.ts";
import type { RefusalIdentity } from "./judge-input.ts";
import { DailyMarketingCounters } from "./recipient-counters.ts";
import { VerdictRecorder } from "./verdict-recorder.ts";

export type { JudgeInput, SessionIdentity } from "./judge-input.ts";

/** service_type carries the declared category; anything else falls back to the account default. */
export function declaredCategory(serviceType: string, fallback: Category): Category {
  switch (serviceType.trim().toUpperCase()) {
    case "VER":
      return "verification";
    case "NTF":
      return "notification";
    case "MKT":
    case CONSENT_REQUEST_SERVICE_TYPE:
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
  /** Carrier-wide verification counters (shared between proxies); default: this proxy alone. */
  velocity?: VelocityCounters;
  /** Marketing to a honeypot number was judged (accepted or refused): the hit, for the finding and the suspension. */
  honeypotHit?: (hit: HoneypotHit) => void;
  /** A consent request was accepted for this recipient (persist it, so every proxy refuses a repeat). */
  consentRequestSent?: (sent: { recipientHash: string; recipientMask: string; enterpriseId: string; signatureId?: string; at: number }) => void;
}

export interface HoneypotHit extends SubmissionSender {
  at: number;
  honeypotHash: string;
  refused: boolean;
}

/**
 * Judges one whole message (all parts joined) for a bound account with the pure decide(), and
 * hands the verdict to the VerdictRecorder (verdict-recorder.ts) for the bookkeeping: journal
 * entries for refusals and monitored would-be refusals, traffic counts, daily marketing counters,
 * and who last wrote to a recipient from a port (so a bare "T" to that port can be attributed to
 * an enterprise).
 */
export class Gatekeeper {
  readonly counters = new DailyMarketingCounters();
  readonly velocity: VelocityCounters;
  /** What decide() reads: the daily marketing counts and the carrier-wide verification counts. */
  private readonly policyCounters: RecipientCounters;
  /**
   * (recipient hash, port) → enterprise that last sent (any category) from that port: the hot copy
   * of the `last_senders` table, which survives restarts and is shared by every proxy.
   */
  readonly lastSender = new LastSenders(1_000_000, 30 * DAY_MS);
  private readonly recorder: VerdictRecorder;

  constructor(private readonly options: GatekeeperOptions) {
    this.velocity = options.velocity ?? new VelocityCounters();
    this.policyCounters = {
      marketingSentToday: (hash, enterpriseId, at) => this.counters.marketingSentToday(hash, enterpriseId, at),
      verificationVelocity: (hash, at) => this.velocity.read(hash, at),
    };
    this.recorder = new VerdictRecorder({ ...options, counters: this.counters, velocity: this.velocity, lastSender: this.lastSender });
  }

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
      declaredCategory: input.category ?? declaredCategory(input.serviceType, session.defaultCategory),
      consentRequest: input.serviceType.trim().toUpperCase() === CONSENT_REQUEST_SERVICE_TYPE,
      at,
    };
    const started = this.options.metrics ? performance.now() : 0;
    const snapshot = this.options.registry();
    const verdict = decide(submission, snapshot, this.policyCounters);
    if (this.options.metrics) this.options.metrics.decisionSeconds.observe((performance.now() - started) / 1000);
    const traffic = this.recorder.record(session, input, recipients, verdict, at);
    // Marketing as judged, or as declared when a rule refused before the text was classified.
    if ((verdict.category ?? submission.declaredCategory) === "marketing" && snapshot.honeypotCount > 0) this.reportHoneypots(session, input, recipients, verdict, snapshot, at);
    if (verdict.outcome === "accept" && verdict.enterpriseId && verdict.consentRequest) this.consentRequestsSent(verdict, recipients, at);
    return { verdict, recipients, traffic };
  }

  /**
   * Marketing named a honeypot: the hit goes to the sink, whatever the verdict. Nothing else
   * changes: the verdict, the status and the journal are exactly those of any other number.
   */
  private reportHoneypots(session: SessionIdentity, input: JudgeInput, recipients: LazyRecipient[], verdict: Verdict, snapshot: RegistrySnapshot, at: number): void {
    const sink = this.options.honeypotHit;
    if (!sink) return;
    recipients.forEach((recipient, index) => {
      if (!snapshot.isHoneypot(recipient.hash)) return;
      sink({
        at,
        honeypotHash: recipient.hash,
        ...submissionSender(session, input, verdict),
        refused: verdict.recipients[index]?.outcome === "reject",
      });
    });
  }

  /**
   * Each recipient an accepted consent request goes to: noted in this proxy's snapshot at once (the
   * next request from any session here is refused) and handed on to be persisted and announced to
   * the other proxies.
   */
  private consentRequestsSent(verdict: Verdict & { outcome: "accept" }, recipients: LazyRecipient[], at: number): void {
    const enterpriseId = verdict.enterpriseId!;
    verdict.recipients.forEach((recipientVerdict, index) => {
      if (recipientVerdict.outcome !== "accept") return;
      const recipient = recipients[index]!;
      this.options.registry().noteConsentRequest(recipient.hash, enterpriseId, at);
      this.options.consentRequestSent?.({ recipientHash: recipient.hash, recipientMask: this.options.pii.mask(recipient.address), enterpriseId, signatureId: verdict.signature?.id, at });
    });
  }

  /** The SMSC accepted a message judged with this traffic key (see judge). */
  accepted(traffic: TrafficKey | undefined): void {
    this.recorder.accepted(traffic);
  }

  /** A refusal decided outside the policy (throttling, undecodable text, incomplete parts …). */
  journalProtocolRefusal(session: RefusalIdentity, reason: ReasonCode, input: Partial<JudgeInput> & { command: string }, at: number): void {
    this.recorder.journalProtocolRefusal(session, reason, input, at);
  }

  /** The journal row of a protocol refusal, without counting it in the metrics (the caller does). */
  journalRefusalOnly(session: RefusalIdentity, reason: ReasonCode, input: Partial<JudgeInput> & { command: string }, at: number): void {
    this.recorder.journalRefusalOnly(session, reason, input, at);
  }
}

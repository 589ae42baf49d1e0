import type { Metrics } from "../../src/observability/metrics.ts";
import type { Journal, TrafficKey } from "../../src/journal/journal.ts";
import { DAY_MS } from "../../src/lib/dates.ts";
import type { PiiProtector } from "../../src/lib/pii.ts";
import { CONSENT_REQUEST_SERVICE_TYPE, decide, isConsentRequestMessage, type Category, type Recipient, type Submission, type Verdict } from "../../src/policy/index.ts";
import type { ReasonCode } from "../../src/policy/reasons.ts";
import type { RegistrySnapshot } from "../../src/registry/snapshot.ts";
import type { JudgeInput, SessionIdentity } from "./judge-input.ts";
import { BoundedMap } from "./bounded-map.ts";
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
  /** A consent request was accepted for this recipient (persist it, so every proxy refuses a repeat). */
  consentRequestSent?: (sent: { recipientHash: string; recipientMask: string; enterpriseId: string; signatureId?: string; at: number }) => void;
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
  /**
   * `${recipientHash}|${portId}` → enterprise that last sent (any category) from that port: the hot
   * copy of the `last_senders` table, which survives restarts and is shared by every proxy.
   */
  readonly lastSender = new BoundedMap<string, { enterpriseId: string; at: number }>(1_000_000, 30 * DAY_MS);
  private readonly recorder: VerdictRecorder;

  constructor(private readonly options: GatekeeperOptions) {
    this.recorder = new VerdictRecorder({ ...options, counters: this.counters, lastSender: this.lastSender });
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
      declaredCategory: declaredCategory(input.serviceType, session.defaultCategory),
      consentRequest: input.serviceType.trim().toUpperCase() === CONSENT_REQUEST_SERVICE_TYPE,
      at,
    };
    const started = this.options.metrics ? performance.now() : 0;
    const verdict = decide(submission, this.options.registry(), this.counters);
    if (this.options.metrics) this.options.metrics.decisionSeconds.observe((performance.now() - started) / 1000);
    const traffic = this.recorder.record(session, input, recipients, verdict, at);
    if (verdict.outcome === "accept" && verdict.enterpriseId && (submission.consentRequest || isConsentRequestMessage(input.text))) this.consentRequestsSent(verdict, recipients, at);
    return { verdict, recipients, traffic };
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
  journalProtocolRefusal(session: SessionIdentity, reason: ReasonCode, input: Partial<JudgeInput> & { command: string }, at: number): void {
    this.recorder.journalProtocolRefusal(session, reason, input, at);
  }

  /** The journal row of a protocol refusal, without counting it in the metrics (the caller does). */
  journalRefusalOnly(session: SessionIdentity, reason: ReasonCode, input: Partial<JudgeInput> & { command: string }, at: number): void {
    this.recorder.journalRefusalOnly(session, reason, input, at);
  }
}

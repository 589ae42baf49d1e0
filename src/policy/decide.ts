import { classifyFolded, hasOptOutHintCompact, judgeCategory } from "./classifier.ts";
import { isQuietTime } from "./quiet-hours.ts";
import { reasons, type RuleGroup } from "./reasons.ts";
import { checkPort, checkScope, checkSignature, checkSublet, type Refusal } from "./rules.ts";
import { extractSignature, normaliseSignatureText, type SignatureExtraction } from "./signature.ts";
import { compactFolded, foldForClassification } from "./text.ts";
import type { Category, PolicySettings, RecipientCounters, RegistryView, RuleMode, Submission } from "./types.ts";
import type { MonitoredRefusal, RecipientVerdict, RejectVerdict, Verdict } from "./verdict.ts";

/**
 * The gatekeeper's decision for one submission, pure: the registry snapshot, the counters and
 * `submission.at` are everything it reads.
 *
 * Rules run in order — port, signature, sublet, scope, then for marketing only: opt-out hint,
 * quiet hours, and per recipient opt-out, do-not-disturb, daily cap. The first refusal of a rule
 * in `enforce` mode (the default) ends the evaluation. A rule in `monitor` records its refusal in
 * `monitored` and evaluation goes on; `off` skips the rule. Facts a skipped or monitored rule could
 * not establish (no port, no signature) make the later rules that need them skip too.
 */
export function decide(submission: Submission, registry: RegistryView, counters: RecipientCounters): Verdict {
  const settings = registry.settings;
  const monitored: MonitoredRefusal[] = [];
  const declared = submission.declaredCategory;

  // a. port
  const match = registry.matchPort(submission.sourceAddr);
  const port = match?.port;
  const extension = match?.extension;
  if (modeOf(settings, "port") !== "off") {
    const refusal = checkPort(submission, match);
    if (refusal && enforced(settings, refusal, monitored)) {
      return reject(submission, refusal, monitored, { port, extension });
    }
  }

  // b. signature
  const extracted = extractSignature(submission.text);
  const signature = extracted.ok ? registry.signatureByText(extracted.text) : undefined;
  const enterpriseId = signature?.enterpriseId;
  const offeredSignature = signature ? undefined : offered(extracted);
  if (modeOf(settings, "signature") !== "off") {
    const refusal = checkSignature(extracted, signature, submission.at);
    if (refusal && enforced(settings, refusal, monitored)) {
      return reject(submission, refusal, monitored, { port, extension, signature, offeredSignature, enterpriseId });
    }
  }

  // c. sublet
  if (signature && modeOf(settings, "sublet") !== "off") {
    const refusal = checkSublet(submission, registry, signature, match);
    if (refusal && enforced(settings, refusal, monitored)) {
      return reject(submission, refusal, monitored, { port, extension, signature, enterpriseId });
    }
  }

  // d. scope: classify the body without its signature, so 【优惠生活】 alone does not read as marketing.
  const folded = foldForClassification(extracted.ok ? extracted.body : submission.text);
  const classified = classifyFolded(folded);
  const category = judgeCategory(declared, classified);
  const known = offeredSignature === undefined ? { port, extension, signature, enterpriseId, category } : { port, extension, signature, offeredSignature, enterpriseId, category };
  if (signature && modeOf(settings, "scope") !== "off") {
    const refusal = checkScope(signature, category, declared);
    if (refusal && enforced(settings, refusal, monitored)) return reject(submission, refusal, monitored, known);
  }

  // e. marketing, message-level: opt-out hint, quiet hours.
  if (category === "marketing") {
    if (modeOf(settings, "opt_out_hint") !== "off" && !hasOptOutHintCompact(compactFolded(folded))) {
      const refusal: Refusal = { reason: "opt_out_hint_missing", detail: "marketing text has no opt-out instruction such as 回T退订" };
      if (enforced(settings, refusal, monitored)) return reject(submission, refusal, monitored, known);
    }
    const quiet = settings.quietHours;
    if (quiet && modeOf(settings, "quiet_hours") !== "off" && isQuietTime(submission.at, quiet)) {
      const refusal: Refusal = { reason: "quiet_hours", detail: `marketing at local quiet hours ${quiet.start}–${quiet.end}` };
      if (enforced(settings, refusal, monitored)) return reject(submission, refusal, monitored, known);
    }
  }

  // e. per recipient (marketing only); verification and notification reach everyone.
  const count = submission.recipients.length;
  if (count === 0) {
    const refusal: Refusal = { reason: "invalid_destination", detail: "the submission has no recipient" };
    return reject(submission, refusal, monitored, known);
  }
  const recipients: RecipientVerdict[] = new Array(count);
  let accepted = 0;
  let firstRefused: RecipientVerdict | undefined;
  for (let index = 0; index < count; index++) {
    const verdict =
      category === "marketing" ? judgeRecipient(submission, index, registry, counters, enterpriseId, monitored) : ACCEPTED;
    recipients[index] = verdict;
    if (verdict.outcome === "accept") accepted++;
    else firstRefused ??= verdict;
  }
  if (accepted === 0 && firstRefused?.outcome === "reject") {
    const { reason, commandStatus, detail } = firstRefused;
    return { outcome: "reject", reason, commandStatus, detail, ...known, recipients, monitored };
  }
  return { outcome: "accept", ...known, recipients, monitored };
}

const ACCEPTED: RecipientVerdict = Object.freeze({ outcome: "accept" });

function judgeRecipient(
  submission: Submission,
  index: number,
  registry: RegistryView,
  counters: RecipientCounters,
  enterpriseId: string | undefined,
  monitored: MonitoredRefusal[],
): RecipientVerdict {
  const settings = registry.settings;
  const hash = submission.recipients[index]!.hash;
  // The opt-out is per enterprise, so it covers every signature the enterprise sends under.
  if (enterpriseId !== undefined && modeOf(settings, "opt_out") !== "off" && registry.isOptedOut(hash, enterpriseId)) {
    const refusal: Refusal = { reason: "recipient_opted_out", detail: `recipient #${index} opted out of enterprise ${enterpriseId}` };
    if (enforcedFor(settings, refusal, monitored, index)) return refused(refusal);
  }
  if (modeOf(settings, "dnd") !== "off" && registry.isDoNotDisturb(hash)) {
    const refusal: Refusal = { reason: "recipient_do_not_disturb", detail: `recipient #${index} is on the do-not-disturb list` };
    if (enforcedFor(settings, refusal, monitored, index)) return refused(refusal);
  }
  const cap = settings.dailyMarketingCap;
  if (cap !== null && enterpriseId !== undefined && modeOf(settings, "daily_cap") !== "off") {
    const sent = counters.marketingSentToday(hash, enterpriseId, submission.at);
    if (sent >= cap) {
      const refusal: Refusal = {
        reason: "daily_cap_exceeded",
        detail: `recipient #${index} already received ${sent} marketing messages today from enterprise ${enterpriseId} (cap ${cap})`,
      };
      if (enforcedFor(settings, refusal, monitored, index)) return refused(refusal);
    }
  }
  return ACCEPTED;
}

/** The mode of a rule group; rules not configured are enforced. */
function modeOf(settings: PolicySettings, rule: RuleGroup): RuleMode {
  return settings.ruleModes[rule] ?? "enforce";
}

/** True when the refusal must stop the message; in monitor mode it is recorded and false. */
function enforced(settings: PolicySettings, refusal: Refusal, monitored: MonitoredRefusal[]): boolean {
  if (modeOf(settings, reasons[refusal.reason].rule) !== "monitor") return true;
  monitored.push({ reason: refusal.reason, detail: refusal.detail });
  return false;
}

function enforcedFor(settings: PolicySettings, refusal: Refusal, monitored: MonitoredRefusal[], recipient: number): boolean {
  if (modeOf(settings, reasons[refusal.reason].rule) !== "monitor") return true;
  monitored.push({ reason: refusal.reason, detail: refusal.detail, recipient });
  return false;
}

function refused(refusal: Refusal): RecipientVerdict {
  return { outcome: "reject", reason: refusal.reason, commandStatus: reasons[refusal.reason].commandStatus, detail: refusal.detail };
}

/** What the message offered as its signature, for the journal, when no registered one matched. */
function offered(extracted: SignatureExtraction): string | undefined {
  if (extracted.ok) return cut(extracted.text);
  if (extracted.raw === undefined) return undefined;
  const first = cut(normaliseSignatureText(extracted.raw));
  return extracted.otherRaw === undefined ? first : `${first} / ${cut(normaliseSignatureText(extracted.otherRaw))}`;
}

function cut(text: string): string {
  const points = Array.from(text);
  return points.length <= 40 ? text : `${points.slice(0, 40).join("")}…`;
}

interface Known {
  port?: RejectVerdict["port"];
  extension?: RejectVerdict["extension"];
  signature?: RejectVerdict["signature"];
  offeredSignature?: string;
  enterpriseId?: string;
  category?: Category;
}

/** A message-level refusal: every recipient carries it. */
function reject(submission: Submission, refusal: Refusal, monitored: MonitoredRefusal[], known: Known): RejectVerdict {
  const recipient = refused(refusal);
  const recipients: RecipientVerdict[] = submission.recipients.map(() => recipient);
  const { reason, detail } = refusal;
  return { outcome: "reject", reason, commandStatus: reasons[reason].commandStatus, detail, ...known, recipients, monitored };
}

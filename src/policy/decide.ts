import { modeOf } from "./groups.ts";
import { reasons } from "./reasons.ts";
import { Facts, isConsentRequest, RULES, type Known, type MessageRule, type RecipientRule, type Refusal, type Rule } from "./rules/index.ts";
import type { Category, RecipientCounters, RegistryView, Submission } from "./types.ts";
import type { AcceptVerdict, MonitoredRefusal, RecipientVerdict, RejectVerdict, Verdict } from "./verdict.ts";

const MESSAGE_RULES: readonly MessageRule[] = RULES.filter((rule): rule is MessageRule => rule.judges === "message");
const RECIPIENT_RULES: readonly RecipientRule[] = RULES.filter((rule): rule is RecipientRule => rule.judges === "recipient");
// decide() keeps the recipient rules that run for a message in a 31-bit set.
if (RECIPIENT_RULES.length > 31) throw new Error("at most 31 recipient rules");

/**
 * The gatekeeper's decision for one submission, pure: the registry snapshot, the counters and
 * `submission.at` are everything it reads.
 *
 * The rules are data (src/policy/rules/index.ts, in order): port, signature, sublet, scope, then
 * for marketing only the opt-out hint and quiet hours; then, per recipient and for marketing
 * only, opt-out, do-not-disturb, daily cap. Each runs in its group's mode (src/policy/groups.ts:
 * the operator's setting, else the group's declared default). The first refusal of a rule in
 * `enforce` ends the evaluation. A rule in `monitor` records its refusal in `monitored` and
 * evaluation goes on; `off` skips the rule. Rules that need a fact a skipped or monitored rule
 * could not establish (no port, no signature) skip too.
 */
export function decide(submission: Submission, registry: RegistryView, counters: RecipientCounters): Verdict {
  const facts = new Facts(submission, registry, counters);
  const settings = facts.settings;
  const monitored: MonitoredRefusal[] = [];

  for (const rule of MESSAGE_RULES) {
    const mode = modeOf(settings, rule.group);
    if (mode === "off" || !applies(rule, facts)) continue;
    const refusal = rule.check(facts);
    if (!refusal) continue;
    if (mode !== "monitor" && refusal.monitorOnly !== true) return reject(submission, refusal, monitored, facts.known());
    monitored.push({ reason: refusal.reason, detail: refusal.detail });
  }

  const count = submission.recipients.length;
  if (count === 0) {
    const refusal: Refusal = { reason: "invalid_destination", detail: "the submission has no recipient" };
    return reject(submission, refusal, monitored, everything(facts));
  }
  const { active, monitor } = recipientPlan(facts);
  const recipients: RecipientVerdict[] = new Array(count);
  let accepted = 0;
  let firstRefused: RecipientVerdict | undefined;
  for (let index = 0; index < count; index++) {
    const verdict = active === 0 ? ACCEPTED : judgeRecipient(facts, index, active, monitor, monitored);
    recipients[index] = verdict;
    if (verdict.outcome === "accept") accepted++;
    else firstRefused ??= verdict;
  }
  const known = everything(facts);
  if (accepted === 0 && firstRefused?.outcome === "reject") {
    const { reason, commandStatus, detail } = firstRefused;
    return { outcome: "reject", reason, commandStatus, detail, ...known, recipients, monitored };
  }
  // Whether it is a consent request: the consent rule's own reading when it ran (memoised), so the
  // proxy's count of requests sent never reads the text another way.
  const consentRequest = known.enterpriseId !== undefined && isConsentRequest(facts);
  // `known` is a fresh object (Facts.known): completed in place rather than copied, once per message.
  const verdict = known as unknown as AcceptVerdict;
  verdict.outcome = "accept";
  verdict.consentRequest = consentRequest;
  verdict.recipients = recipients;
  verdict.monitored = monitored;
  return verdict;
}

const ACCEPTED: RecipientVerdict = Object.freeze({ outcome: "accept" });

function applies(rule: Rule, facts: Facts): boolean {
  return rule.categories === "all" || rule.categories.includes(facts.category);
}

/**
 * The recipient rules that run for this message (not off, its category) as a bit set over
 * RECIPIENT_RULES, and those of them in monitor mode: decided once, not per recipient.
 */
function recipientPlan(facts: Facts): { active: number; monitor: number } {
  let active = 0;
  let monitor = 0;
  for (let i = 0; i < RECIPIENT_RULES.length; i++) {
    const rule = RECIPIENT_RULES[i]!;
    const mode = modeOf(facts.settings, rule.group);
    if (mode === "off" || !applies(rule, facts)) continue;
    active |= 1 << i;
    if (mode === "monitor") monitor |= 1 << i;
  }
  return { active, monitor };
}

/** The first enforced refusal of a recipient rule, else accept; monitored refusals name the recipient. */
function judgeRecipient(facts: Facts, index: number, active: number, monitor: number, monitored: MonitoredRefusal[]): RecipientVerdict {
  for (let i = 0; i < RECIPIENT_RULES.length; i++) {
    if ((active & (1 << i)) === 0) continue;
    const refusal = RECIPIENT_RULES[i]!.check(facts, index);
    if (!refusal) continue;
    if ((monitor & (1 << i)) === 0) return refused(refusal);
    monitored.push({ reason: refusal.reason, detail: refusal.detail, recipient: index });
  }
  return ACCEPTED;
}

/** Past the message rules every fact is established: the verdict reports them all. */
function everything(facts: Facts): Known & { category: Category } {
  const category = facts.category;
  const known = facts.known();
  known.category = category;
  return known as Known & { category: Category };
}

function refused(refusal: Refusal): RecipientVerdict {
  return { outcome: "reject", reason: refusal.reason, commandStatus: reasons[refusal.reason].commandStatus, detail: refusal.detail };
}

/** A message-level refusal: every recipient carries it. */
function reject(submission: Submission, refusal: Refusal, monitored: MonitoredRefusal[], known: Known): RejectVerdict {
  const recipient = refused(refusal);
  const recipients: RecipientVerdict[] = submission.recipients.map(() => recipient);
  const { reason, detail } = refusal;
  return { outcome: "reject", reason, commandStatus: reasons[reason].commandStatus, detail, ...known, recipients, monitored };
}

/** The policy's public API: a pure decision engine, its reasons, and the text checks it is built from. */
export { decide } from "./decide.ts";
export type { AcceptVerdict, MonitoredRefusal, RecipientAccepted, RecipientRejected, RecipientVerdict, RejectVerdict, Verdict } from "./verdict.ts";
export {
  CONFIGURABLE_RULES,
  ESME_RINVDSTADR,
  ESME_RINVSRCADR,
  ESME_RMSGQFUL,
  ESME_RTHROTTLED,
  REASON_CODES,
  commandStatusFor,
  reasons,
  type Reason,
  type ReasonCode,
  type RuleGroup,
} from "./reasons.ts";
export { extractSignature, normaliseSignatureText, type SignatureErrorCode, type SignatureExtraction } from "./signature.ts";
export { classifyText, effectiveCategory, hasOptOutHint, isOptOutWord, type Classification } from "./classifier.ts";
export { isQuietTime, localMinuteOfDay, parseClock } from "./quiet-hours.ts";
export { DEFAULT_MODES, POLICY_GROUPS, modeOf, type PolicyGroup } from "./groups.ts";
export { RULES, type MessageRule, type RecipientRule, type Refusal, type Rule } from "./rules/index.ts";
export * from "./types.ts";
export { CONSENT_REQUEST_SERVICE_TYPE, DEFAULT_CONSENT_REQUEST_PERIOD_DAYS, isConsentRequestText, isConsentWord } from "./consent.ts";

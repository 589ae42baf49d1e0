import { foldCompact } from "./text.ts";

/** The consent request period when the operator set none (policy settings consentRequestPeriodDays). */
export const DEFAULT_CONSENT_REQUEST_PERIOD_DAYS = 90;

/** One day in milliseconds (the policy imports nothing outside itself). */
export const DAY_MS_POLICY = 86_400_000;

/** The service_type that declares a consent request (SMPP service_type holds at most 5 characters). */
export const CONSENT_REQUEST_SERVICE_TYPE = "CRQ";

/**
 * A message that asks the recipient to consent by replying 是 / Y / 同意, matched on the compact fold
 * (no whitespace, lower case, full-width folded, invisible characters dropped), so "回复 “是”",
 * "回Ｙ同意" and "同意请回复Y" all count: an SP cannot send a request without it being one.
 */
const CONSENT_REQUEST = new RegExp(
  [
    "(?:回|回复|回覆|短信回复)[\"'“”‘’「」『』\\[\\]【】]?(?:是|y|yes|同意)[\"'“”‘’「」『』\\[\\]【】]?(?:即|即可|表示|视为|以)?(?:同意|确认|订阅|接收)",
    "(?:同意|愿意)[^。！？!?]{0,30}?(?:回|回复|回覆)[\"'“”‘’「」『』\\[\\]【】]?(?:是|y|yes|同意)(?![a-z])",
  ].join("|"),
);

export function isConsentRequestText(text: string): boolean {
  return CONSENT_REQUEST.test(foldCompact(text));
}

/** For callers that already hold the compact fold (the rule: Facts.compact, the body without its signature). */
export function isConsentRequestCompact(compact: string): boolean {
  return CONSENT_REQUEST.test(compact);
}

const CONSENT_WORDS: ReadonlySet<string> = new Set(["是", "y", "yes", "同意", "是的", "同意接收"]);
const TRAILING_PUNCTUATION = /[\p{P}\p{S}]+$/u;

/**
 * A mobile-originated reply that means "I consent": exactly one of 是 / 是的 / Y / YES / 同意 /
 * 同意接收, ignoring width, case, whitespace, invisible characters and trailing punctuation.
 */
export function isConsentWord(moText: string): boolean {
  if (moText.length > 32) return false;
  const compact = foldCompact(moText).replace(TRAILING_PUNCTUATION, "");
  return CONSENT_WORDS.has(compact);
}

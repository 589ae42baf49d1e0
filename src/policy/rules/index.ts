import { callbacksRule } from "./callbacks.ts";
import { contentRule } from "./content.ts";
import { consentRule } from "./consent.ts";
import { dailyCapRule } from "./daily-cap.ts";
import { dndRule } from "./dnd.ts";
import { duplicateRecipientRule } from "./duplicate-recipient.ts";
import { linksRule } from "./links.ts";
import { optOutHintRule } from "./opt-out-hint.ts";
import { optOutRule } from "./opt-out.ts";
import { portPurposeRule } from "./port-purpose.ts";
import { portRule } from "./port.ts";
import { preferencesRule } from "./preferences.ts";
import { quietHoursRule } from "./quiet-hours.ts";
import type { Rule } from "./rule.ts";
import { scopeRule } from "./scope.ts";
import { signatureRule } from "./signature.ts";
import { subletRule } from "./sublet.ts";
import { velocityRule } from "./velocity.ts";
import { templatesRule } from "./templates.ts";

/**
 * decide()'s rules, in the order they run. The message rules run first, in this order (the first
 * enforced refusal ends the decision); then each recipient is judged by the recipient rules, in
 * this order. Adding a rule: one file in this folder, one line here, its reasons in
 * src/policy/reasons.ts (its group in src/policy/groups.ts, default `monitor`), its test.
 */
export const RULES: readonly Rule[] = [
  portRule,
  signatureRule,
  subletRule,
  scopeRule,
  optOutHintRule,
  quietHoursRule,
  portPurposeRule,
  linksRule,
  callbacksRule,
  contentRule,
  templatesRule,
  optOutRule,
  dndRule,
  dailyCapRule,
  duplicateRecipientRule,
  preferencesRule,
  velocityRule,
  consentRule,
];

export { isConsentRequest } from "./consent.ts";
export { Facts, type Known } from "./facts.ts";
export type { MessageRule, RecipientRule, Refusal, Rule } from "./rule.ts";

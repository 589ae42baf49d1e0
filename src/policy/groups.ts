import type { PolicySettings, RuleMode } from "./types.ts";

/**
 * The rule groups decide() applies, each with the mode it runs in until an operator configures it
 * (PolicySettings.ruleModes, PUT /api/v1/settings/policy): `enforce` refuses, `monitor` lets the
 * message pass and records the would-be refusal, `off` skips the rule.
 *
 * The groups that existed before modes had defaults keep `enforce`. A NEW group is declared with
 * `monitor`: it goes live for no existing customer the moment it ships; an operator enforces it
 * once the journal's monitored refusals show what it would refuse.
 */
export const POLICY_GROUPS = [
  { group: "port", defaultMode: "enforce" },
  { group: "signature", defaultMode: "enforce" },
  { group: "sublet", defaultMode: "enforce" },
  { group: "scope", defaultMode: "enforce" },
  { group: "opt_out_hint", defaultMode: "enforce" },
  { group: "opt_out", defaultMode: "enforce" },
  { group: "dnd", defaultMode: "enforce" },
  { group: "quiet_hours", defaultMode: "enforce" },
  { group: "daily_cap", defaultMode: "enforce" },
  { group: "duplicate_recipient", defaultMode: "monitor" },
  { group: "velocity", defaultMode: "monitor" },
  { group: "preferences", defaultMode: "monitor" },
  { group: "port_purpose", defaultMode: "monitor" },
  { group: "links", defaultMode: "monitor" },
  { group: "callbacks", defaultMode: "monitor" },
  { group: "content", defaultMode: "monitor" },
  { group: "templates", defaultMode: "monitor" },
  { group: "consent", defaultMode: "monitor" },
] as const satisfies readonly { group: string; defaultMode: RuleMode }[];

/** A group an operator can set to enforce / monitor / off. */
export type PolicyGroup = (typeof POLICY_GROUPS)[number]["group"];

/**
 * The rule group each reason belongs to (reasons.ts `rule`). `protocol` reasons are decided by the
 * proxy (framing, decoding, back-pressure) and have no mode; neither have `bind` reasons, the
 * refused binds (they are journaled, never monitored).
 */
export type RuleGroup = PolicyGroup | "protocol" | "bind";

/** The rule groups an operator can set to enforce / monitor / off, in rule order. */
export const CONFIGURABLE_RULES: readonly PolicyGroup[] = POLICY_GROUPS.map((declared) => declared.group);

/** Each group's declared default mode. */
export const DEFAULT_MODES: Readonly<Record<PolicyGroup, RuleMode>> = Object.fromEntries(
  POLICY_GROUPS.map((declared) => [declared.group, declared.defaultMode]),
) as Record<PolicyGroup, RuleMode>;

/** The mode a group runs in: the operator's setting, else the group's declared default. */
export function modeOf(settings: PolicySettings, group: PolicyGroup): RuleMode {
  return settings.ruleModes[group] ?? DEFAULT_MODES[group];
}

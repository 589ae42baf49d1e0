import { describe, expect, it } from "vitest";
import { decide } from "../../../src/policy/decide.ts";
import { CONFIGURABLE_RULES, DEFAULT_MODES, POLICY_GROUPS, modeOf } from "../../../src/policy/groups.ts";
import { REASON_CODES, reasons } from "../../../src/policy/reasons.ts";
import { RULES } from "../../../src/policy/rules/index.ts";
import type { PolicySettings } from "../../../src/policy/types.ts";
import { counters, marketing, submission, world } from "./fixtures.ts";

const settings = (ruleModes: PolicySettings["ruleModes"]): PolicySettings => ({ ruleModes, quietHours: null, dailyMarketingCap: null });

/** The groups that were enforced before groups declared a default: they must stay enforced. */
const ENFORCED_SINCE_THE_START = ["port", "signature", "sublet", "scope", "opt_out_hint", "opt_out", "dnd", "quiet_hours", "daily_cap"];

describe("rule groups", () => {
  it("declares each group once, and keeps the groups that existed before modes in enforce", () => {
    expect(new Set(CONFIGURABLE_RULES).size).toBe(POLICY_GROUPS.length);
    for (const group of ENFORCED_SINCE_THE_START) expect(DEFAULT_MODES[group as keyof typeof DEFAULT_MODES], group).toBe("enforce");
  });

  it("declares every group added since in monitor, so it goes live for no one until an operator enforces it", () => {
    const added = CONFIGURABLE_RULES.filter((group) => !ENFORCED_SINCE_THE_START.includes(group));
    for (const group of added) expect(DEFAULT_MODES[group], group).toBe("monitor");
  });

  it("runs a group in the operator's mode when set, else in its declared default", () => {
    for (const group of CONFIGURABLE_RULES) {
      expect(modeOf(settings({}), group)).toBe(DEFAULT_MODES[group]);
      expect(modeOf(settings({ [group]: "off" }), group)).toBe("off");
      expect(modeOf(settings({ [group]: "monitor" }), group)).toBe("monitor");
      expect(modeOf(settings({ [group]: "enforce" }), group)).toBe("enforce");
    }
  });
});

describe("the rules table", () => {
  it("has a rule for every declared group, and only declared groups", () => {
    expect(new Set(RULES.map((rule) => rule.group))).toEqual(new Set(CONFIGURABLE_RULES));
  });

  it("lists the message rules before the recipient rules, in the order decide() runs them", () => {
    const judges = RULES.map((rule) => rule.judges);
    expect(judges.lastIndexOf("message")).toBeLessThan(judges.indexOf("recipient") === -1 ? Infinity : judges.indexOf("recipient"));
    expect(RULES.filter((rule) => rule.judges === "message").map((rule) => rule.group).slice(0, 6)).toEqual([
      "port",
      "signature",
      "sublet",
      "scope",
      "opt_out_hint",
      "quiet_hours",
    ]);
  });

  it("gives every group at least one reason in the closed list", () => {
    for (const group of CONFIGURABLE_RULES) expect(REASON_CODES.some((code) => reasons[code].rule === group), group).toBe(true);
  });
});

describe("decide: facts", () => {
  it("matches the port and looks up the signature once per decision, however many rules read them", () => {
    const registry = world();
    let matches = 0;
    let lookups = 0;
    const matchPort = registry.matchPort.bind(registry);
    const signatureByText = registry.signatureByText.bind(registry);
    registry.matchPort = (source) => (matches++, matchPort(source));
    registry.signatureByText = (text) => (lookups++, signatureByText(text));
    for (const group of CONFIGURABLE_RULES) registry.mode(group, "monitor");
    // Refused by sublet (extension 02 belongs to another enterprise), scope, opt-out hint: all monitored.
    const verdict = decide(marketing({ sourceAddr: "106901234502", text: "【云端科技】会员日全场5折", declaredCategory: "verification" }), registry, counters());
    expect(verdict.monitored.map((m) => m.reason)).toEqual(["sublet_extension_mismatch", "scope_exceeded", "opt_out_hint_missing"]);
    expect([matches, lookups]).toEqual([1, 1]);
  });

  it("does not look up the signature of a message the port rule refuses, and reports only the port", () => {
    const registry = world();
    let lookups = 0;
    const signatureByText = registry.signatureByText.bind(registry);
    registry.signatureByText = (text) => (lookups++, signatureByText(text));
    const verdict = decide(submission({ sourceAddr: "1069099999" }), registry, counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "port_not_owned", port: { id: "port-other" } });
    expect(verdict.signature).toBeUndefined();
    expect(verdict.category).toBeUndefined();
    expect(lookups).toBe(0);
  });

  it("reports what the message offered as its signature when the signature rule refuses it", () => {
    const stacked = decide(submission({ text: "【云端科技】【星河商贸】您的验证码是123456" }), world(), counters());
    expect(stacked).toMatchObject({ outcome: "reject", reason: "signature_multiple", offeredSignature: "云端科技 / 星河商贸", port: { id: "port-huaxin" } });
    const unknown = decide(submission({ text: "【未知公司】您的验证码是123456" }), world(), counters());
    expect(unknown).toMatchObject({ outcome: "reject", reason: "signature_unregistered", offeredSignature: "未知公司" });
  });

  it("still reports every fact on a refusal by a marketing rule when the rules before it are off", () => {
    const registry = world();
    for (const group of ["port", "signature", "sublet", "scope"]) registry.mode(group, "off");
    const verdict = decide(marketing({ text: "【云端商城】会员日全场5折" }), registry, counters());
    expect(verdict).toMatchObject({
      outcome: "reject",
      reason: "opt_out_hint_missing",
      port: { id: "port-huaxin" },
      signature: { id: "sig-yunduan-mall" },
      enterpriseId: "ent-yunduan",
      category: "marketing",
    });
  });
});

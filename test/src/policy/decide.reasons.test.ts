import { describe, expect, it } from "vitest";
import { decide } from "../../../src/policy/decide.ts";
import { REASON_CODES, reasons, type ReasonCode } from "../../../src/policy/reasons.ts";
import type { RecipientCounters, Submission } from "../../../src/policy/types.ts";
import { counters, marketing, shanghai, submission, world, type TestRegistry } from "./fixtures.ts";

/**
 * One minimal story per reason decide() can give. The last test checks that the list covers every
 * reason that is not the proxy's own: adding a reason without a story here fails the suite.
 */
const STORIES: Record<string, () => [Submission, TestRegistry, RecipientCounters?]> = {
  port_unknown: () => [submission({ sourceAddr: "10655500001" }), world()],
  port_not_owned: () => [submission({ sourceAddr: "1069099999" }), world()],
  port_suspended: () => [submission({ sourceAddr: "1069088888" }), world()],
  port_revoked: () => [submission({ sourceAddr: "1069077777" }), world()],
  extension_unassigned: () => [submission({ sourceAddr: "106901234599" }), world()],
  signature_missing: () => [submission({ text: "您的验证码是123456" }), world()],
  signature_empty: () => [submission({ text: "【\u200b】您的验证码是123456" }), world()],
  signature_unclosed: () => [submission({ text: "【云端科技您的验证码是123456" }), world()],
  signature_multiple: () => [submission({ text: "【云端科技】【星河商贸】您的验证码是123456" }), world()],
  signature_not_at_edge: () => [submission({ text: "验证码123456【云端科技】请勿泄露" }), world()],
  signature_unregistered: () => [submission({ text: "【云端科技有限公司】您的验证码是123456" }), world()],
  signature_not_approved: () => [submission(), world().signature("云端科技", { enterpriseId: "ent-yunduan", status: "pending" })],
  signature_suspended: () => [submission(), world().signature("云端科技", { enterpriseId: "ent-yunduan", status: "suspended" })],
  signature_revoked: () => [submission(), world().signature("云端科技", { enterpriseId: "ent-yunduan", status: "revoked" })],
  signature_expired: () => [submission(), world().signature("云端科技", { enterpriseId: "ent-yunduan", expiresAt: 0 })],
  sublet_no_contract: () => [submission({ text: "【无约公司】验证码1234" }), world().signature("无约公司", { enterpriseId: "ent-none" })],
  sublet_port_not_bound: () => [submission(), world().signature("云端科技", { enterpriseId: "ent-yunduan", bindings: [] })],
  sublet_extension_mismatch: () => [submission({ sourceAddr: "106901234502" }), world()],
  scope_exceeded: () => [submission({ declaredCategory: "marketing" }), world()],
  opt_out_hint_missing: () => [marketing({ text: "【云端商城】全场5折" }), world()],
  quiet_hours: () => [marketing({ at: shanghai(21, 0) }), world().quietHours("21:00", "08:00")],
  recipient_opted_out: () => [marketing(), world().optOut("hash-alice", "ent-yunduan")],
  recipient_do_not_disturb: () => [marketing(), world().dnd("hash-alice")],
  daily_cap_exceeded: () => [marketing(), world().dailyCap(5), counters({ "hash-alice|ent-yunduan": 5 })],
  recipient_velocity_exceeded: () => [submission(), world().mode("velocity", "enforce").velocity({ perTenMinutes: 3 }), counters({}, { "hash-alice": { tenMinutes: 3 } })],
  recipient_preference_blocked: () => [marketing(), world().mode("preferences", "enforce").preference("hash-alice", ["marketing"])],
  invalid_destination: () => [submission({ recipients: [] }), world()],
  port_category_not_allowed: () => {
    const registry = world().mode("port_purpose", "enforce");
    registry.ports.get("1069012345")!.categories = new Set(["verification"]);
    return [marketing(), registry];
  },
  link_not_allowed: () => [marketing({ text: "【云端商城】会员日 详见 evil.cn/x ，回T退订" }), world().mode("links", "enforce")],
  link_shortener_not_allowed: () => [marketing({ text: "【云端商城】会员日 详见 t.cn/x ，回T退订" }), world().mode("links", "enforce")],
  callback_number_not_allowed: () => [marketing({ text: "【云端商城】会员日 咨询13912345678，回T退订" }), world().mode("callbacks", "enforce")],
  content_prohibited: () => [
    marketing({ text: "【云端商城】秒批贷款，回T退订" }),
    world()
      .mode("content", "enforce")
      .withContent((c) => c.setContentRules([{ id: "rule-loan", category: "loan", phrases: ["秒批贷款"], pattern: null, appliesTo: ["marketing"], mode: "enforce" }])),
  ],
  template_not_matched: () => {
    const registry = world().mode("templates", "enforce");
    registry.signatures.set("云端科技", { ...registry.signatures.get("云端科技")!, templateRequired: true });
    return [submission(), registry.withContent((c) => c.templates.put("tpl-1", "sig-yunduan", "您的取件码是{code}"))];
  },
  template_variable_invalid: () => {
    const registry = world().mode("templates", "enforce");
    registry.signatures.set("云端科技", { ...registry.signatures.get("云端科技")!, templateRequired: true });
    return [submission({ text: "【云端科技】您的验证码是123456789，5分钟内有效，请勿泄露。" }), registry.withContent((c) => c.templates.put("tpl-1", "sig-yunduan", "您的验证码是{code}，5分钟内有效，请勿泄露。"))];
  },
  consent_missing: () => [marketing(), world().noConsents().mode("consent", "enforce")],
  consent_request_repeated: () => [
    marketing({ consentRequest: true, at: shanghai(10, 0) }),
    world().mode("consent", "enforce").consentRequested("hash-alice", "ent-yunduan", shanghai(9, 0)),
  ],
};

/**
 * Reasons that refuse a recipient but never the whole message (the verdict's reason is the first
 * refused recipient's, and the first occurrence of a repeated number always comes before its repeat).
 */
const RECIPIENT_STORIES: Record<string, () => [Submission, TestRegistry, number]> = {
  recipient_duplicate: () => [
    marketing({ command: "submit_multi", recipients: [{ hash: "hash-alice" }, { hash: "hash-alice" }] }),
    world().mode("duplicate_recipient", "enforce"),
    1,
  ],
};

describe("decide: every reason is reachable", () => {
  for (const [code, story] of Object.entries(STORIES)) {
    it(`reaches ${code} with its wire status`, () => {
      const [input, registry, sent] = story();
      const verdict = decide(input, registry, sent ?? counters());
      expect(verdict).toMatchObject({ outcome: "reject", reason: code, commandStatus: reasons[code as ReasonCode].commandStatus });
    });
  }

  for (const [code, story] of Object.entries(RECIPIENT_STORIES)) {
    it(`reaches ${code} with its wire status for one recipient`, () => {
      const [input, registry, index] = story();
      const verdict = decide(input, registry, counters());
      expect(verdict.recipients[index]).toEqual(expect.objectContaining({ outcome: "reject", reason: code, commandStatus: reasons[code as ReasonCode].commandStatus }));
    });
  }

  it("has a story for every reason except the proxy's transport and bind reasons", () => {
    const proxyOnly: ReasonCode[] = ["throttled", "upstream_unavailable", "concatenation_incomplete", "undecodable_text", "message_too_long", "tlv_repeated", "message_ambiguous", "scheduled_delivery", "sp_suspended"];
    const expected = REASON_CODES.filter((code) => !proxyOnly.includes(code) && reasons[code].rule !== "bind");
    expect([...Object.keys(STORIES), ...Object.keys(RECIPIENT_STORIES)].sort()).toEqual([...expected].sort());
  });
});

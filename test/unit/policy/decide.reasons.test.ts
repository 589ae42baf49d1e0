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
  invalid_destination: () => [submission({ recipients: [] }), world()],
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
    const proxyOnly: ReasonCode[] = ["throttled", "upstream_unavailable", "concatenation_incomplete", "undecodable_text", "message_too_long", "tlv_repeated", "message_ambiguous", "scheduled_delivery"];
    const expected = REASON_CODES.filter((code) => !proxyOnly.includes(code) && reasons[code].rule !== "bind");
    expect([...Object.keys(STORIES), ...Object.keys(RECIPIENT_STORIES)].sort()).toEqual([...expected].sort());
  });
});

import { describe, expect, it } from "vitest";
import { decide } from "../../../src/policy/decide.ts";
import { counters, marketing, shanghai, submission, world } from "./fixtures.ts";

/** Monitor mode: the would-be refusal is recorded and the message goes on; off: the rule is skipped. */
describe("decide (rule modes)", () => {
  it("lets another SP's port through in monitor mode, recording port_not_owned", () => {
    const registry = world().mode("port", "monitor");
    const verdict = decide(submission({ sourceAddr: "1069099999" }), registry, counters());
    // The signature is bound to port-huaxin, so the sublet rule (still enforced) refuses next.
    expect(verdict).toMatchObject({ outcome: "reject", reason: "sublet_port_not_bound", monitored: [{ reason: "port_not_owned" }] });
    const lenient = decide(submission({ sourceAddr: "1069099999" }), registry.mode("sublet", "monitor"), counters());
    expect(lenient.outcome).toBe("accept");
    expect(lenient.monitored.map((m) => m.reason)).toEqual(["port_not_owned", "sublet_port_not_bound"]);
  });

  it("skips the port rule entirely when off", () => {
    const verdict = decide(submission({ sourceAddr: "1069088888" }), world().mode("port", "off").mode("sublet", "off"), counters());
    expect(verdict).toMatchObject({ outcome: "accept", monitored: [] });
  });

  it("accepts an unknown source in monitor mode without a port", () => {
    const verdict = decide(submission({ sourceAddr: "10655500001" }), world().mode("port", "monitor").mode("sublet", "off"), counters());
    expect(verdict).toMatchObject({ outcome: "accept", monitored: [{ reason: "port_unknown" }] });
    expect(verdict.port).toBeUndefined();
  });

  it("accepts an unregistered signature in monitor mode and skips the rules that need it", () => {
    const registry = world().mode("signature", "monitor").mode("opt_out_hint", "off");
    const verdict = decide(submission({ text: "【未知公司】会员日5折", declaredCategory: "marketing" }), registry, counters());
    expect(verdict).toMatchObject({ outcome: "accept", category: "marketing", monitored: [{ reason: "signature_unregistered" }] });
    expect(verdict.signature).toBeUndefined();
    expect(verdict.enterpriseId).toBeUndefined();
  });

  it("still uses a found signature when its status rule is monitored", () => {
    const registry = world()
      .signature("云端科技", { enterpriseId: "ent-yunduan", status: "suspended", bindings: [{ portId: "port-huaxin", extension: "" }] })
      .mode("signature", "monitor");
    const verdict = decide(submission(), registry, counters());
    expect(verdict).toMatchObject({ outcome: "accept", enterpriseId: "ent-yunduan", monitored: [{ reason: "signature_suspended" }] });
  });

  it("records sublet_no_contract in monitor mode", () => {
    const registry = world().signature("远方物流", { enterpriseId: "ent-far", bindings: [{ portId: "port-huaxin", extension: "" }] }).mode("sublet", "monitor");
    const verdict = decide(submission({ text: "【远方物流】您的验证码是1234" }), registry, counters());
    expect(verdict).toMatchObject({ outcome: "accept", monitored: [{ reason: "sublet_no_contract" }] });
  });

  it("records scope_exceeded in monitor mode, then applies the marketing rules", () => {
    const registry = world().mode("scope", "monitor");
    const verdict = decide(submission({ text: "【云端科技】会员日5折" }), registry, counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "opt_out_hint_missing", category: "marketing", monitored: [{ reason: "scope_exceeded" }] });
  });

  it("skips the scope rule when off but still judges the category", () => {
    const verdict = decide(submission({ text: "【云端科技】会员日5折，回T退订" }), world().mode("scope", "off"), counters());
    expect(verdict).toMatchObject({ outcome: "accept", category: "marketing", monitored: [] });
  });

  it.each([
    ["opt_out_hint", "opt_out_hint_missing", marketing({ text: "【云端商城】会员日全场5折" })],
    ["quiet_hours", "quiet_hours", marketing({ at: shanghai(22, 0) })],
  ] as const)("monitors the message-level marketing rule %s", (rule, reason, input) => {
    const registry = world().quietHours("21:00", "08:00");
    expect(decide(input, registry, counters())).toMatchObject({ outcome: "reject", reason });
    expect(decide(input, registry.mode(rule, "monitor"), counters())).toMatchObject({ outcome: "accept", monitored: [{ reason }] });
    expect(decide(input, registry.mode(rule, "off"), counters())).toMatchObject({ outcome: "accept", monitored: [] });
  });

  it.each([
    ["opt_out", "recipient_opted_out"],
    ["dnd", "recipient_do_not_disturb"],
    ["daily_cap", "daily_cap_exceeded"],
  ] as const)("monitors the per-recipient rule %s, naming the recipient", (rule, reason) => {
    const base = world().dailyCap(1);
    const registry = rule === "opt_out" ? base.optOut("hash-alice", "ent-yunduan") : rule === "dnd" ? base.dnd("hash-alice") : base;
    const sent = counters({ "hash-alice|ent-yunduan": 1 });
    const others = (["opt_out", "dnd", "daily_cap"] as const).filter((r) => r !== rule);
    for (const other of others) registry.mode(other, "off");
    expect(decide(marketing(), registry, sent)).toMatchObject({ outcome: "reject", reason });
    expect(decide(marketing(), registry.mode(rule, "monitor"), sent)).toMatchObject({
      outcome: "accept",
      recipients: [{ outcome: "accept" }],
      monitored: [{ reason, recipient: 0 }],
    });
    expect(decide(marketing(), registry.mode(rule, "off"), sent)).toMatchObject({ outcome: "accept", monitored: [] });
  });

  it("records every monitored refusal in rule order and keeps going", () => {
    const registry = world()
      .quietHours("21:00", "08:00")
      .dnd("hash-alice")
      .optOut("hash-alice", "ent-xinghe");
    for (const rule of ["port", "signature", "sublet", "scope", "opt_out_hint", "opt_out", "dnd", "quiet_hours", "daily_cap"]) registry.mode(rule, "monitor");
    const verdict = decide(
      submission({ sourceAddr: "106901234501", text: "【星河商贸】会员日全场5折", declaredCategory: "verification", at: shanghai(23, 0) }),
      registry,
      counters(),
    );
    expect(verdict.outcome).toBe("accept");
    expect(verdict.monitored.map((m) => m.reason)).toEqual([
      "sublet_extension_mismatch",
      "opt_out_hint_missing",
      "quiet_hours",
      "recipient_opted_out",
      "recipient_do_not_disturb",
    ]);
  });
});

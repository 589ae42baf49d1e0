import { describe, expect, it } from "vitest";
import { decide } from "../../../src/policy/decide.ts";
import { reasons } from "../../../src/policy/reasons.ts";
import type { RejectVerdict, Verdict } from "../../../src/policy/verdict.ts";
import { NOON, counters, marketing, shanghai, submission, world } from "./fixtures.ts";

function expectRejected(verdict: Verdict, reason: keyof typeof reasons): asserts verdict is RejectVerdict {
  expect(verdict.outcome).toBe("reject");
  if (verdict.outcome !== "reject") throw new Error("accepted");
  expect(verdict.reason).toBe(reason);
  expect(verdict.commandStatus).toBe(reasons[reason].commandStatus);
  expect(verdict.detail.length).toBeGreaterThan(0);
  for (const recipient of verdict.recipients) expect(recipient).toMatchObject({ outcome: "reject", reason });
}

describe("decide (error): port", () => {
  it("refuses a source that matches no port (port_unknown, 0x0A)", () => {
    const verdict = decide(submission({ sourceAddr: "10655500001" }), world(), counters());
    expectRejected(verdict, "port_unknown");
    expect(verdict.commandStatus).toBe(0x0a);
  });

  it("refuses another SP's port (port_not_owned, 0x0A)", () => {
    const verdict = decide(submission({ sourceAddr: "1069099999" }), world(), counters());
    expectRejected(verdict, "port_not_owned");
    expect(verdict).toMatchObject({ port: { id: "port-other" } });
  });

  it("refuses a suspended port", () => {
    expectRejected(decide(submission({ sourceAddr: "1069088888" }), world(), counters()), "port_suspended");
  });

  it("refuses a revoked port", () => {
    expectRejected(decide(submission({ sourceAddr: "1069077777" }), world(), counters()), "port_revoked");
  });

  it("refuses digits after the port that are not an assigned extension", () => {
    expectRejected(decide(submission({ sourceAddr: "106901234599" }), world(), counters()), "extension_unassigned");
  });

  it("checks ownership before status: another SP's suspended port is not_owned", () => {
    const registry = world().port("1069066666", { spId: "sp-other", status: "suspended" });
    expectRejected(decide(submission({ sourceAddr: "1069066666" }), registry, counters()), "port_not_owned");
  });
});

describe("decide (error): signature", () => {
  it.each([
    ["您的验证码是123456", "signature_missing"],
    ["【】您的验证码是123456", "signature_empty"],
    ["【云端科技 您的验证码是123456", "signature_unclosed"],
    ["【云端科技】您的验证码是123456【星河商贸】", "signature_multiple"],
    ["您好，【云端科技】验证码123456", "signature_not_at_edge"],
    ["【未知公司】您的验证码是123456", "signature_unregistered"],
  ] as const)("refuses %s as %s", (text, reason) => {
    expectRejected(decide(submission({ text }), world(), counters()), reason);
  });

  it.each([
    ["pending", "signature_not_approved"],
    ["rejected", "signature_not_approved"],
    ["suspended", "signature_suspended"],
    ["revoked", "signature_revoked"],
  ] as const)("refuses a %s signature as %s", (status, reason) => {
    const registry = world().signature("云端科技", { enterpriseId: "ent-yunduan", status, bindings: [{ portId: "port-huaxin", extension: "" }] });
    expectRejected(decide(submission(), registry, counters()), reason);
  });

  it("refuses a signature that expires exactly at the submission time, accepts one ms earlier", () => {
    const expiring = world().signature("云端科技", { enterpriseId: "ent-yunduan", expiresAt: NOON, bindings: [{ portId: "port-huaxin", extension: "" }] });
    expectRejected(decide(submission({ at: NOON }), expiring, counters()), "signature_expired");
    expect(decide(submission({ at: NOON - 1 }), expiring, counters()).outcome).toBe("accept");
  });

  it("runs the port rule before the signature rule", () => {
    expectRejected(decide(submission({ sourceAddr: "1069099999", text: "没有签名" }), world(), counters()), "port_not_owned");
  });
});

describe("decide (error): sublet 违规转租", () => {
  it("refuses a signature whose enterprise has no contract with the SP", () => {
    const registry = world().signature("远方物流", { enterpriseId: "ent-far", bindings: [{ portId: "port-huaxin", extension: "" }] });
    expectRejected(decide(submission({ text: "【远方物流】您的包裹已到。", declaredCategory: "notification" }), registry, counters()), "sublet_no_contract");
  });

  it("respects the contract's validity at `at` (the registry decides the edges)", () => {
    const registry = world()
      .signature("远方物流", { enterpriseId: "ent-far", bindings: [{ portId: "port-huaxin", extension: "" }] })
      .contract("sp-huaxin", "ent-far", NOON, NOON + 1000);
    const text = "【远方物流】您的包裹已到。";
    expectRejected(decide(submission({ text, at: NOON - 1 }), registry, counters()), "sublet_no_contract");
    expect(decide(submission({ text, at: NOON }), registry, counters()).outcome).toBe("accept");
    expectRejected(decide(submission({ text, at: NOON + 1000 }), registry, counters()), "sublet_no_contract");
  });

  it("refuses a signature not bound to the port it is sent from", () => {
    const registry = world().port("1069055555", { spId: "sp-huaxin", id: "port-second" });
    expectRejected(decide(submission({ sourceAddr: "1069055555" }), registry, counters()), "sublet_port_not_bound");
  });

  it("refuses an extension-bound signature sent from the bare port", () => {
    expectRejected(decide(marketing({ sourceAddr: "1069012345" }), world(), counters()), "sublet_port_not_bound");
  });

  it("refuses a signature sent from an extension assigned to another enterprise", () => {
    const verdict = decide(submission({ sourceAddr: "106901234502" }), world(), counters());
    expectRejected(verdict, "sublet_extension_mismatch");
    expect(verdict).toMatchObject({ extension: { enterpriseId: "ent-xinghe" }, enterpriseId: "ent-yunduan" });
  });

  it("refuses an extension-bound signature from another extension of the same enterprise as not bound", () => {
    const registry = world().extension("1069012345", "03", "ent-yunduan");
    expectRejected(decide(marketing({ sourceAddr: "106901234503" }), registry, counters()), "sublet_port_not_bound");
  });

  it("lets an explicit binding to an extension win over that extension's owner", () => {
    const registry = world().signature("云端科技", {
      enterpriseId: "ent-yunduan",
      bindings: [{ portId: "port-huaxin", extension: "02" }],
    });
    expect(decide(submission({ sourceAddr: "106901234502" }), registry, counters()).outcome).toBe("accept");
  });
});

describe("decide (error): scope 扩大签名使用范围", () => {
  it("refuses marketing under a verification/notification signature", () => {
    const verdict = decide(submission({ text: "【云端科技】会员日全场5折，回T退订", declaredCategory: "marketing" }), world(), counters());
    expectRejected(verdict, "scope_exceeded");
    expect(verdict).toMatchObject({ category: "marketing" });
  });

  it("judges a declared verification that reads as marketing as marketing", () => {
    const verdict = decide(submission({ text: "【云端科技】您的验证码是1234。限时特价，回T退订" }), world(), counters());
    expectRejected(verdict, "scope_exceeded");
    expect(verdict).toMatchObject({ category: "marketing" });
    expect(verdict.detail).toContain("declared verification");
  });

  it("keeps a declared marketing message marketing even when it reads as a notification", () => {
    const verdict = decide(submission({ text: "【云端科技】您的订单已发货。", declaredCategory: "marketing" }), world(), counters());
    expectRejected(verdict, "scope_exceeded");
  });

  it("refuses a notification under a verification-only signature", () => {
    const registry = world().signature("云端科技", {
      enterpriseId: "ent-yunduan",
      scope: ["verification"],
      bindings: [{ portId: "port-huaxin", extension: "" }],
    });
    expectRejected(decide(submission({ text: "【云端科技】您的订单已发货。" }), registry, counters()), "scope_exceeded");
  });

  it("classifies the body, not the signature: 【优惠生活】 alone does not make a message marketing", () => {
    const registry = world().signature("优惠生活", { enterpriseId: "ent-yunduan", bindings: [{ portId: "port-huaxin", extension: "" }] });
    expect(decide(submission({ text: "【优惠生活】您的验证码是123456。" }), registry, counters()).outcome).toBe("accept");
  });
});

describe("decide (error): marketing", () => {
  it("refuses marketing without an opt-out hint", () => {
    expectRejected(decide(marketing({ text: "【云端商城】会员日全场5折" }), world(), counters()), "opt_out_hint_missing");
  });

  it("refuses a recipient who opted out of the enterprise, under another of its signatures", () => {
    // The opt-out was recorded against ent-yunduan (e.g. a T sent to 【云端科技】's port); 【云端商城】 is the same enterprise.
    expectRejected(decide(marketing(), world().optOut("hash-alice", "ent-yunduan"), counters()), "recipient_opted_out");
  });

  it("does not carry an opt-out over to another enterprise", () => {
    expect(decide(marketing(), world().optOut("hash-alice", "ent-xinghe"), counters()).outcome).toBe("accept");
  });

  it("refuses a recipient on the do-not-disturb list", () => {
    expectRejected(decide(marketing(), world().dnd("hash-alice"), counters()), "recipient_do_not_disturb");
  });

  it("refuses marketing at 21:00 and accepts it at 08:00 (Asia/Shanghai)", () => {
    const registry = world().quietHours("21:00", "08:00", 480);
    expect(decide(marketing({ at: shanghai(20, 59, 59, 999) }), registry, counters()).outcome).toBe("accept");
    expectRejected(decide(marketing({ at: shanghai(21, 0) }), registry, counters()), "quiet_hours");
    expectRejected(decide(marketing({ at: shanghai(3, 0) }), registry, counters()), "quiet_hours");
    expectRejected(decide(marketing({ at: shanghai(7, 59, 59, 999) }), registry, counters()), "quiet_hours");
    expect(decide(marketing({ at: shanghai(8, 0) }), registry, counters()).outcome).toBe("accept");
  });

  it("accepts the cap's last message (N-1 sent) and refuses the next (N sent)", () => {
    const registry = world().dailyCap(3);
    expect(decide(marketing(), registry, counters({ "hash-alice|ent-yunduan": 2 })).outcome).toBe("accept");
    expectRejected(decide(marketing(), registry, counters({ "hash-alice|ent-yunduan": 3 })), "daily_cap_exceeded");
  });

  it("counts the cap per enterprise", () => {
    expect(decide(marketing(), world().dailyCap(3), counters({ "hash-alice|ent-xinghe": 9 })).outcome).toBe("accept");
  });

  it("refuses everything with a cap of zero, nothing with no cap", () => {
    expectRejected(decide(marketing(), world().dailyCap(0), counters()), "daily_cap_exceeded");
    expect(decide(marketing(), world().dailyCap(null), counters({ "hash-alice|ent-yunduan": 1000 })).outcome).toBe("accept");
  });

  it("checks opt-out before do-not-disturb before the cap", () => {
    const registry = world().optOut("hash-alice", "ent-yunduan").dnd("hash-alice").dailyCap(0);
    expectRejected(decide(marketing(), registry, counters()), "recipient_opted_out");
  });

  it("refuses a submission with no recipient as invalid_destination", () => {
    expectRejected(decide(submission({ recipients: [] }), world(), counters()), "invalid_destination");
  });
});

import { describe, expect, it } from "vitest";
import { decide } from "../../../src/policy/decide.ts";
import { counters, marketing, shanghai, submission, world } from "./fixtures.ts";

describe("decide (happy)", () => {
  it("accepts a verification code from the SP's own port under a registered signature", () => {
    const verdict = decide(submission(), world(), counters());
    expect(verdict).toMatchObject({
      outcome: "accept",
      category: "verification",
      port: { id: "port-huaxin" },
      signature: { id: "sig-yunduan" },
      enterpriseId: "ent-yunduan",
      recipients: [{ outcome: "accept" }],
      monitored: [],
    });
    expect(verdict.extension).toBeUndefined();
  });

  it("accepts a notification from an extension of the signature's enterprise under a bare-port binding", () => {
    const verdict = decide(
      submission({ sourceAddr: "106901234501", text: "【云端科技】您的订单已发货，快递单号SF123。", declaredCategory: "notification" }),
      world(),
      counters(),
    );
    expect(verdict).toMatchObject({ outcome: "accept", category: "notification", extension: { extension: "01", enterpriseId: "ent-yunduan" } });
  });

  it("accepts extra digits the SP appends after its assigned extension", () => {
    expect(decide(submission({ sourceAddr: "10690123450177" }), world(), counters()).outcome).toBe("accept");
  });

  it("accepts a marketing message with an opt-out hint in the daytime", () => {
    expect(decide(marketing(), world(), counters())).toMatchObject({ outcome: "accept", category: "marketing", signature: { id: "sig-yunduan-mall" } });
  });

  it("accepts the signature at the end of the text", () => {
    expect(decide(submission({ text: "您的验证码是123456，5分钟内有效。【云端科技】" }), world(), counters()).outcome).toBe("accept");
  });

  it("accepts full-width letters, spaces and zero-width characters in a registered signature", () => {
    const registry = world().signature("ABC银行", { enterpriseId: "ent-yunduan", bindings: [{ portId: "port-huaxin", extension: "" }] });
    for (const text of ["【ＡＢＣ银行】您的验证码是1234", "【 A B C 银行 】您的验证码是1234", "【ABC\u200b银行】您的验证码是1234", "〖abc银行〗您的验证码是1234"]) {
      expect(decide(submission({ text }), registry, counters()), text).toMatchObject({ outcome: "accept", signature: { text: "abc银行" } });
    }
  });

  it("keeps a declared notification that looks like a verification code a notification", () => {
    const verdict = decide(submission({ declaredCategory: "notification" }), world(), counters());
    expect(verdict).toMatchObject({ outcome: "accept", category: "notification" });
  });

  it("does not apply marketing rules to verification or notification", () => {
    const registry = world().optOut("hash-alice", "ent-yunduan").dnd("hash-alice").dailyCap(0).quietHours("21:00", "08:00");
    const night = shanghai(23, 0);
    expect(decide(submission({ at: night }), registry, counters()).outcome).toBe("accept");
    expect(
      decide(submission({ at: night, text: "【云端科技】您的订单已发货。", declaredCategory: "notification" }), registry, counters()).outcome,
    ).toBe("accept");
  });

  it("asks for a contract at the submission's time", () => {
    const registry = world();
    decide(submission({ at: 1_741_579_200_123 }), registry, counters());
    expect(registry.contractQueries).toEqual([{ spId: "sp-huaxin", enterpriseId: "ent-yunduan", at: 1_741_579_200_123 }]);
  });

  it("asks the counters at the submission's time, per recipient and enterprise", () => {
    const sent = counters();
    decide(marketing({ at: 1_741_579_200_456 }), world().dailyCap(3), sent);
    expect(sent.queries).toEqual([1_741_579_200_456]);
  });

  it("reads the same inputs to the same verdict (pure)", () => {
    const registry = world();
    const input = marketing();
    expect(decide(input, registry, counters())).toEqual(decide(input, registry, counters()));
  });
});

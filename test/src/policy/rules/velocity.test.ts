import { describe, expect, it } from "vitest";
import { decide } from "../../../../src/policy/decide.ts";
import { counters, marketing, submission, world } from "../fixtures.ts";

/** The carrier-wide velocity rule, pure: the counts come from the counters, the limits from the settings. */
describe("velocity rule", () => {
  const limits = { perTenMinutes: 3, perHour: 5, perDay: 8, enterprisesPerHour: 2 };
  const enforced = () => world().mode("velocity", "enforce").velocity(limits);

  it("accepts a verification code below every limit and refuses the one that would exceed each window", () => {
    expect(decide(submission(), enforced(), counters({}, { "hash-alice": { tenMinutes: 2, hour: 4, day: 7 } })).outcome).toBe("accept");
    for (const seen of [{ tenMinutes: 3 }, { hour: 5 }, { day: 8 }]) {
      const verdict = decide(submission(), enforced(), counters({}, { "hash-alice": seen }));
      expect(verdict).toMatchObject({ outcome: "reject", reason: "recipient_velocity_exceeded", commandStatus: 0x470 });
    }
  });

  it("refuses a new enterprise once M distinct enterprises sent codes this hour, but not one already among them", () => {
    const bombed = counters({}, { "hash-alice": { tenMinutes: 1, hour: 2, day: 2, enterprises: ["ent-a", "ent-b"] } });
    expect(decide(submission(), enforced(), bombed)).toMatchObject({ outcome: "reject", reason: "recipient_velocity_exceeded" });
    const known = counters({}, { "hash-alice": { hour: 2, day: 2, enterprises: ["ent-yunduan", "ent-b"] } });
    expect(decide(submission(), enforced(), known).outcome).toBe("accept");
  });

  it("ships in monitor mode: the would-be refusal is recorded and the code goes through", () => {
    const verdict = decide(submission(), world().velocity(limits), counters({}, { "hash-alice": { tenMinutes: 3 } }));
    expect(verdict.outcome).toBe("accept");
    expect(verdict.monitored).toEqual([expect.objectContaining({ reason: "recipient_velocity_exceeded", recipient: 0 })]);
  });

  it("judges each recipient on its own count", () => {
    const input = submission({ command: "submit_multi", recipients: [{ hash: "hash-alice" }, { hash: "hash-bob" }] });
    const verdict = decide(input, enforced(), counters({}, { "hash-alice": { tenMinutes: 3 } }));
    expect(verdict.outcome).toBe("accept");
    expect(verdict.recipients.map((r) => r.outcome)).toEqual(["reject", "accept"]);
  });

  it("judges a code declared as a notification (the service_type is no way around it), not a real notification", () => {
    const flooded = counters({}, { "hash-alice": { tenMinutes: 3 } });
    const disguised = submission({ declaredCategory: "notification" });
    expect(decide(disguised, enforced(), flooded)).toMatchObject({ outcome: "reject", reason: "recipient_velocity_exceeded" });
    const notice = submission({ declaredCategory: "notification", text: "【云端科技】您的订单已发货，请注意查收。" });
    expect(decide(notice, enforced(), flooded).outcome).toBe("accept");
    // The verdict says the disguised one reads as a code, so the proxy counts it.
    expect(decide(disguised, world(), counters())).toMatchObject({ outcome: "accept", category: "notification", readsAsVerification: true });
    expect(decide(notice, world(), counters())).toMatchObject({ readsAsVerification: false });
  });

  it("applies to codes only, and does nothing with every limit off", () => {
    const flooded = counters({}, { "hash-alice": { tenMinutes: 99, hour: 99, day: 99, enterprises: ["a", "b", "c"] } });
    expect(decide(marketing(), enforced(), flooded).outcome).toBe("accept");
    const off = world().mode("velocity", "enforce").velocity({ perTenMinutes: null, perHour: null, perDay: null, enterprisesPerHour: null });
    expect(decide(submission(), off, flooded).outcome).toBe("accept");
  });
});

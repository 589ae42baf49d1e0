import { describe, expect, it } from "vitest";
import { decide } from "../../../../src/policy/decide.ts";
import { counters, marketing, shanghai, submission, world } from "../fixtures.ts";

const notification = () => submission({ text: "【云端科技】您的订单已发货，请注意查收。", declaredCategory: "notification" });

describe("preferences rule", () => {
  it("refuses marketing to a subscriber who blocks marketing, and lets notifications and codes through", () => {
    const registry = world().mode("preferences", "enforce").preference("hash-alice", ["marketing"]);
    expect(decide(marketing(), registry, counters())).toMatchObject({ outcome: "reject", reason: "recipient_preference_blocked", commandStatus: 0x471 });
    expect(decide(notification(), registry, counters()).outcome).toBe("accept");
    expect(decide(submission(), registry, counters()).outcome).toBe("accept");
  });

  it("never blocks a verification code, even when the registry names verification", () => {
    const registry = world().mode("preferences", "enforce").preference("hash-alice", ["marketing", "notification", "verification"]);
    expect(decide(notification(), registry, counters())).toMatchObject({ outcome: "reject", reason: "recipient_preference_blocked" });
    expect(decide(submission(), registry, counters()).outcome).toBe("accept");
    // A code declared as marketing is judged as marketing (escalation), never the other way round.
    expect(decide(submission({ declaredCategory: "verification" }), registry, counters()).monitored).toEqual([]);
  });

  it("a banded block (China time, wrapping midnight) applies inside the band only", () => {
    const registry = world().mode("preferences", "enforce").mode("quiet_hours", "off").preference("hash-alice", ["marketing"], { start: 22 * 60, end: 7 * 60 });
    expect(decide(marketing({ at: shanghai(23, 30) }), registry, counters()).outcome).toBe("reject");
    expect(decide(marketing({ at: shanghai(6, 59) }), registry, counters()).outcome).toBe("reject");
    expect(decide(marketing({ at: shanghai(7, 0) }), registry, counters()).outcome).toBe("accept");
    expect(decide(marketing({ at: shanghai(12, 0) }), registry, counters()).outcome).toBe("accept");
  });

  it("ships in monitor mode", () => {
    const verdict = decide(marketing(), world().preference("hash-alice", ["marketing"]), counters());
    expect(verdict.outcome).toBe("accept");
    expect(verdict.monitored).toEqual([expect.objectContaining({ reason: "recipient_preference_blocked" })]);
  });
});

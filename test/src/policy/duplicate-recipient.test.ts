import { describe, expect, it } from "vitest";
import { decide } from "../../../src/policy/decide.ts";
import { counters, marketing, submission, world } from "./fixtures.ts";

const TWICE = [{ hash: "hash-alice" }, { hash: "hash-bob" }, { hash: "hash-alice" }];

describe("decide: duplicate_recipient (marketing to one number twice in one message)", () => {
  it("ships in monitor: with no mode configured it refuses no one and records the repeat", () => {
    const verdict = decide(marketing({ command: "submit_multi", recipients: TWICE }), world(), counters());
    expect(verdict).toMatchObject({
      outcome: "accept",
      recipients: [{ outcome: "accept" }, { outcome: "accept" }, { outcome: "accept" }],
      monitored: [{ reason: "recipient_duplicate", recipient: 2, detail: "recipient #2 repeats recipient #0" }],
    });
  });

  it("when enforced, refuses the repeat with 0x445 and keeps the first occurrence and the others", () => {
    const verdict = decide(marketing({ command: "submit_multi", recipients: TWICE }), world().mode("duplicate_recipient", "enforce"), counters());
    expect(verdict).toMatchObject({ outcome: "accept", monitored: [] });
    expect(verdict.recipients).toEqual([
      { outcome: "accept" },
      { outcome: "accept" },
      { outcome: "reject", reason: "recipient_duplicate", commandStatus: 0x445, detail: "recipient #2 repeats recipient #0" },
    ]);
  });

  it("closes the daily-cap gap: a cap of 1 cannot be met twice by naming the number twice", () => {
    const registry = world().dailyCap(1).mode("duplicate_recipient", "enforce");
    const verdict = decide(marketing({ command: "submit_multi", recipients: [{ hash: "hash-alice" }, { hash: "hash-alice" }] }), registry, counters());
    expect(verdict.recipients.map((r) => (r.outcome === "reject" ? r.reason : "accept"))).toEqual(["accept", "recipient_duplicate"]);
  });

  it("names the first occurrence for every later repeat", () => {
    const recipients = [{ hash: "hash-bob" }, { hash: "hash-alice" }, { hash: "hash-bob" }, { hash: "hash-bob" }];
    const verdict = decide(marketing({ command: "submit_multi", recipients }), world(), counters());
    expect(verdict.monitored).toEqual([
      { reason: "recipient_duplicate", recipient: 2, detail: "recipient #2 repeats recipient #0" },
      { reason: "recipient_duplicate", recipient: 3, detail: "recipient #3 repeats recipient #0" },
    ]);
  });

  it("leaves verification and notification alone, and is skipped when off", () => {
    const enforced = world().mode("duplicate_recipient", "enforce");
    const notification = decide(submission({ command: "submit_multi", recipients: TWICE }), enforced, counters());
    expect(notification).toMatchObject({ outcome: "accept", monitored: [] });
    expect(notification.recipients.every((r) => r.outcome === "accept")).toBe(true);
    const off = decide(marketing({ command: "submit_multi", recipients: TWICE }), world().mode("duplicate_recipient", "off"), counters());
    expect(off).toMatchObject({ outcome: "accept", monitored: [] });
  });

  it("runs after the other recipient rules: an opted-out repeat is refused as opted out", () => {
    const registry = world().optOut("hash-alice", "ent-yunduan").mode("duplicate_recipient", "enforce");
    const verdict = decide(marketing({ command: "submit_multi", recipients: TWICE }), registry, counters());
    expect(verdict.recipients.map((r) => (r.outcome === "reject" ? r.reason : "accept"))).toEqual(["recipient_opted_out", "accept", "recipient_opted_out"]);
  });
});

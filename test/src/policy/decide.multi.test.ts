import { describe, expect, it } from "vitest";
import { decide } from "../../../src/policy/decide.ts";
import { counters, marketing, submission, world } from "./fixtures.ts";

const THREE = [{ hash: "hash-alice" }, { hash: "hash-bob" }, { hash: "hash-carol" }];

describe("decide (submit_multi)", () => {
  it("accepts and lists every recipient of a notification", () => {
    const verdict = decide(submission({ command: "submit_multi", recipients: THREE }), world(), counters());
    expect(verdict).toMatchObject({ outcome: "accept", recipients: [{ outcome: "accept" }, { outcome: "accept" }, { outcome: "accept" }] });
  });

  it("refuses only the recipients a per-recipient rule refuses", () => {
    const registry = world().optOut("hash-bob", "ent-yunduan").dailyCap(2);
    const verdict = decide(marketing({ command: "submit_multi", recipients: THREE }), registry, counters({ "hash-carol|ent-yunduan": 2 }));
    expect(verdict.outcome).toBe("accept");
    expect(verdict.recipients).toEqual([
      { outcome: "accept" },
      expect.objectContaining({ outcome: "reject", reason: "recipient_opted_out", commandStatus: 0x441 }),
      expect.objectContaining({ outcome: "reject", reason: "daily_cap_exceeded", commandStatus: 0x444 }),
    ]);
  });

  it("refuses the message when every recipient is refused, with the first recipient's reason", () => {
    const registry = world().dnd("hash-alice").dnd("hash-bob").optOut("hash-carol", "ent-yunduan");
    const verdict = decide(marketing({ command: "submit_multi", recipients: THREE }), registry, counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "recipient_do_not_disturb", commandStatus: 0x442 });
    expect(verdict.recipients.map((r) => (r.outcome === "reject" ? r.reason : "accept"))).toEqual([
      "recipient_do_not_disturb",
      "recipient_do_not_disturb",
      "recipient_opted_out",
    ]);
  });

  it("runs the message-level rules once and refuses every recipient with their reason", () => {
    const registry = world();
    const verdict = decide(submission({ command: "submit_multi", recipients: THREE, sourceAddr: "1069099999" }), registry, counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "port_not_owned" });
    expect(verdict.recipients).toHaveLength(3);
    for (const recipient of verdict.recipients) expect(recipient).toMatchObject({ outcome: "reject", reason: "port_not_owned", commandStatus: 0x0a });
    expect(registry.contractQueries).toHaveLength(0);
  });

  it("asks for the contract once however many recipients there are", () => {
    const registry = world();
    decide(submission({ command: "submit_multi", recipients: THREE }), registry, counters());
    expect(registry.contractQueries).toHaveLength(1);
  });

  it("records monitored per-recipient refusals with the recipient's index", () => {
    const registry = world().dnd("hash-bob").mode("dnd", "monitor");
    const verdict = decide(marketing({ command: "submit_multi", recipients: THREE }), registry, counters());
    expect(verdict).toMatchObject({ outcome: "accept", monitored: [{ reason: "recipient_do_not_disturb", recipient: 1 }] });
  });
});

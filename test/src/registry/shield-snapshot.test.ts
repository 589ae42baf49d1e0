import { describe, expect, it } from "vitest";
import { encodeChange, parseChange } from "../../../src/db/change-feed.ts";
import { RegistrySnapshot } from "../../../src/registry/snapshot.ts";

const HASH = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const OTHER = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

describe("the snapshot's preferences and honeypots", () => {
  it("answers a category's block, never for verification, replaces and removes it", () => {
    const snapshot = new RegistrySnapshot();
    snapshot.shield.setPreference(HASH, ["marketing"], null);
    expect(snapshot.preferenceBlock(HASH, "marketing")).toBe("always");
    expect(snapshot.preferenceBlock(HASH, "notification")).toBeUndefined();
    expect(snapshot.preferenceBlock(HASH, "verification")).toBeUndefined();
    expect(snapshot.preferenceBlock(OTHER, "marketing")).toBeUndefined();
    snapshot.shield.setPreference(HASH, ["marketing", "notification"], { start: 1320, end: 480 });
    expect(snapshot.preferenceBlock(HASH, "marketing")).toEqual({ start: 1320, end: 480 });
    expect(snapshot.preferenceBlock(HASH, "notification")).toEqual({ start: 1320, end: 480 });
    snapshot.shield.setPreference(HASH, ["marketing", "notification", "verification"], null);
    expect(snapshot.preferenceBlock(HASH, "notification")).toBe("always");
    expect(snapshot.preferenceBlock(HASH, "verification")).toBeUndefined();
    snapshot.shield.removePreference(HASH);
    expect(snapshot.preferenceBlock(HASH, "marketing")).toBeUndefined();
    expect(snapshot.stats().preferences).toBe(0);
  });

  it("keeps honeypots apart from do-not-disturb under the same key", () => {
    const snapshot = new RegistrySnapshot();
    snapshot.shield.addHoneypot(HASH);
    expect(snapshot.isHoneypot(HASH)).toBe(true);
    expect(snapshot.isDoNotDisturb(HASH)).toBe(false);
    expect(snapshot.honeypotCount).toBe(1);
    snapshot.shield.removeHoneypot(HASH);
    expect(snapshot.isHoneypot(HASH)).toBe(false);
  });
});

describe("the change feed's new tables", () => {
  it("round-trips row and removal forms, and refuses malformed ones", () => {
    for (const change of [
      { table: "subscriber_preferences", id: "01900000-0000-7000-8000-000000000001" },
      { table: "subscriber_preferences", removed: { recipientHash: HASH } },
      { table: "honeypots", id: "01900000-0000-7000-8000-000000000002" },
      { table: "honeypots", removed: { recipientHash: HASH } },
    ] as const) {
      expect(parseChange(encodeChange(change))).toEqual({ ok: true, change });
    }
    expect(parseChange("honeypots:-not a hash").ok).toBe(false);
    expect(parseChange("subscriber_preferences:-").ok).toBe(false);
    expect(parseChange("settings:-abc").ok).toBe(false);
  });
});

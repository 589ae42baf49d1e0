import { describe, expect, it } from "vitest";
import { BindGuard } from "../../../src/gateway/bind-guard.ts";
import { BoundedMap } from "../../../src/gateway/bounded-map.ts";
import { canonicalMessageId, messageIdCandidates } from "../../../src/gateway/message-id.ts";
import { DailyMarketingCounters } from "../../../src/gateway/recipient-counters.ts";
import { TokenBucket } from "../../../src/gateway/token-bucket.ts";

describe("receipt message-id matching", () => {
  it("matches leading zeros, case, and hex ⇄ decimal forms", () => {
    expect(canonicalMessageId("00ABC123")).toBe("abc123");
    expect(canonicalMessageId("0")).toBe("0");
    // submit_sm_resp said hex 1A2B3C; the receipt text says id:1715004 (its decimal form)
    expect(messageIdCandidates("1715004")).toContain("1a2b3c");
    // submit_sm_resp said decimal 1715004; the receipt says 1A2B3C
    expect(messageIdCandidates("1A2B3C")).toContain("1715004");
    expect(messageIdCandidates("0001a2b3c")[0]).toBe("1a2b3c");
    // ids wider than 2^53 survive the conversion
    expect(messageIdCandidates("ffffffffffffffffff")).toContain(BigInt("0xffffffffffffffffff").toString(10));
    expect(messageIdCandidates("msg-42")).toEqual(["msg-42"]);
    // Ids already canonical are returned as they are; every other form as trimmed, lowered, unpadded.
    const reference = (id: string) => id.trim().toLowerCase().replace(/^0+(?=.)/, "");
    for (const id of ["10", "0", "00", "007", "abc", "ABC", "aBc", " 42", "42 ", "4\u00a02", "\u00a042", "x\t", "ÄB", "msg-42", "", "0a", "a0", "~z", "@A"]) {
      expect(canonicalMessageId(id)).toBe(reference(id));
    }
  });
});

describe("token bucket", () => {
  it("allows the rate per second and refills over time", () => {
    const bucket = new TokenBucket(10, 0);
    let passed = 0;
    for (let i = 0; i < 25; i++) if (bucket.take(0)) passed++;
    expect(passed).toBe(10);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    let later = 0;
    for (let i = 0; i < 25; i++) if (bucket.take(1100)) later++;
    expect(later).toBe(10);
  });
});

describe("bind guard", () => {
  it("locks an address after repeated failures, for the lockout time", () => {
    const guard = new BindGuard({ maxFailures: 3, windowMs: 60_000, lockoutMs: 300_000 });
    guard.recordFailure("10.0.0.1", 0);
    guard.recordFailure("10.0.0.1", 1000);
    expect(guard.isLocked("10.0.0.1", 1000)).toBe(false);
    guard.recordFailure("10.0.0.1", 2000);
    expect(guard.isLocked("10.0.0.1", 2001)).toBe(true);
    expect(guard.isLocked("10.0.0.2", 2001)).toBe(false);
    expect(guard.isLocked("10.0.0.1", 302_001)).toBe(false);
  });

  it("reset forgets a key's failures, but not a lockout in force", () => {
    const guard = new BindGuard({ maxFailures: 2, windowMs: 60_000, lockoutMs: 300_000 });
    guard.recordFailure("account-a", 0);
    guard.reset("account-a", 1);
    guard.recordFailure("account-a", 2);
    expect(guard.isLocked("account-a", 3)).toBe(false);
    guard.recordFailure("account-a", 4);
    expect(guard.isLocked("account-a", 5)).toBe(true);
    guard.reset("account-a", 6);
    expect(guard.isLocked("account-a", 7)).toBe(true);
  });
});

describe("bounded map and daily counters", () => {
  it("evicts the oldest entry and expires by time", () => {
    const map = new BoundedMap<string, number>(2, 1000);
    map.set("a", 1, 0);
    map.set("b", 2, 0);
    map.set("c", 3, 0);
    expect(map.get("a", 0)).toBeUndefined();
    expect(map.get("c", 999)).toBe(3);
    expect(map.get("c", 1000)).toBeUndefined();
  });

  it("counts per recipient and enterprise per China day", () => {
    const counters = new DailyMarketingCounters(480);
    const evening = Date.parse("2026-11-23T23:30:00+08:00");
    const nextMorning = Date.parse("2026-11-24T00:10:00+08:00");
    counters.recordMarketing("h1", "e1", evening);
    counters.recordMarketing("h1", "e1", evening);
    expect(counters.marketingSentToday("h1", "e1", evening)).toBe(2);
    expect(counters.marketingSentToday("h1", "e2", evening)).toBe(0);
    expect(counters.marketingSentToday("h1", "e1", nextMorning)).toBe(0);
    counters.recordMarketing("h1", "e1", nextMorning);
    expect(counters.marketingSentToday("h1", "e1", nextMorning)).toBe(1); // a new day starts at 1
  });

  it("keeps the daily counts written last when full, as many as the cap, in typed arrays", () => {
    const at = Date.parse("2026-11-23T12:00:00+08:00");
    const hash = (i: number) => (i * 2654435761 + 7).toString(16).padStart(16, "0").repeat(4);
    const counters = new DailyMarketingCounters(480, 1000);
    for (let i = 0; i < 1000; i++) counters.recordMarketing(hash(i), "e1", at);
    counters.recordMarketing(hash(0), "e1", at); // written again: the young end, so hash(1) is the oldest now
    counters.recordMarketing(hash(1000), "e1", at);
    expect(counters.marketingSentToday(hash(0), "e1", at)).toBe(2);
    expect(counters.marketingSentToday(hash(1), "e1", at)).toBe(0);
    expect(counters.marketingSentToday(hash(2), "e1", at)).toBe(1);
    expect(counters.marketingSentToday(hash(1000), "e1", at)).toBe(1);
    expect(counters.size).toBe(1000);
  });
});

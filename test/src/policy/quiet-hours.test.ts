import { describe, expect, it } from "vitest";
import { isQuietTime, localMinuteOfDay, parseClock } from "../../../src/policy/quiet-hours.ts";
import { shanghai } from "./fixtures.ts";

const NIGHT = { start: "21:00", end: "08:00", timeZoneOffsetMinutes: 480 };

describe("quiet hours", () => {
  it("parses HH:MM and rejects anything else", () => {
    expect(parseClock("00:00")).toBe(0);
    expect(parseClock("21:00")).toBe(1260);
    expect(parseClock("08:05")).toBe(485);
    expect(parseClock("24:00")).toBe(1440);
    for (const bad of ["8:00", "24:01", "25:00", "12:60", "12-00", "ab:cd", "", "12:000"]) expect(parseClock(bad), bad).toBeUndefined();
  });

  it("computes the local minute of day, also before 1970", () => {
    expect(localMinuteOfDay(Date.UTC(2025, 0, 1, 13, 0), 480)).toBe(21 * 60);
    expect(localMinuteOfDay(Date.UTC(1969, 11, 31, 23, 30), 0)).toBe(23 * 60 + 30);
    expect(localMinuteOfDay(Date.UTC(2025, 0, 1, 0, 30), -300)).toBe(19 * 60 + 30);
  });

  it("is quiet from 21:00 (inclusive) across midnight to 08:00 (exclusive)", () => {
    expect(isQuietTime(shanghai(20, 59, 59, 999), NIGHT)).toBe(false);
    expect(isQuietTime(shanghai(21, 0), NIGHT)).toBe(true);
    expect(isQuietTime(shanghai(23, 59), NIGHT)).toBe(true);
    expect(isQuietTime(shanghai(0, 0), NIGHT)).toBe(true);
    expect(isQuietTime(shanghai(7, 59, 59, 999), NIGHT)).toBe(true);
    expect(isQuietTime(shanghai(8, 0), NIGHT)).toBe(false);
    expect(isQuietTime(shanghai(12, 0), NIGHT)).toBe(false);
  });

  it("handles a window that does not wrap midnight", () => {
    const lunch = { start: "12:00", end: "13:30", timeZoneOffsetMinutes: 480 };
    expect(isQuietTime(shanghai(11, 59), lunch)).toBe(false);
    expect(isQuietTime(shanghai(12, 0), lunch)).toBe(true);
    expect(isQuietTime(shanghai(13, 29), lunch)).toBe(true);
    expect(isQuietTime(shanghai(13, 30), lunch)).toBe(false);
  });

  it("uses the configured offset, not UTC", () => {
    // 21:00 in Shanghai is 13:00 UTC: quiet at +480, not quiet at +0.
    const at = Date.UTC(2025, 2, 10, 13, 0);
    expect(isQuietTime(at, NIGHT)).toBe(true);
    expect(isQuietTime(at, { ...NIGHT, timeZoneOffsetMinutes: 0 })).toBe(false);
  });

  it("treats an empty or malformed window as no quiet hours", () => {
    expect(isQuietTime(shanghai(22, 0), { start: "21:00", end: "21:00", timeZoneOffsetMinutes: 480 })).toBe(false);
    expect(isQuietTime(shanghai(22, 0), { start: "9pm", end: "08:00", timeZoneOffsetMinutes: 480 })).toBe(false);
  });
});

import { localMinuteOfDay } from "../quiet-hours.ts";
import type { RecipientRule } from "./rule.ts";

/** Subscriber time bands are China wall-clock time (UTC+8, no daylight saving). */
const CHINA_OFFSET_MINUTES = 480;

/**
 * The subscriber's own preferences, beyond the operator-wide DND list: marketing only, or marketing
 * and notifications, all day or inside a time band (China time). Verification codes are never
 * blocked by a preference: the rule does not apply to that category at all.
 */
export const preferencesRule: RecipientRule = {
  group: "preferences",
  judges: "recipient",
  categories: ["marketing", "notification"],
  check(facts, recipient) {
    const category = facts.category;
    const block = facts.registry.preferenceBlock(facts.submission.recipients[recipient]!.hash, category);
    if (block === undefined) return undefined;
    if (block !== "always" && !inBand(localMinuteOfDay(facts.submission.at, CHINA_OFFSET_MINUTES), block.start, block.end)) return undefined;
    return { reason: "recipient_preference_blocked", detail: `recipient #${recipient} blocks ${category}${block === "always" ? "" : " at this time of day"}` };
  },
};

/** [start, end) in minutes of the day; wraps midnight when start > end; an empty band blocks nothing. */
export function inBand(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

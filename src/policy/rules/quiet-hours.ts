import { isQuietTime } from "../quiet-hours.ts";
import type { MessageRule } from "./rule.ts";

/** e. No marketing during the configured local quiet hours (none configured: the rule skips). */
export const quietHoursRule: MessageRule = {
  group: "quiet_hours",
  judges: "message",
  categories: ["marketing"],
  check(facts) {
    const quiet = facts.settings.quietHours;
    if (!quiet || !isQuietTime(facts.submission.at, quiet)) return undefined;
    return { reason: "quiet_hours", detail: `marketing at local quiet hours ${quiet.start}–${quiet.end}` };
  },
};

import { hasOptOutHintCompact } from "../classifier.ts";
import type { MessageRule } from "./rule.ts";

/** e. A marketing message tells the recipient how to opt out (回T退订, 退订回T, Reply STOP…). */
export const optOutHintRule: MessageRule = {
  group: "opt_out_hint",
  judges: "message",
  categories: ["marketing"],
  check(facts) {
    if (hasOptOutHintCompact(facts.compact)) return undefined;
    return { reason: "opt_out_hint_missing", detail: "marketing text has no opt-out instruction such as 回T退订" };
  },
};

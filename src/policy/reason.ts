import type { RuleGroup } from "./groups.ts";

/** One entry of the closed reason list (reasons.ts, reasons-bind.ts). */
export interface Reason {
  code: string;
  sentence: string;
  sentenceZh: string;
  /** SMPP command_status sent in the *_resp (or per destination in submit_multi_resp). */
  commandStatus: number;
  /** True only when the status makes ESMEs retry on their own (0x14, 0x58, 0x64). */
  retryable: boolean;
  rule: RuleGroup;
}

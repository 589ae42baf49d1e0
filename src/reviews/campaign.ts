import type { Executor } from "../db/client.ts";
import { findingDetectors } from "./findings/index.ts";
import type { ReviewSettings } from "./settings.ts";
import type { FindingDraft, ReviewScope } from "./types.ts";

/** Runs every detector over the scope; a subject found twice by one type is kept once. */
export async function computeFindings(db: Executor, scope: ReviewScope, now: Date, settings: ReviewSettings): Promise<FindingDraft[]> {
  const out: FindingDraft[] = [];
  const seen = new Set<string>();
  for (const detector of findingDetectors) {
    for (const draft of await detector.detect({ db, scope, now, settings })) {
      const key = `${draft.type}|${draft.subjectType}|${draft.subjectId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(draft);
    }
  }
  return out;
}

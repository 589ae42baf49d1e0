import type { Executor } from "../db/client.ts";
import type { findingActions, findingSeverities, findingSubjects } from "../db/schema/index.ts";
import type { ReviewSettings } from "./settings.ts";

export type Severity = (typeof findingSeverities)[number];
export type RecommendedAction = (typeof findingActions)[number];
export type SubjectType = (typeof findingSubjects)[number];

/** What a review looks at: optionally one SP and/or ports starting with some digits, over [from, to). */
export interface ReviewScope {
  spId?: string | null;
  portPrefix?: string | null;
  from: Date;
  to: Date;
}

/** A redacted journal row shown as evidence. */
export interface JournalSample {
  at: string;
  reason: string;
  /** The SP that sent it, so an SP sees only its own samples (absent in findings computed before it was recorded). */
  spId?: string | null;
  sourceAddr: string | null;
  signatureText: string | null;
  recipientMask: string | null;
  text: string | null;
}

export interface Evidence {
  counts: Record<string, number>;
  /** Per day (China calendar), oldest first, at most 92 days. */
  series?: { day: string; count: number }[];
  /** Up to 5 redacted journal rows. */
  samples?: JournalSample[];
  [detail: string]: unknown;
}

export interface FindingDraft {
  type: string;
  severity: Severity;
  subjectType: SubjectType;
  subjectId: string;
  subjectLabel?: string | null;
  /** The SP the subject belongs to. */
  spId?: string | null;
  evidence: Evidence;
  recommendedAction: RecommendedAction;
}

/** What every finding detector gets. Detectors read; they never write. */
export interface DetectorContext {
  db: Executor;
  scope: ReviewScope;
  now: Date;
  settings: ReviewSettings;
}

export interface FindingDetector {
  /** The finding types it may produce. */
  types: readonly string[];
  detect(ctx: DetectorContext): Promise<FindingDraft[]>;
}

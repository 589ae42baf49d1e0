/**
 * What a service provider may see of a review: the findings whose spId is its own, so it can
 * rectify, and nothing that names another SP. Pure: rows in, the SP's view out.
 *
 * A finding's evidence was written for reviewers and may reach past its SP:
 * - journal samples of a port's sublet refusals are every sender's on that port (another SP's
 *   traffic can get there while the port rule is in monitor or off mode);
 * - refusals by signature (scope_exceeded …) name the sending SP (`sendingSpId`), which is the
 *   finding's SP unless the journal rows had none;
 * - a look-alike signature names the earlier filing it resembles, usually another SP's;
 * - a complaint-rate leader carries its rank among every SP's signatures.
 * Journal samples are therefore shown only where the detector drew them from this SP's own rows
 * (or where a sample says whose it is), and the rest of those details are cut to what is the SP's.
 */
import type { FindingRow, ReviewRow, ReviewSummary } from "./store.ts";
import type { Evidence } from "./types.ts";

/** Finding types whose journal evidence the detector limits to the finding's SP (its sending SP or its account's). */
const OWN_JOURNAL_EVIDENCE: ReadonlySet<string> = new Set(["scope_exceeded", "opt_out_hint_missing", "recipient_opted_out", "bind_address_outside_allowlist", "marketing_without_consent", "consent_request_repeated"]);

/** The review as an SP sees it: when and what state, and a summary of its own findings only. */
export interface ReviewForSp {
  id: string;
  kind: ReviewRow["kind"];
  status: ReviewRow["status"];
  periodFrom: Date | null;
  periodTo: Date | null;
  createdAt: Date;
  closedAt: Date | null;
  summary: ReviewSummary;
}

/**
 * No title (a reviewer may have named the SP a campaign targets), no scope, no author: the review
 * may be scoped to another SP and still hold a finding about this one (a port it owns).
 */
export function reviewForSp(review: ReviewRow, ownSummary: ReviewSummary): ReviewForSp {
  return {
    id: review.id,
    kind: review.kind,
    status: review.status,
    periodFrom: review.periodFrom,
    periodTo: review.periodTo,
    createdAt: review.createdAt,
    closedAt: review.closedAt,
    summary: ownSummary,
  };
}

/** A finding about `spId`, as that SP sees it. The caller has checked finding.spId === spId. */
export function findingForSp(finding: FindingRow, spId: string): FindingRow {
  return { ...finding, evidence: evidenceForSp(finding.type, finding.evidence as Evidence, spId), decidedBy: null };
}

export function evidenceForSp(type: string, evidence: Evidence, spId: string): Evidence {
  const out: Evidence = { ...evidence };
  const fromOwnRows = OWN_JOURNAL_EVIDENCE.has(type) && (!("sendingSpId" in out) || out.sendingSpId === spId);
  if (Array.isArray(out.samples) && !fromOwnRows) {
    const own = out.samples.filter((sample) => sample.spId === spId);
    if (own.length < out.samples.length) out.samplesWithheld = out.samples.length - own.length;
    out.samples = own;
  }
  if ("sendingSpId" in out && out.sendingSpId !== spId) delete out.sendingSpId;
  if (type === "look_alike_signature" && isRecord(out.looksLike) && out.looksLike.spId !== spId) {
    // The text stays: it is what the SP's signature is confused with, and it is printed on every message it signs.
    out.looksLike = { text: out.looksLike.text };
  }
  if (type === "complaint_rate_leader") delete out.rank;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

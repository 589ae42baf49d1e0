/**
 * Complaint-rate thresholds: complaints per 10,000 accepted messages by signature, port and SP over
 * a rolling window. Crossing one raises a finding in the continuous review and, when the operator
 * turned autoSuspend on, suspends the signature or port through the same audited services a human
 * uses, as the system actor.
 */
import { and, eq, gte, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { ServiceContext } from "../context.ts";
import { complaints, ports, serviceProviders, signatures, trafficDaily } from "../db/schema/index.ts";
import { withTransaction } from "../db/transaction.ts";
import { localDate } from "../lib/dates.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { updatePort } from "../ports/ports.service.ts";
import { suspendSignature } from "../signatures/signatures.service.ts";
import { getReviewSettings, type ReviewSettings } from "./settings.ts";
import { continuousReview, markAutoSuspended, upsertFinding, type FindingRow } from "./store.ts";
import type { FindingDraft, SubjectType } from "./types.ts";

export const THRESHOLD_ACTOR = { type: "system", id: "reviews:thresholds" } as const;
const DAY_MS = 24 * 3600_000;

export interface RateRow {
  subjectType: Extract<SubjectType, "signature" | "port" | "sp">;
  subjectId: string;
  complaints: number;
  accepted: number;
}

export interface Crossing extends RateRow {
  /** Complaints per 10,000 accepted; Infinity when nothing was accepted. */
  rate: number;
  severity: "medium" | "high";
}

/** Complaints per 10,000 accepted messages. */
export function ratePer10k(complaintCount: number, accepted: number): number {
  if (accepted <= 0) return complaintCount > 0 ? Number.POSITIVE_INFINITY : 0;
  return (complaintCount * 10_000) / accepted;
}

/** The rows at or over the threshold (pure). High severity at twice the threshold. */
export function crossings(rows: readonly RateRow[], settings: Pick<ReviewSettings, "ratePer10k" | "minComplaints">): Crossing[] {
  const out: Crossing[] = [];
  for (const row of rows) {
    if (row.complaints < settings.minComplaints) continue;
    const rate = ratePer10k(row.complaints, row.accepted);
    if (rate < settings.ratePer10k) continue;
    out.push({ ...row, rate, severity: rate >= settings.ratePer10k * 2 ? "high" : "medium" });
  }
  return out;
}

const keyColumns = {
  signature: { complaint: complaints.signatureId, traffic: trafficDaily.signatureId },
  port: { complaint: complaints.portId, traffic: trafficDaily.portId },
  sp: { complaint: complaints.spId, traffic: trafficDaily.spId },
} as const;

/**
 * Complaint counts and accepted volumes per subject over [from, to]. Only complaints attributed
 * with high or medium confidence count: a low-confidence attribution is a lead for a reviewer,
 * not grounds for an automatic suspension.
 */
export async function complaintRates(ctx: Pick<ServiceContext, "db">, from: Date, to: Date, filter: { spId?: string | null; portIds?: string[] } = {}): Promise<RateRow[]> {
  const out: RateRow[] = [];
  for (const subjectType of ["signature", "port", "sp"] as const) {
    const columns = keyColumns[subjectType];
    const counted = await ctx.db
      .select({ id: sql<string>`${columns.complaint}::text`, n: sql<number>`count(*)::int` })
      .from(complaints)
      .where(
        and(
          isNotNull(columns.complaint),
          inArray(complaints.confidence, ["high", "medium"]),
          gte(complaints.receivedAt, from),
          lte(complaints.receivedAt, to),
          filter.spId ? eq(complaints.spId, filter.spId) : undefined,
          filter.portIds ? inArray(complaints.portId, filter.portIds.length ? filter.portIds : ["00000000-0000-0000-0000-000000000000"]) : undefined,
        ),
      )
      .groupBy(columns.complaint);
    if (counted.length === 0) continue;
    const volumes = await ctx.db
      .select({ id: sql<string>`${columns.traffic}::text`, n: sql<number>`coalesce(sum(${trafficDaily.accepted}), 0)::bigint` })
      .from(trafficDaily)
      .where(
        and(
          inArray(columns.traffic, counted.map((c) => c.id)),
          gte(trafficDaily.day, localDate(from)),
          lte(trafficDaily.day, localDate(to)),
        ),
      )
      .groupBy(columns.traffic);
    const accepted = new Map(volumes.map((v) => [v.id, Number(v.n)]));
    for (const row of counted) out.push({ subjectType, subjectId: row.id, complaints: Number(row.n), accepted: accepted.get(row.id) ?? 0 });
  }
  return out;
}

async function labelsAndOwners(ctx: ServiceContext, rows: readonly RateRow[]) {
  const ids = (type: string) => rows.filter((r) => r.subjectType === type).map((r) => r.subjectId);
  const out = new Map<string, { label: string; spId: string | null; status: string }>();
  const signatureIds = ids("signature");
  if (signatureIds.length) {
    for (const s of await ctx.db.select().from(signatures).where(inArray(signatures.id, signatureIds))) out.set(`signature:${s.id}`, { label: `【${s.text}】`, spId: s.spId, status: s.status });
  }
  const portIds = ids("port");
  if (portIds.length) for (const p of await ctx.db.select().from(ports).where(inArray(ports.id, portIds))) out.set(`port:${p.id}`, { label: p.number, spId: p.spId, status: p.status });
  const spIds = ids("sp");
  if (spIds.length) {
    for (const s of await ctx.db.select().from(serviceProviders).where(inArray(serviceProviders.id, spIds))) out.set(`sp:${s.id}`, { label: s.name, spId: s.id, status: s.status });
  }
  return out;
}

export interface ThresholdEvaluation {
  findings: FindingRow[];
  /** Subjects suspended automatically by this evaluation. */
  suspended: { subjectType: "signature" | "port"; subjectId: string }[];
}

/**
 * Evaluates the thresholds at ctx.now over the rolling window and records every crossing in the
 * continuous review (refreshing an existing finding's evidence). With autoSuspend on, an approved
 * signature or active port that crosses is suspended by the system actor, and its finding is
 * marked decided (suspend). Runs after each complaint intake; safe to run at any time.
 */
export async function evaluateThresholds(ctx: ServiceContext): Promise<ThresholdEvaluation> {
  const system: ServiceContext = { ...ctx, actor: THRESHOLD_ACTOR };
  const settings = await getReviewSettings(system);
  const from = new Date(system.now.getTime() - settings.windowDays * DAY_MS);
  const crossed = crossings(await complaintRates(system, from, system.now), settings);
  const result: ThresholdEvaluation = { findings: [], suspended: [] };
  if (crossed.length === 0) return result;
  const subjects = await labelsAndOwners(system, crossed);
  for (const crossing of crossed) {
    const subject = subjects.get(`${crossing.subjectType}:${crossing.subjectId}`);
    const suspendable = (crossing.subjectType === "signature" && subject?.status === "approved") || (crossing.subjectType === "port" && subject?.status === "active");
    const draft: FindingDraft = {
      type: "complaint_rate",
      severity: crossing.severity,
      subjectType: crossing.subjectType,
      subjectId: crossing.subjectId,
      subjectLabel: subject?.label ?? null,
      spId: subject?.spId ?? null,
      recommendedAction: crossing.subjectType === "sp" ? "rectify" : "suspend",
      evidence: {
        counts: { complaints: crossing.complaints, accepted: crossing.accepted },
        ratePer10k: Number.isFinite(crossing.rate) ? Math.round(crossing.rate * 100) / 100 : null,
        threshold: { ratePer10k: settings.ratePer10k, minComplaints: settings.minComplaints, windowDays: settings.windowDays },
        window: { from: from.toISOString(), to: system.now.toISOString() },
      },
    };
    const finding = await withTransaction(system, async (tx) => {
      const review = await continuousReview(tx.db, tx.now);
      const { finding, created } = await upsertFinding(tx.db, review.id, draft, tx.now);
      if (created) {
        await recordAudit(tx, { action: "review_finding.create", objectType: "review_finding", objectId: finding.id, objectSpId: finding.spId, after: finding });
      }
      if (!settings.autoSuspend || !suspendable || finding.status === "decided") return finding;
      const reason = `自动暂停：投诉率 ${draft.evidence.ratePer10k ?? "∞"}/万条 超过阈值 ${settings.ratePer10k}/万条 (${crossing.complaints} complaints in ${settings.windowDays} days)`;
      if (crossing.subjectType === "signature") await suspendSignature(tx, crossing.subjectId, reason);
      else await updatePort(tx, crossing.subjectId, { status: "suspended", reason });
      result.suspended.push({ subjectType: crossing.subjectType as "signature" | "port", subjectId: crossing.subjectId });
      const decided = await markAutoSuspended(tx.db, finding.id, reason, tx.actor.id, tx.now);
      await recordAudit(tx, { action: "review_finding.decide", objectType: "review_finding", objectId: finding.id, objectSpId: finding.spId, before: finding, after: decided, reason });
      return decided;
    });
    result.findings.push(finding);
  }
  return result;
}

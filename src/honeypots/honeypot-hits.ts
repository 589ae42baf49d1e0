/**
 * Honeypot hits: marketing that named a trap number. The proxy hands each hit to the sink (no
 * database round-trip on the hot path); every 200 ms the sink stores them, raises or refreshes a
 * `honeypot_hit` finding in the continuous review for each signature involved, and — when the
 * operator's threshold (policy settings `honeypotSuspension`) is crossed — suspends the signature
 * through the same audited service an operator uses, as the system actor.
 *
 * The finding has no spId, so no SP ever sees it (reviews show an SP only findings with its own
 * spId): the sending SP is named in the evidence for reviewers. The suspension reason does not
 * name the number.
 */
import { and, eq, gte, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { recordAudit } from "../audit/audit.service.ts";
import type { ServiceContext } from "../context.ts";
import type { HoneypotHit } from "../gateway/gatekeeper.ts";
import { resultRows } from "../db/rows.ts";
import { honeypotHits, honeypots, signatures } from "../db/schema/index.ts";
import { withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { continuousReview, markAutoSuspended, upsertFinding } from "../reviews/store.ts";
import type { FindingDraft } from "../reviews/types.ts";
import { readPolicySettings } from "../settings/policy-settings.schemas.ts";
import { suspendSignature } from "../signatures/signatures.service.ts";

/** One judged marketing message to a honeypot number, as the gatekeeper reports it. */
export type HoneypotHitRecord = HoneypotHit;

export const HONEYPOT_ACTOR = { type: "system", id: "honeypots" } as const;

/** How far back a finding's evidence looks. */
const EVIDENCE_WINDOW_MS = 30 * 86_400_000;
const MAX_BUFFERED = 10_000;

export class HoneypotHitSink {
  private buffer: HoneypotHitRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  dropped = 0;

  constructor(
    private readonly options: { context: () => ServiceContext; logger?: Logger; flushMs?: number },
  ) {}

  push(hit: HoneypotHitRecord): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.dropped++; // a flood at one trap: the finding and the suspension already have what they need
      return;
    }
    this.buffer.push(hit);
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 200);
  }

  /** Stores what is buffered and evaluates each signature involved; one flush at a time. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.buffer.length === 0) return;
    const hits = this.buffer;
    this.buffer = [];
    this.running = this.store(hits).catch((error) => this.options.logger?.error({ err: error }, "could not record honeypot hits"));
    await this.running;
    this.running = undefined;
  }

  private async store(hits: HoneypotHitRecord[]): Promise<void> {
    const ctx: ServiceContext = { ...this.options.context(), actor: HONEYPOT_ACTOR };
    await ctx.db.insert(honeypotHits).values(hits.map((hit) => ({ ...hit, id: newId(), at: new Date(hit.at) })));
    const signatureIds = [...new Set(hits.map((hit) => hit.signatureId).filter((id): id is string => id !== null))];
    for (const signatureId of signatureIds) await evaluateSignature(ctx, signatureId);
  }

  async stop(): Promise<void> {
    await this.flush();
  }
}

/** Refreshes the signature's finding from its stored hits and suspends it once the threshold is crossed. */
export async function evaluateSignature(ctx: ServiceContext, signatureId: string): Promise<void> {
  const settings = await readPolicySettings(ctx.db);
  const [signature] = await ctx.db.select().from(signatures).where(eq(signatures.id, signatureId));
  if (!signature) return;
  const since = new Date(ctx.now.getTime() - EVIDENCE_WINDOW_MS);
  const rows = resultRows<{ sp_id: string | null; port_id: string | null; source_addr: string | null; enterprise_id: string | null; mask: string | null; hits: number; last: string }>(
    await ctx.db.execute(sql`
      select h.sp_id, h.port_id, h.source_addr, h.enterprise_id, p.recipient_mask as mask, count(*)::int as hits, max(h.at)::text as last
      from ${honeypotHits} h left join ${honeypots} p on p.recipient_hash = h.honeypot_hash
      where h.signature_id = ${signatureId} and h.at >= ${since.toISOString()}
      group by 1, 2, 3, 4, 5`),
  );
  const total = rows.reduce((sum, row) => sum + row.hits, 0);
  const suspension = settings.honeypotSuspension;
  const periodStart = suspension ? new Date(ctx.now.getTime() - suspension.periodMinutes * 60_000) : undefined;
  const [inPeriod] = periodStart
    ? await ctx.db.select({ n: sql<number>`count(*)::int` }).from(honeypotHits).where(and(eq(honeypotHits.signatureId, signatureId), gte(honeypotHits.at, periodStart)))
    : [{ n: 0 }];
  const crossed = suspension !== null && Number(inPeriod?.n ?? 0) >= suspension.hits;
  const draft: FindingDraft = {
    type: "honeypot_hit",
    severity: crossed ? "high" : "medium",
    subjectType: "signature",
    subjectId: signatureId,
    subjectLabel: signature.text,
    spId: null, // never shown to an SP: see the file comment
    recommendedAction: "suspend",
    evidence: {
      counts: { hits: total, hitsInPeriod: Number(inPeriod?.n ?? 0), honeypots: new Set(rows.map((row) => row.mask)).size },
      sendingSpIds: [...new Set(rows.map((row) => row.sp_id).filter(Boolean))],
      enterpriseId: signature.enterpriseId,
      senders: rows.map((row) => ({ spId: row.sp_id, portId: row.port_id, sourceAddr: row.source_addr, enterpriseId: row.enterprise_id, honeypotMask: row.mask, hits: row.hits, lastAt: row.last })),
      threshold: suspension,
    },
  };
  await withTransaction(ctx, async (tx) => {
    const review = await continuousReview(tx.db, tx.now);
    const { finding, created } = await upsertFinding(tx.db, review.id, draft, tx.now);
    if (created) await recordAudit(tx, { action: "review_finding.create", objectType: "review_finding", objectId: finding.id, after: finding });
    if (!crossed || signature.status !== "approved" || finding.status === "decided") return;
    const reason = `自动暂停：营销短信触发运营商监测，${suspension!.periodMinutes} 分钟内 ${inPeriod?.n} 次 (automatic suspension, system)`;
    await suspendSignature(tx, signatureId, reason);
    const decided = await markAutoSuspended(tx.db, finding.id, reason, tx.actor.id, tx.now);
    await recordAudit(tx, { action: "review_finding.decide", objectType: "review_finding", objectId: finding.id, before: finding, after: decided, reason });
  });
}

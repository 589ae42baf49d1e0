import { createHash } from "node:crypto";
import { asc, desc, gt, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { consents } from "../db/schema/index.ts";
import { resultRows } from "../db/rows.ts";
import { canonicalJson } from "../audit/audit.service.ts";

/**
 * The consent ledger's hash chain, built like the audit trail's (src/audit): each entry's hash
 * covers its own fields and the previous entry's hash, writers are serialised by an advisory lock
 * held to the end of their transaction, so the chain has no forks and an entry commits or rolls
 * back with the change itself.
 */

export const CONSENT_GENESIS_HASH = "0".repeat(64);
const CONSENT_LOCK_KEY = 7_712_014;

export type ConsentRow = typeof consents.$inferSelect;
/** An entry before it is chained: everything but seq, the projections and the hashes. */
export type ConsentEntry = Omit<ConsentRow, "seq" | "withdrawnAt" | "prunedAt" | "prevHash" | "hash">;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function consentHash(entry: ConsentEntry, prevHash: string): string {
  const material = canonicalJson({
    id: entry.id,
    kind: entry.kind,
    grantId: entry.grantId ?? null,
    recipientHash: entry.recipientHash,
    recipientMask: entry.recipientMask,
    enterpriseId: entry.enterpriseId,
    categories: [...entry.categories],
    frequency: entry.frequency ?? null,
    periodDays: entry.periodDays ?? null,
    consentedAt: iso(entry.consentedAt ?? null),
    expiresAt: iso(entry.expiresAt ?? null),
    source: entry.source ?? null,
    evidenceRef: entry.evidenceRef ?? null,
    cause: entry.cause ?? null,
    reason: entry.reason ?? null,
    recordedAt: iso(entry.recordedAt),
    recordedByType: entry.recordedByType,
    recordedById: entry.recordedById ?? null,
    spId: entry.spId ?? null,
    prevHash,
  });
  return createHash("sha256").update(material).digest("hex");
}

/** Appends entries, in order, to the chain (one lock, one read of the tail, one insert). Call inside a transaction. */
export async function appendConsentEntries(db: Executor, entries: ConsentEntry[]): Promise<ConsentRow[]> {
  if (entries.length === 0) return [];
  await db.execute(sql`select pg_advisory_xact_lock(${CONSENT_LOCK_KEY})`);
  const [last] = await db.select({ hash: consents.hash }).from(consents).orderBy(desc(consents.seq)).limit(1);
  let prevHash = last?.hash ?? CONSENT_GENESIS_HASH;
  const rows = entries.map((entry) => {
    const hash = consentHash(entry, prevHash);
    const row = { ...entry, prevHash, hash };
    prevHash = hash;
    return row;
  });
  // One statement per 1,000 rows keeps the parameter count far below PostgreSQL's 65,535.
  const inserted: ConsentRow[] = [];
  for (let offset = 0; offset < rows.length; offset += 1000) {
    inserted.push(...(await db.insert(consents).values(rows.slice(offset, offset + 1000)).returning()));
  }
  return inserted.sort((a, b) => a.seq - b.seq);
}

export interface ConsentChainVerification {
  ok: boolean;
  checked: number;
  /** The first entry (seq and id) whose hash, link or projection does not hold. */
  firstBrokenSeq: number | null;
  firstBrokenId: string | null;
  problem: string | null;
}

const broken = (checked: number, row: { seq: number; id: string }, problem: string): ConsentChainVerification => ({
  ok: false,
  checked,
  firstBrokenSeq: row.seq,
  firstBrokenId: row.id,
  problem,
});

/**
 * Walks the ledger in seq order and names the first entry whose link or hash does not hold. A
 * pruned entry (retention erased its personal fields) is checked for its link only: its hash is
 * taken as stored and still binds the next entry. Then the withdrawal projection is cross-checked:
 * a grant marked withdrawn without a withdrawal entry, or a withdrawn grant whose mark was erased
 * (which would make it count again), is named too.
 */
export async function verifyConsentChain(db: Executor, batchSize = 2000): Promise<ConsentChainVerification> {
  let prevHash = CONSENT_GENESIS_HASH;
  let checked = 0;
  let afterSeq = 0;
  let first = true;
  for (;;) {
    const batch = await db.select().from(consents).where(gt(consents.seq, afterSeq)).orderBy(asc(consents.seq)).limit(batchSize);
    if (batch.length === 0) break;
    for (const row of batch) {
      // The first surviving entry anchors the chain when retention removed nothing before it.
      if (!(first && row.prunedAt) && row.prevHash !== prevHash) return broken(checked, row, "prev_hash does not match the previous entry");
      if (!row.prunedAt && consentHash(row, row.prevHash) !== row.hash) return broken(checked, row, "entry content does not match its hash");
      prevHash = row.hash;
      first = false;
      checked++;
      afterSeq = row.seq;
    }
  }
  const mismatch = await db.execute(sql`
    select g.seq, g.id from ${consents} g
    left join ${consents} w on w.kind = 'withdrawal' and w.grant_id = g.id
    where g.kind = 'grant' and g.pruned_at is null and ((g.withdrawn_at is null) <> (w.id is null))
    order by g.seq limit 1`);
  const [row] = resultRows<{ seq: number | string; id: string }>(mismatch);
  if (row) return broken(checked, { seq: Number(row.seq), id: row.id }, "withdrawal mark does not match the ledger's withdrawal entries");
  return { ok: true, checked, firstBrokenSeq: null, firstBrokenId: null, problem: null };
}

import { and, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { consentRequests, consents } from "../db/schema/index.ts";
import { DAY_MS } from "../lib/dates.ts";

/**
 * How long a consent is kept after it expired or was withdrawn: at least five months (the
 * regulator's look-back on complaints), counted as 155 days so that five months of 31 days fit.
 */
export const CONSENT_RETENTION_DAYS = 155;

/**
 * Erases the personal fields (recipient hash and mask, evidence, frequency) of grants that expired
 * or were withdrawn more than CONSENT_RETENTION_DAYS ago, and of their withdrawal entries. The
 * entries themselves stay, hash and link intact, so the chain still verifies (a pruned entry is
 * checked for its link only). Returns how many entries were pruned.
 */
export async function pruneConsents(db: Executor, now: Date, retentionDays = CONSENT_RETENTION_DAYS): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const grants = await db
    .update(consents)
    .set({ recipientHash: "", recipientMask: "", evidenceRef: null, frequency: null, prunedAt: now })
    .where(and(sql`${consents.kind} = 'grant'`, isNull(consents.prunedAt), or(lt(consents.withdrawnAt, cutoff), lt(consents.expiresAt, cutoff))))
    .returning({ id: consents.id });
  // Consent requests matter for at most the longest period the settings allow (366 days).
  await db.delete(consentRequests).where(lt(consentRequests.sentAt, new Date(now.getTime() - 366 * DAY_MS)));
  if (grants.length === 0) return 0;
  let withdrawals = 0;
  for (let offset = 0; offset < grants.length; offset += 1000) {
    const ids = grants.slice(offset, offset + 1000).map((g) => g.id);
    const pruned = await db
      .update(consents)
      .set({ recipientHash: "", recipientMask: "", reason: null, prunedAt: now })
      .where(and(inArray(consents.grantId, ids), isNull(consents.prunedAt)))
      .returning({ id: consents.id });
    withdrawals += pruned.length;
  }
  return grants.length + withdrawals;
}

import { and, eq, gt, sql as sql_ } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { resultRows } from "../db/rows.ts";
import { consentRequests, consents } from "../db/schema/index.ts";
import type { RegistrySnapshot } from "./snapshot.ts";
import type { RegistryChange } from "../db/change-feed.ts";

/**
 * The consent part of the snapshot. Current consents are a Key64Set keyed exactly like opt-outs
 * (8 bytes a slot, no per-entry object): a key is in the set while its recipient × enterprise has a
 * grant that is neither withdrawn nor expired. A full load reads them with the other keyed sets
 * (keyed-sets.ts KEYED_SETS: over COPY in parallel on PostgreSQL); this file keeps them current.
 * Expiry is not a change anyone announces, so the registry sweeps it (sweepExpiredConsents, every health check, i.e. each second): the grants
 * that expired since the last sweep leave the set unless another grant of the pair is still current.
 */

/** Requests older than this cannot refuse anything whatever the period (the settings allow at most 366 days). */
export const CONSENT_REQUEST_HORIZON_MS = 366 * 86_400_000;

/** Consent requests recent enough to matter. */
export async function loadConsentRequests(db: Db, snapshot: RegistrySnapshot, now: number): Promise<void> {
  const rows = await db
    .select({ recipientHash: consentRequests.recipientHash, enterpriseId: consentRequests.enterpriseId, sentAt: consentRequests.sentAt })
    .from(consentRequests)
    .where(gt(consentRequests.sentAt, new Date(now - CONSENT_REQUEST_HORIZON_MS)));
  for (const row of rows) snapshot.noteConsentRequest(row.recipientHash, row.enterpriseId, row.sentAt.getTime());
}

/** Is any grant of this recipient × enterprise current at `now`? */
async function pairIsCurrent(db: Db, recipientHash: string, enterpriseId: string, now: number): Promise<boolean> {
  const [row] = resultRows<{ current: boolean }>(
    await db.execute(sql_`select exists (select 1 from consents where recipient_hash = ${recipientHash} and enterprise_id = ${enterpriseId}
      and kind = 'grant' and withdrawn_at is null and expires_at > ${new Date(now).toISOString()}::timestamptz) as current`),
  );
  return Boolean(row?.current);
}

/** `consents:<id>` (a grant or a withdrawal was written): the pair it names is looked at again. */
export async function applyConsentChange(db: Db, snapshot: RegistrySnapshot, id: string, now: number): Promise<void> {
  const [row] = await db.select({ recipientHash: consents.recipientHash, enterpriseId: consents.enterpriseId }).from(consents).where(eq(consents.id, id));
  if (!row || row.recipientHash === "") return;
  snapshot.setConsent(row.recipientHash, row.enterpriseId, await pairIsCurrent(db, row.recipientHash, row.enterpriseId, now));
}

/** The consent forms of the change feed (src/db/change-feed.ts); false asks the registry to reload. */
export async function applyConsentFeed(db: Db, snapshot: RegistrySnapshot, change: RegistryChange, now: number): Promise<boolean> {
  if (change.table === "consents" && change.range) await applyConsentRange(db, snapshot, change.range.from, change.range.to, now);
  else if (!change.id) return false;
  else if (change.table === "consents") await applyConsentChange(db, snapshot, change.id, now);
  else await applyConsentRequestChange(db, snapshot, change.id);
  return true;
}

/** `consents:<from>..<to>`: an import batch added these grants (new grants only add to the set). */
export async function applyConsentRange(db: Db, snapshot: RegistrySnapshot, from: string, to: string, now: number): Promise<void> {
  const rows = resultRows<{ recipient_hash: string; enterprise_id: string }>(
    await db.execute(sql_`select recipient_hash, enterprise_id from consents where id >= ${from}::uuid and id <= ${to}::uuid
      and kind = 'grant' and withdrawn_at is null and expires_at > ${new Date(now).toISOString()}::timestamptz`),
  );
  for (const row of rows) snapshot.setConsent(row.recipient_hash, row.enterprise_id, true);
}

/** `consent_requests:<id>`: another proxy (or this one) recorded a request. */
export async function applyConsentRequestChange(db: Db, snapshot: RegistrySnapshot, id: string): Promise<void> {
  const [row] = await db
    .select({ recipientHash: consentRequests.recipientHash, enterpriseId: consentRequests.enterpriseId, sentAt: consentRequests.sentAt })
    .from(consentRequests)
    .where(and(eq(consentRequests.id, id)));
  if (row) snapshot.noteConsentRequest(row.recipientHash, row.enterpriseId, row.sentAt.getTime());
}

/**
 * Grants that expired in (from, to]: each pair leaves the set unless another grant is current.
 * One indexed range query (consents_expires) per sweep; an empty range costs one round trip.
 */
export async function sweepExpiredConsents(db: Db, snapshot: RegistrySnapshot, from: number, to: number): Promise<number> {
  const rows = resultRows<{ recipient_hash: string; enterprise_id: string }>(
    await db.execute(sql_`
      select distinct c.recipient_hash, c.enterprise_id from consents c
      where c.kind = 'grant' and c.withdrawn_at is null and c.expires_at > ${new Date(from).toISOString()}::timestamptz and c.expires_at <= ${new Date(to).toISOString()}::timestamptz
        and not exists (select 1 from consents d where d.recipient_hash = c.recipient_hash and d.enterprise_id = c.enterprise_id
          and d.kind = 'grant' and d.withdrawn_at is null and d.expires_at > ${new Date(to).toISOString()}::timestamptz)`),
  );
  for (const row of rows) snapshot.setConsent(row.recipient_hash, row.enterprise_id, false);
  // Once an hour is enough to keep the request map bounded (a walk over it each second is not).
  if (Math.floor(from / 3_600_000) !== Math.floor(to / 3_600_000)) snapshot.forgetConsentRequestsBefore(to - CONSENT_REQUEST_HORIZON_MS);
  return rows.length;
}

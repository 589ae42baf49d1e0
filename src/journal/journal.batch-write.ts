import { sql } from "drizzle-orm";
import type { Db, Executor } from "../db/client.ts";
import { journalBatches } from "../db/schema/index.ts";
import type { Batch, LastSender, MessageRoute } from "./journal.types.ts";

/** Rows per statement: bounds one statement's JSON parameter (about 500 bytes a refusal). */
const INSERT_CHUNK = 5000;

/** Runs `write` over `rows` in chunks of INSERT_CHUNK, each chunk as one JSON parameter. */
async function inChunks<T>(rows: T[], write: (json: string) => Promise<unknown>, toRow: (row: T) => Record<string, unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await write(JSON.stringify(rows.slice(i, i + INSERT_CHUNK).map(toRow)));
}

function insertRejections(tx: Executor, rejections: Batch["rejections"]): Promise<void> {
  const toRow = (r: Batch["rejections"][number]) => ({
    event_id: r.eventId,
    at: r.at,
    reason: r.reason,
    monitor: r.monitor,
    command: r.command,
    sp_id: r.spId ?? null,
    account_id: r.accountId ?? null,
    port_id: r.portId ?? null,
    source_addr: r.sourceAddr ?? null,
    signature_id: r.signatureId ?? null,
    signature_text: r.signatureText ?? null,
    enterprise_id: r.enterpriseId ?? null,
    category: r.category ?? null,
    recipient_hash: r.recipientHash ?? null,
    recipient_mask: r.recipientMask ?? null,
    text: r.text ?? null,
    remote_address: r.remoteAddress ?? null,
  });
  return inChunks(
    rejections,
    (json) =>
      tx.execute(sql`
        insert into rejections (event_id, at, reason, monitor, command, sp_id, account_id, port_id, source_addr, signature_id,
          signature_text, enterprise_id, category, recipient_hash, recipient_mask, text, remote_address)
        select event_id, at, reason, monitor, command, sp_id, account_id, port_id, source_addr, signature_id,
          signature_text, enterprise_id, category, recipient_hash, recipient_mask, text, remote_address
        from jsonb_to_recordset(${json}::jsonb) as r(event_id text, at timestamptz, reason text, monitor boolean,
          command text, sp_id uuid, account_id uuid, port_id uuid, source_addr text, signature_id uuid, signature_text text,
          enterprise_id uuid, category text, recipient_hash text, recipient_mask text, text text, remote_address text)
        on conflict do nothing`),
    toRow,
  );
}

/** Daily counters add up: two proxies' batches for one key sum, never overwrite. */
function addTraffic(tx: Executor, traffic: Batch["traffic"]): Promise<void> {
  const toRow = (t: Batch["traffic"][number]) => ({
    day: t.day,
    sp_id: t.spId,
    port_id: t.portId,
    signature_id: t.signatureId,
    enterprise_id: t.enterpriseId,
    category: t.category,
    accepted: t.accepted,
    refused: t.refused,
  });
  return inChunks(
    traffic,
    (json) =>
      tx.execute(sql`
        insert into traffic_daily (day, sp_id, port_id, signature_id, enterprise_id, category, accepted, refused)
        select day, sp_id, port_id, signature_id, enterprise_id, category, accepted, refused
        from jsonb_to_recordset(${json}::jsonb) as t(day date, sp_id uuid, port_id uuid, signature_id uuid,
          enterprise_id uuid, category text, accepted bigint, refused bigint)
        on conflict (day, sp_id, port_id, signature_id, category)
        do update set accepted = traffic_daily.accepted + excluded.accepted, refused = traffic_daily.refused + excluded.refused`),
    toRow,
  );
}

function insertRoutes(tx: Executor, routes: MessageRoute[]): Promise<void> {
  const toRow = (r: MessageRoute) => ({
    id: r.smscMessageId,
    canonical_id: r.canonicalId ?? r.smscMessageId,
    sp_message_id: r.spMessageId ?? null,
    account_id: r.accountId,
    sp_id: r.spId,
    created_at: r.createdAt,
  });
  return inChunks(
    routes,
    (json) =>
      tx.execute(sql`
        insert into message_routes (smsc_message_id, canonical_id, sp_message_id, account_id, sp_id, created_at)
        select id, canonical_id, sp_message_id, account_id, sp_id, created_at
        from jsonb_to_recordset(${json}::jsonb) as r(id text, canonical_id text, sp_message_id text, account_id uuid, sp_id uuid, created_at timestamptz)
        on conflict do nothing`),
    toRow,
  );
}

/** The newest sender wins, whichever proxy's batch lands last. */
function upsertLastSenders(tx: Executor, senders: LastSender[]): Promise<void> {
  const toRow = (r: LastSender) => ({ recipient_hash: r.recipientHash, port_id: r.portId, enterprise_id: r.enterpriseId, sent_at: r.at });
  return inChunks(
    senders,
    (json) =>
      tx.execute(sql`
        insert into last_senders (recipient_hash, port_id, enterprise_id, sent_at)
        select recipient_hash, port_id, enterprise_id, sent_at
        from jsonb_to_recordset(${json}::jsonb) as r(recipient_hash text, port_id uuid, enterprise_id uuid, sent_at timestamptz)
        on conflict (recipient_hash, port_id) do update set enterprise_id = excluded.enterprise_id, sent_at = excluded.sent_at
        where excluded.sent_at >= last_senders.sent_at`),
    toRow,
  );
}

/**
 * Writes one batch in one transaction, at most once: the batch id goes into journal_batches first,
 * and a batch already there (an earlier attempt that committed late) writes nothing.
 */
export async function writeBatch(db: Db, batch: Batch): Promise<void> {
  await db.transaction(async (tx) => {
    const senders = batch.lastSenders ?? [];
    const rows = batch.rejections.length + batch.traffic.length + batch.routes.length + senders.length;
    const inserted = await tx
      .insert(journalBatches)
      .values({ batchId: batch.batchId, appliedAt: new Date(), rows })
      .onConflictDoNothing()
      .returning({ batchId: journalBatches.batchId });
    if (inserted.length === 0) return; // already written by an earlier attempt
    await insertRejections(tx, batch.rejections);
    await addTraffic(tx, batch.traffic);
    await insertRoutes(tx, batch.routes);
    await upsertLastSenders(tx, senders);
  });
}

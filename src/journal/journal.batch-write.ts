import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { journalBatches } from "../db/schema/index.ts";
import type { Batch, LastSender, MessageRoute } from "./journal.types.ts";

/**
 * Rows per statement: bounds one statement's JSON parameter and, with PGlite (which runs on the
 * gateway's thread), how long one statement keeps the event loop (see inChunks).
 */
const INSERT_CHUNK = 250;

/** Epoch ms of a time the journal was given as a Date or as epoch ms (the hot path passes numbers). */
const epochMs = (at: Date | number) => (typeof at === "number" ? at : at.getTime());

/**
 * Runs `write` on successive chunks of `rows`, giving the event loop a turn between chunks: with
 * PGlite the database runs on the gateway's own thread, and one statement of 5,000 rows held every
 * socket for tens of milliseconds (the added p99 at a paced 5,000 msg/s was that pause).
 */
async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    await write(rows.slice(i, i + INSERT_CHUNK));
  }
}

function insertRejections(chunk: Batch["rejections"]) {
  const json = chunk.map((r) => ({
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
  }));
  return sql`
    insert into rejections (event_id, at, reason, monitor, command, sp_id, account_id, port_id, source_addr, signature_id,
      signature_text, enterprise_id, category, recipient_hash, recipient_mask, text, remote_address)
    select event_id, at, reason, monitor, command, sp_id, account_id, port_id, source_addr, signature_id,
      signature_text, enterprise_id, category, recipient_hash, recipient_mask, text, remote_address
    from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as r(event_id text, at timestamptz, reason text, monitor boolean,
      command text, sp_id uuid, account_id uuid, port_id uuid, source_addr text, signature_id uuid, signature_text text,
      enterprise_id uuid, category text, recipient_hash text, recipient_mask text, text text, remote_address text)
    on conflict do nothing`;
}

function upsertTraffic(chunk: Batch["traffic"]) {
  const json = chunk.map((t) => ({
    day: t.day,
    sp_id: t.spId,
    port_id: t.portId,
    signature_id: t.signatureId,
    enterprise_id: t.enterpriseId,
    category: t.category,
    accepted: t.accepted,
    refused: t.refused,
  }));
  return sql`
    insert into traffic_daily (day, sp_id, port_id, signature_id, enterprise_id, category, accepted, refused)
    select day, sp_id, port_id, signature_id, enterprise_id, category, accepted, refused
    from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as t(day date, sp_id uuid, port_id uuid, signature_id uuid,
      enterprise_id uuid, category text, accepted bigint, refused bigint)
    on conflict (day, sp_id, port_id, signature_id, category)
    do update set accepted = traffic_daily.accepted + excluded.accepted, refused = traffic_daily.refused + excluded.refused`;
}

/** Times travel as epoch ms (no Date or ISO string per row); PostgreSQL converts them. */
function insertRoutes(chunk: MessageRoute[]) {
  const json = chunk.map((r) => ({
    id: r.smscMessageId,
    canonical_id: r.canonicalId ?? r.smscMessageId,
    sp_message_id: r.spMessageId ?? null,
    account_id: r.accountId,
    sp_id: r.spId,
    ms: epochMs(r.createdAt),
  }));
  return sql`
    insert into message_routes (smsc_message_id, canonical_id, sp_message_id, account_id, sp_id, created_at)
    select id, canonical_id, sp_message_id, account_id, sp_id, to_timestamp(ms / 1000.0)
    from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as r(id text, canonical_id text, sp_message_id text, account_id uuid, sp_id uuid, ms float8)
    on conflict do nothing`;
}

/** The newest sender wins, whichever proxy's batch lands last. */
function upsertLastSenders(chunk: LastSender[]) {
  const json = chunk.map((r) => ({ recipient_hash: r.recipientHash, port_id: r.portId, enterprise_id: r.enterpriseId, ms: epochMs(r.at) }));
  return sql`
    insert into last_senders (recipient_hash, port_id, enterprise_id, sent_at)
    select recipient_hash, port_id, enterprise_id, to_timestamp(ms / 1000.0)
    from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as r(recipient_hash text, port_id uuid, enterprise_id uuid, ms float8)
    on conflict (recipient_hash, port_id) do update set enterprise_id = excluded.enterprise_id, sent_at = excluded.sent_at
    where excluded.sent_at >= last_senders.sent_at`;
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
    await inChunks(batch.rejections, (chunk) => tx.execute(insertRejections(chunk)));
    await inChunks(batch.traffic, (chunk) => tx.execute(upsertTraffic(chunk)));
    await inChunks(batch.routes, (chunk) => tx.execute(insertRoutes(chunk)));
    await inChunks(senders, (chunk) => tx.execute(upsertLastSenders(chunk)));
  });
}

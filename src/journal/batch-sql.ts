/**
 * The journal batch's SQL: one statement per table and chunk, the rows travelling as one JSON
 * parameter (an array of arrays) expanded by jsonb_array_elements on the server (a 1,000-row multi-VALUES insert cost more
 * CPU in the proxy, 17,000 bound parameters per chunk, than the database spent storing the rows).
 */
import { sql } from "drizzle-orm";

import type { Batch, LastSender, MessageRoute, TrafficKey } from "./journal.types.ts";

type RejectionRow = Batch["rejections"][number];
type TrafficRow = TrafficKey & { accepted: number; refused: number };
type RouteRow = MessageRoute;
type LastSenderRow = LastSender;

/**
 * Rows per statement: bounds one statement's JSON parameter (about 0.6 MB of rejections) and how
 * long building one keeps the gateway's thread (see inChunks). It was 250 while PGlite ran on the
 * gateway's thread; at 2,000 a full batch is 3 statements a kind instead of 20, each a round trip
 * the busy gateway and database must both be scheduled for: under load on PostgreSQL the journal
 * caught up 3.1–3.3 s after the bench's 10 s of refusals instead of 6.6–6.8 s (alternating runs),
 * and alone on PGlite it wrote 20,919 refusals/s instead of 14,326.
 */
export const INSERT_CHUNK = 2000;
/** The longest the journal writes before it lets the event loop serve sockets (see inChunks). */
const SLICE_MS = 10;

/** Epoch ms of a time the journal was given as a Date or as epoch ms (the hot path passes numbers). */
const epochMs = (at: Date | number) => (typeof at === "number" ? at : at.getTime());

/**
 * Runs `write` on successive chunks of `rows`, giving the event loop a turn once a slice of
 * SLICE_MS has been spent, while `mayYield()` says the journal is keeping up. It was written when
 * PGlite ran on the gateway's own thread and one statement of 5,000 rows held every socket for its
 * whole run; PGlite now has a thread of its own (src/db/pglite-thread.ts), and the slices still
 * bound what building and sending the chunks costs the gateway's thread. A journal that is behind
 * does not yield: yielding let a producer faster than the database outrun the writer (batches grew
 * past the write timeout and were spooled); not yielding is the back-pressure it had before.
 */
export async function inChunks<T>(rows: T[], mayYield: () => boolean, write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  let slice = performance.now();
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    if (performance.now() - slice >= SLICE_MS && mayYield()) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
    await write(rows.slice(i, i + INSERT_CHUNK));
  }
}

/**
 * Rows travel as one JSON array of arrays. From a column spec `name type` per position (the type
 * `epoch_ms` is a time sent as epoch milliseconds) come the insert's column list and the select
 * list that reads the positions back, so a row's array must follow its spec's order. Arrays, not
 * objects: in the gateway JSON.stringify took 17 µs per rejection row as an object with a Date,
 * 2.5 µs as an array with epoch ms (`--quick --smpp` on PostgreSQL, 33,417 rows), and the
 * parameter is a third smaller without the keys.
 */
function positional(columns: readonly string[]) {
  const specs = columns.map((column) => column.split(" ") as [string, string]);
  const select = specs.map(([, type], i) => (type === "epoch_ms" ? `to_timestamp((r->>${i})::float8 / 1000.0)` : `(r->>${i})::${type}`));
  return { columns: sql.raw(`(${specs.map(([name]) => name).join(", ")})`), select: sql.raw(select.join(", ")) };
}

const REJECTION_ROW = positional([
  "event_id text", "at epoch_ms", "reason text", "monitor boolean", "command text", "sp_id uuid", "account_id uuid", "port_id uuid", "source_addr text",
  "signature_id uuid", "signature_text text", "enterprise_id uuid", "category text", "recipient_hash text", "recipient_mask text", "text text",
  "remote_address text", "detail text",
]);

export function insertRejections(chunk: RejectionRow[]) {
  const json = chunk.map((r) => [
    r.eventId, epochMs(r.at), r.reason, r.monitor, r.command, r.spId ?? null, r.accountId ?? null, r.portId ?? null, r.sourceAddr ?? null,
    r.signatureId ?? null, r.signatureText ?? null, r.enterpriseId ?? null, r.category ?? null, r.recipientHash ?? null, r.recipientMask ?? null, r.text ?? null,
    r.remoteAddress ?? null, r.detail ?? null,
  ]);
  return sql`
    insert into rejections ${REJECTION_ROW.columns}
    select ${REJECTION_ROW.select} from jsonb_array_elements(${JSON.stringify(json)}::jsonb) as r
    on conflict do nothing`;
}

const TRAFFIC_ROW = positional(["day date", "sp_id uuid", "port_id uuid", "signature_id uuid", "enterprise_id uuid", "category text", "accepted bigint", "refused bigint"]);

export function upsertTraffic(chunk: TrafficRow[]) {
  const json = chunk.map((t) => [t.day, t.spId, t.portId, t.signatureId, t.enterpriseId, t.category, t.accepted, t.refused]);
  return sql`
    insert into traffic_daily ${TRAFFIC_ROW.columns}
    select ${TRAFFIC_ROW.select} from jsonb_array_elements(${JSON.stringify(json)}::jsonb) as r
    on conflict (day, sp_id, port_id, signature_id, category)
    do update set accepted = traffic_daily.accepted + excluded.accepted, refused = traffic_daily.refused + excluded.refused`;
}

const ROUTE_ROW = positional(["smsc_message_id text", "canonical_id text", "sp_message_id text", "account_id uuid", "sp_id uuid", "created_at epoch_ms"]);

/** Times travel as epoch ms (no Date or ISO string per row); PostgreSQL converts them. */
export function insertRoutes(chunk: RouteRow[]) {
  const json = chunk.map((r) => [r.smscMessageId, r.canonicalId ?? r.smscMessageId, r.spMessageId ?? null, r.accountId, r.spId, epochMs(r.createdAt)]);
  return sql`
    insert into message_routes ${ROUTE_ROW.columns}
    select ${ROUTE_ROW.select} from jsonb_array_elements(${JSON.stringify(json)}::jsonb) as r
    on conflict do nothing`;
}

const LAST_SENDER_ROW = positional(["recipient_hash text", "port_id uuid", "enterprise_id uuid", "sent_at epoch_ms"]);

/** The newest sender wins, whichever proxy's batch lands last. */
export function upsertLastSenders(chunk: LastSenderRow[]) {
  const json = chunk.map((r) => [r.recipientHash, r.portId, r.enterpriseId, epochMs(r.at)]);
  return sql`
    insert into last_senders ${LAST_SENDER_ROW.columns}
    select ${LAST_SENDER_ROW.select} from jsonb_array_elements(${JSON.stringify(json)}::jsonb) as r
    on conflict (recipient_hash, port_id) do update set enterprise_id = excluded.enterprise_id, sent_at = excluded.sent_at
    where excluded.sent_at >= last_senders.sent_at`;
}

import type { Db } from "../db/client.ts";
import { executePrepared } from "../db/prepared.ts";
import { journalBatches } from "../db/schema/index.ts";
import { inChunks, insertRejections, insertRoutes, upsertLastSenders, upsertTraffic } from "./batch-sql.ts";
import type { Batch } from "./journal.types.ts";

/**
 * Writes one batch in one transaction, at most once: the batch id goes into journal_batches first,
 * and a batch already there (an earlier attempt that committed late) writes nothing. `mayYield`
 * says whether the journal is keeping up, so the writer may give the event loop a turn between
 * chunks (see inChunks in batch-sql.ts).
 */
export async function writeBatch(db: Db, batch: Batch, mayYield: () => boolean): Promise<void> {
  await db.transaction(async (tx) => {
    const senders = batch.lastSenders ?? [];
    const rows = batch.rejections.length + batch.traffic.length + batch.routes.length + senders.length;
    const inserted = await tx
      .insert(journalBatches)
      .values({ batchId: batch.batchId, appliedAt: new Date(), rows })
      .onConflictDoNothing()
      .returning({ batchId: journalBatches.batchId });
    if (inserted.length === 0) return; // already written by an earlier attempt
    // Prepared (src/db/prepared.ts): each statement's text is the same for every chunk.
    await inChunks(batch.rejections, mayYield, (chunk) => executePrepared(tx, "journal_rejections", insertRejections(chunk)));
    await inChunks(batch.traffic, mayYield, (chunk) => executePrepared(tx, "journal_traffic", upsertTraffic(chunk)));
    await inChunks(batch.routes, mayYield, (chunk) => executePrepared(tx, "journal_routes", insertRoutes(chunk)));
    await inChunks(senders, mayYield, (chunk) => executePrepared(tx, "journal_last_senders", upsertLastSenders(chunk)));
  });
}

import { and, desc, gte, inArray, lt, lte } from "drizzle-orm";
import { ambiguousReceipts, messageRoutes } from "../db/schema/index.ts";
import { forbidden } from "../lib/errors.ts";
import type { AmbiguousReceipt, AmbiguousReceiptsFilter } from "./ambiguous-receipts.schemas.ts";
import type { ServiceContext } from "../context.ts";

/**
 * Receipts the proxy held instead of guessing: their id matched several messages' routes only
 * through alias forms (another case, leading zeros, the decimal form of a hex id …; see
 * smpp/proxy/message-id.ts). The operator and auditors read them with the routes each could
 * belong to, to settle them with the SMSC or the SPs. The stored PDU is not returned: it holds the
 * recipient's number in clear. Newest first, `limit + 1` rows (toPage trims); `after` is the last id seen.
 */
export async function listAmbiguousReceipts(ctx: ServiceContext, filter: AmbiguousReceiptsFilter, page: { limit: number; after?: number }): Promise<AmbiguousReceipt[]> {
  if (ctx.actor.type === "sp") throw forbidden("ambiguous receipts are the operator's and auditors' to read");
  const rows = await ctx.db
    .select({ id: ambiguousReceipts.id, receiptId: ambiguousReceipts.receiptId, candidates: ambiguousReceipts.candidates, createdAt: ambiguousReceipts.createdAt })
    .from(ambiguousReceipts)
    .where(
      and(
        filter.from ? gte(ambiguousReceipts.createdAt, new Date(filter.from)) : undefined,
        filter.to ? lte(ambiguousReceipts.createdAt, new Date(filter.to)) : undefined,
        page.after !== undefined ? lt(ambiguousReceipts.id, page.after) : undefined,
      ),
    )
    .orderBy(desc(ambiguousReceipts.id))
    .limit(page.limit + 1);
  const ids = [...new Set(rows.flatMap((row) => row.candidates.split(" ").filter(Boolean)))];
  const routes = ids.length
    ? await ctx.db
        .select({ smscMessageId: messageRoutes.smscMessageId, accountId: messageRoutes.accountId, spId: messageRoutes.spId, spMessageId: messageRoutes.spMessageId })
        .from(messageRoutes)
        .where(inArray(messageRoutes.smscMessageId, ids))
    : [];
  const byId = new Map(routes.map((route) => [route.smscMessageId, route]));
  return rows.map((row) => ({
    id: row.id,
    receiptId: row.receiptId,
    createdAt: row.createdAt,
    candidates: row.candidates
      .split(" ")
      .filter(Boolean)
      .map((smscMessageId) => byId.get(smscMessageId) ?? { smscMessageId, accountId: null, spId: null, spMessageId: null }),
  }));
}

import { listPage } from "../db/list-page.ts";
import { and, eq } from "drizzle-orm";
import { doNotDisturb } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { isOperator, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { forbidden, invalid, notFound } from "../lib/errors.ts";
import type { CreateDoNotDisturbInput, ListDoNotDisturbFilter } from "./dnd.schemas.ts";

type DoNotDisturbRow = typeof doNotDisturb.$inferSelect;

/** A DND entry as the API shows it: the mask, never the number or its hash. */
export type DoNotDisturbEntry = Omit<DoNotDisturbRow, "recipientHash">;

function toView(row: DoNotDisturbRow): DoNotDisturbEntry {
  const { recipientHash: _hidden, ...rest } = row;
  return rest;
}

/**
 * Who may do what with the operator-wide do-not-disturb list:
 * - operators add, list, check and remove;
 * - auditors list and check;
 * - SPs may only check one number at a time: listing would hand every SP the operator's whole
 *   list of people who refuse marketing (masked, but with hashes comparable across exports).
 */
function requireOperator(ctx: ServiceContext, what: string) {
  if (!isOperator(ctx.actor)) throw forbidden(`only an operator may ${what} the do-not-disturb list`);
}

export interface AddDoNotDisturbInput {
  recipientHash: string;
  recipientMask: string;
  reason: string;
}

/** Adds a number (as hash + mask). Idempotent: an existing entry is returned with `created: false`. */
export async function addDoNotDisturb(ctx: ServiceContext, input: AddDoNotDisturbInput): Promise<{ entry: DoNotDisturbEntry; created: boolean }> {
  requireOperator(ctx, "add to");
  if (!/^[0-9a-f]{32,64}$/.test(input.recipientHash)) throw invalid("recipientHash", "must be the keyed hash of the number");
  if (!/^\d*\*+\d*$/.test(input.recipientMask)) throw invalid("recipientMask", "must be a masked number such as 138****0001");
  return withTransaction(ctx, async (tx) => {
    const [inserted] = await tx.db
      .insert(doNotDisturb)
      .values({ id: newId(), recipientHash: input.recipientHash, recipientMask: input.recipientMask, reason: input.reason, createdAt: tx.now })
      .onConflictDoNothing({ target: doNotDisturb.recipientHash })
      .returning();
    if (!inserted) {
      const [existing] = await tx.db.select().from(doNotDisturb).where(eq(doNotDisturb.recipientHash, input.recipientHash));
      return { entry: toView(existing!), created: false };
    }
    await recordAudit(tx, { action: "dnd.create", objectType: "do_not_disturb", objectId: inserted.id, after: inserted, reason: input.reason });
    await notifyRegistryChange(tx.db, { table: "do_not_disturb", id: inserted.id });
    return { entry: toView(inserted), created: true };
  });
}

/** The API entry: a clear number, hashed and masked here and then forgotten. */
export function createDoNotDisturb(ctx: ServiceContext, input: CreateDoNotDisturbInput) {
  return addDoNotDisturb(ctx, { recipientHash: ctx.pii.hash(input.msisdn), recipientMask: ctx.pii.mask(input.msisdn), reason: input.reason });
}

export async function listDoNotDisturb(ctx: ServiceContext, filter: ListDoNotDisturbFilter, page: { limit: number; after?: string }) {
  if (ctx.actor.type === "sp") throw forbidden("SPs may check a number but not list the do-not-disturb list");
  const rows = await listPage(ctx.db.select().from(doNotDisturb).$dynamic(), ctx, {
    key: doNotDisturb.id,
    sp: null, // SPs were refused above
    filters: [filter.msisdn ? eq(doNotDisturb.recipientHash, ctx.pii.hash(filter.msisdn)) : undefined],
    page,
  });
  return rows.map(toView);
}

/** "Is this number on the do-not-disturb list?" Any role. */
export async function checkDoNotDisturb(ctx: ServiceContext, msisdn: string): Promise<{ listed: boolean; since?: Date }> {
  const [row] = await ctx.db.select({ createdAt: doNotDisturb.createdAt }).from(doNotDisturb).where(eq(doNotDisturb.recipientHash, ctx.pii.hash(msisdn)));
  return row ? { listed: true, since: row.createdAt } : { listed: false };
}

export async function removeDoNotDisturb(ctx: ServiceContext, id: string, reason: string): Promise<DoNotDisturbEntry> {
  requireOperator(ctx, "remove from");
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db.select().from(doNotDisturb).where(eq(doNotDisturb.id, id)).for("update");
    if (!row) throw notFound("do-not-disturb entry");
    await tx.db.delete(doNotDisturb).where(eq(doNotDisturb.id, id));
    await recordAudit(tx, { action: "dnd.delete", objectType: "do_not_disturb", objectId: id, before: row, reason });
    await notifyRegistryChange(tx.db, { table: "do_not_disturb", removed: { recipientHash: row.recipientHash } });
    return toView(row);
  });
}

import { eq } from "drizzle-orm";
import { recordAudit } from "../audit/audit.service.ts";
import type { ServiceContext } from "../context.ts";
import { listPage } from "../db/list-page.ts";
import { honeypots } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { forbidden, notFound } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import type { CreateHoneypotInput } from "./honeypots.schemas.ts";

type HoneypotRow = typeof honeypots.$inferSelect;

/** A honeypot as anyone sees it: the mask, never the number or its hash (not even in the audit trail). */
export type Honeypot = Omit<HoneypotRow, "recipientHash">;

function toView(row: HoneypotRow): Honeypot {
  const { recipientHash: _hidden, ...rest } = row;
  return rest;
}

/**
 * Honeypot (trap) numbers: operators register and remove them; auditors may list the masks; an SP
 * may do nothing with them, not even learn that a number is one (every SP call is refused the same
 * way, whatever the number).
 */
function requireOperator(ctx: ServiceContext, what: string): void {
  if (ctx.actor.type !== "operator" && ctx.actor.type !== "system") throw forbidden(`only an operator may ${what} honeypot numbers`);
}

export async function createHoneypot(ctx: ServiceContext, input: CreateHoneypotInput): Promise<{ honeypot: Honeypot; created: boolean }> {
  requireOperator(ctx, "register");
  const recipientHash = ctx.pii.hash(input.msisdn);
  return withTransaction(ctx, async (tx) => {
    const [inserted] = await tx.db
      .insert(honeypots)
      .values({ id: newId(), recipientHash, recipientMask: ctx.pii.mask(input.msisdn), note: input.note ?? null, createdBy: tx.actor.id, createdAt: tx.now })
      .onConflictDoNothing({ target: honeypots.recipientHash })
      .returning();
    if (!inserted) {
      const [existing] = await tx.db.select().from(honeypots).where(eq(honeypots.recipientHash, recipientHash));
      return { honeypot: toView(existing!), created: false };
    }
    await recordAudit(tx, { action: "honeypot.create", objectType: "honeypot", objectId: inserted.id, after: toView(inserted) });
    await notifyRegistryChange(tx.db, { table: "honeypots", id: inserted.id });
    return { honeypot: toView(inserted), created: true };
  });
}

export async function listHoneypots(ctx: ServiceContext, page: { limit: number; after?: string }): Promise<Honeypot[]> {
  if (ctx.actor.type === "sp") throw forbidden("SPs may not read honeypot numbers");
  const rows = await listPage(ctx.db.select().from(honeypots).$dynamic(), ctx, { key: honeypots.id, sp: null, filters: [], page });
  return rows.map(toView);
}

export async function removeHoneypot(ctx: ServiceContext, id: string, reason: string): Promise<Honeypot> {
  requireOperator(ctx, "remove");
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db.select().from(honeypots).where(eq(honeypots.id, id)).for("update");
    if (!row) throw notFound("honeypot");
    await tx.db.delete(honeypots).where(eq(honeypots.id, id));
    await recordAudit(tx, { action: "honeypot.delete", objectType: "honeypot", objectId: id, before: toView(row), reason });
    await notifyRegistryChange(tx.db, { table: "honeypots", removed: { recipientHash: row.recipientHash } });
    return toView(row);
  });
}

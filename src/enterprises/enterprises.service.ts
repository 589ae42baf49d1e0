import { listPage } from "../db/list-page.ts";
import { and, eq, exists, ilike, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { escapeLike, isUniqueViolation, violatedConstraint } from "../db/errors.ts";
import { contracts, enterprises } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { conflict, forbidden, notFound } from "../lib/errors.ts";
import type { CreateEnterpriseInput, ListEnterprisesFilter, UpdateEnterpriseInput } from "./enterprises.schemas.ts";

export type Enterprise = typeof enterprises.$inferSelect;

/** An SP sees the enterprises it filed and those it has (or had) a contract with. */
export function enterpriseVisibleTo(db: Executor, spId: string): SQL {
  return or(
    eq(enterprises.filedBySpId, spId),
    exists(
      db
        .select({ one: sql`1` })
        .from(contracts)
        .where(and(eq(contracts.enterpriseId, enterprises.id), eq(contracts.spId, spId))),
    ),
  )!;
}

/** The enterprise, if it exists and the actor may see it. */
export async function findVisibleEnterprise(ctx: ServiceContext, id: string, options: { forUpdate?: boolean } = {}) {
  const scope = spScope(ctx.actor);
  const query = ctx.db
    .select()
    .from(enterprises)
    .where(and(eq(enterprises.id, id), scope ? enterpriseVisibleTo(ctx.db, scope) : undefined));
  const [row] = options.forUpdate ? await query.for("update", { of: enterprises }) : await query;
  return row;
}

/**
 * The unique index on the enterprises' UUIDs' last 8 bytes (drizzle/0012_recipient_keys.sql): the
 * recipient sets' keys mix those bytes in, so two enterprises must never share them. Ids are drawn
 * here (62 random bits there), so a clash is the draw's, not the caller's: the id is drawn again.
 */
const ID_LAST8_INDEX = "enterprises_id_last8";

/** `drawId`: where new ids come from (the tests force a clash through it). */
export async function createEnterprise(ctx: ServiceContext, input: CreateEnterpriseInput, drawId: () => string = newId): Promise<Enterprise> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot register enterprises");
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertEnterprise(ctx, input, drawId());
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (violatedConstraint(error) !== ID_LAST8_INDEX) throw conflict(`an enterprise with USCC ${input.uscc} is already registered`);
      if (attempt === 3) throw error;
    }
  }
}

async function insertEnterprise(ctx: ServiceContext, input: CreateEnterpriseInput, id: string): Promise<Enterprise> {
  const filedBySpId = spScope(ctx.actor) ?? null;
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(enterprises)
      .values({
        id,
        name: input.name,
        uscc: input.uscc,
        contactName: input.contactName ?? null,
        contactPhone: input.contactPhone ?? null,
        status: input.status ?? "active",
        filedBySpId,
        createdAt: tx.now,
        updatedAt: tx.now,
      })
      .returning();
    await recordAudit(tx, { action: "enterprise.create", objectType: "enterprise", objectId: row!.id, objectSpId: filedBySpId, after: row });
    return row!;
  });
}

export async function getEnterprise(ctx: ServiceContext, id: string): Promise<Enterprise> {
  const row = await findVisibleEnterprise(ctx, id);
  if (!row) throw notFound("enterprise");
  return row;
}

export async function listEnterprises(ctx: ServiceContext, filter: ListEnterprisesFilter, page: { limit: number; after?: string }) {
  return listPage(ctx.db.select().from(enterprises).$dynamic(), ctx, {
    key: enterprises.id,
    sp: (spId) => enterpriseVisibleTo(ctx.db, spId),
    filters: [
      filter.spId ? enterpriseVisibleTo(ctx.db, filter.spId) : undefined,
      filter.status ? eq(enterprises.status, filter.status) : undefined,
      filter.name ? ilike(enterprises.name, `%${escapeLike(filter.name)}%`) : undefined,
      filter.uscc ? eq(enterprises.uscc, filter.uscc) : undefined,
    ],
    page,
  });
}

/**
 * Operators change anything. The SP that filed an enterprise may correct its name and contact;
 * its USCC (its identity, which other SPs' contracts hang on) and its status are the operator's.
 */
export async function updateEnterprise(ctx: ServiceContext, id: string, input: UpdateEnterpriseInput): Promise<Enterprise> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot change enterprises");
  return withTransaction(ctx, async (tx) => {
    const before = await findVisibleEnterprise(tx, id, { forUpdate: true });
    if (!before) throw notFound("enterprise");
    const scope = spScope(tx.actor);
    if (scope) {
      if (before.filedBySpId !== scope) throw forbidden("only the SP that filed this enterprise, or an operator, may change it");
      if (input.uscc !== undefined && input.uscc !== before.uscc) throw forbidden("only an operator may change an enterprise's USCC");
      if (input.status !== undefined && input.status !== before.status) throw forbidden("only an operator may change an enterprise's status");
    }
    const { reason, ...changes } = input;
    try {
      const [after] = await tx.db.update(enterprises).set({ ...changes, updatedAt: tx.now }).where(eq(enterprises.id, id)).returning();
      await recordAudit(tx, { action: "enterprise.update", objectType: "enterprise", objectId: id, objectSpId: before.filedBySpId, before, after, reason });
      if (changes.status && changes.status !== before.status) await notifyRegistryChange(tx.db, { table: "enterprises", id: id });
      return after!;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`an enterprise with USCC ${input.uscc} is already registered`);
      throw error;
    }
  });
}

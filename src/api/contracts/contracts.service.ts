import { and, asc, eq, gt, gte, lte, ne } from "drizzle-orm";
import { contracts, enterprises, serviceProviders } from "../../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../../db/transaction.ts";
import { newId } from "../../lib/ids.ts";
import { spScope, type ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { ServiceError, conflict, forbidden, invalid, notFound } from "../errors.ts";
import { findVisibleEnterprise } from "../enterprises/enterprises.service.ts";
import type { CreateContractInput, ListContractsFilter, UpdateContractInput } from "./contracts.schemas.ts";

export type Contract = typeof contracts.$inferSelect;

/** Serialises contract changes per enterprise so that the overlap check below holds under concurrency. */
async function lockEnterprise(ctx: ServiceContext, enterpriseId: string) {
  await ctx.db.select({ id: enterprises.id }).from(enterprises).where(eq(enterprises.id, enterpriseId)).for("update");
}

/** Refuses a second active contract for the same SP and enterprise over overlapping dates. */
async function assertNoOverlap(ctx: ServiceContext, spId: string, enterpriseId: string, validFrom: string, validTo: string, exceptId?: string) {
  const [overlapping] = await ctx.db
    .select()
    .from(contracts)
    .where(
      and(
        eq(contracts.spId, spId),
        eq(contracts.enterpriseId, enterpriseId),
        eq(contracts.status, "active"),
        lte(contracts.validFrom, validTo),
        gte(contracts.validTo, validFrom),
        exceptId ? ne(contracts.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  if (overlapping) {
    throw conflict(`contract ${overlapping.id} (${overlapping.validFrom}..${overlapping.validTo}) already covers these dates for this SP and enterprise`);
  }
}

/**
 * Operators file contracts for any SP. An SP files contracts for itself only, and only with
 * enterprises it can see (filed by it, or already contracted: a renewal); they count at once
 * and are audited like any other change.
 */
export async function createContract(ctx: ServiceContext, input: CreateContractInput): Promise<Contract> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot file contracts");
  const scope = spScope(ctx.actor);
  if (scope && input.spId && input.spId !== scope) throw forbidden("an SP may file contracts only for itself");
  const spId = scope ?? input.spId;
  if (!spId) throw invalid("spId", "is required");
  return withTransaction(ctx, async (tx) => {
    if (!scope) {
      const [sp] = await tx.db.select({ id: serviceProviders.id }).from(serviceProviders).where(eq(serviceProviders.id, spId));
      if (!sp) throw invalid("spId", "no such service provider");
    }
    const enterprise = await findVisibleEnterprise(tx, input.enterpriseId);
    if (!enterprise) throw invalid("enterpriseId", "no such enterprise");
    await lockEnterprise(tx, enterprise.id);
    await assertNoOverlap(tx, spId, input.enterpriseId, input.validFrom, input.validTo);
    const [row] = await tx.db
      .insert(contracts)
      .values({ id: newId(), spId, enterpriseId: input.enterpriseId, validFrom: input.validFrom, validTo: input.validTo, status: "active", createdAt: tx.now, updatedAt: tx.now })
      .returning();
    await recordAudit(tx, { action: "contract.create", objectType: "contract", objectId: row!.id, objectSpId: spId, after: row });
    await notifyRegistryChange(tx.db, "contracts", row!.id);
    return row!;
  });
}

async function findContract(ctx: ServiceContext, id: string, forUpdate = false) {
  const scope = spScope(ctx.actor);
  const query = ctx.db
    .select()
    .from(contracts)
    .where(and(eq(contracts.id, id), scope ? eq(contracts.spId, scope) : undefined));
  const [row] = forUpdate ? await query.for("update") : await query;
  return row;
}

export async function getContract(ctx: ServiceContext, id: string): Promise<Contract> {
  const row = await findContract(ctx, id);
  if (!row) throw notFound("contract");
  return row;
}

export async function listContracts(ctx: ServiceContext, filter: ListContractsFilter, page: { limit: number; after?: string }) {
  const scope = spScope(ctx.actor);
  return ctx.db
    .select()
    .from(contracts)
    .where(
      and(
        scope ? eq(contracts.spId, scope) : undefined,
        filter.spId ? eq(contracts.spId, filter.spId) : undefined,
        filter.enterpriseId ? eq(contracts.enterpriseId, filter.enterpriseId) : undefined,
        filter.status ? eq(contracts.status, filter.status) : undefined,
        filter.activeOn
          ? and(eq(contracts.status, "active"), lte(contracts.validFrom, filter.activeOn), gte(contracts.validTo, filter.activeOn))
          : undefined,
        page.after ? gt(contracts.id, page.after) : undefined,
      ),
    )
    .orderBy(asc(contracts.id))
    .limit(page.limit + 1);
}

/** Dates and status change; the SP and enterprise do not (file a new contract). Terminated is final. */
export async function updateContract(ctx: ServiceContext, id: string, input: UpdateContractInput): Promise<Contract> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot change contracts");
  return withTransaction(ctx, async (tx) => {
    const before = await findContract(tx, id, true);
    if (!before) throw notFound("contract");
    if (before.status === "terminated") throw new ServiceError("INVALID_TRANSITION", "a terminated contract cannot change; file a new one");
    const validFrom = input.validFrom ?? before.validFrom;
    const validTo = input.validTo ?? before.validTo;
    if (validFrom > validTo) throw invalid(input.validTo ? "validTo" : "validFrom", "validFrom must be on or before validTo");
    const status = input.status ?? before.status;
    if (status === "active" && (validFrom !== before.validFrom || validTo !== before.validTo)) {
      await lockEnterprise(tx, before.enterpriseId);
      await assertNoOverlap(tx, before.spId, before.enterpriseId, validFrom, validTo, id);
    }
    const [after] = await tx.db
      .update(contracts)
      .set({ validFrom, validTo, status, updatedAt: tx.now })
      .where(eq(contracts.id, id))
      .returning();
    await recordAudit(tx, { action: "contract.update", objectType: "contract", objectId: id, objectSpId: before.spId, before, after, reason: input.reason });
    await notifyRegistryChange(tx.db, "contracts", id);
    return after!;
  });
}

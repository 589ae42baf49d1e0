import { listPage } from "../db/list-page.ts";
import { and, count, eq, gte, inArray, lte, ne } from "drizzle-orm";
import { contracts, enterprises, serviceProviders } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { isOperator, spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { ServiceError, conflict, forbidden, invalid, notFound } from "../lib/errors.ts";
import { findVisibleEnterprise } from "../enterprises/enterprises.service.ts";
import type { CreateContractInput, DecideContractInput, ListContractsFilter, UpdateContractInput } from "./contracts.schemas.ts";
import { assertServiceProviderExists } from "../service-providers/service-providers.service.ts";

export type Contract = typeof contracts.$inferSelect;

/** Serialises contract changes per enterprise so that the overlap check below holds under concurrency. */
async function lockEnterprise(ctx: ServiceContext, enterpriseId: string) {
  await ctx.db.select({ id: enterprises.id }).from(enterprises).where(eq(enterprises.id, enterpriseId)).for("update");
}

/** How many contract requests one SP may have waiting for an operator at a time (request spam). */
export const MAX_PENDING_CONTRACT_REQUESTS = 20;

/**
 * Refuses a second contract for the same SP and enterprise over overlapping dates: among active
 * ones, and (for a request) among pending ones too, so an SP cannot pile up duplicate requests.
 */
async function assertNoOverlap(
  ctx: ServiceContext,
  spId: string,
  enterpriseId: string,
  validFrom: string,
  validTo: string,
  exceptId?: string,
  statuses: ("active" | "pending")[] = ["active"],
) {
  const [overlapping] = await ctx.db
    .select()
    .from(contracts)
    .where(
      and(
        eq(contracts.spId, spId),
        eq(contracts.enterpriseId, enterpriseId),
        inArray(contracts.status, statuses),
        lte(contracts.validFrom, validTo),
        gte(contracts.validTo, validFrom),
        exceptId ? ne(contracts.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  if (overlapping) {
    const what = overlapping.status === "pending" ? "a pending request" : "contract";
    throw conflict(`${what} ${overlapping.id} (${overlapping.validFrom}..${overlapping.validTo}) already covers these dates for this SP and enterprise`);
  }
}

/**
 * Operators file contracts for any SP; they count at once (`active`). An SP may only *request* one,
 * for itself and with an enterprise it can see (filed by it, or contracted before): the request is
 * `pending`, carries no traffic, and waits for an operator to approve or refuse it. At most
 * MAX_PENDING_CONTRACT_REQUESTS requests per SP wait at a time. Both are audited.
 */
export async function createContract(ctx: ServiceContext, input: CreateContractInput): Promise<Contract> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot file contracts");
  const scope = spScope(ctx.actor);
  if (scope && input.spId && input.spId !== scope) throw forbidden("an SP may file contracts only for itself");
  const spId = scope ?? input.spId;
  if (!spId) throw invalid("spId", "is required");
  return withTransaction(ctx, async (tx) => {
    if (!scope) await assertServiceProviderExists(tx.db, spId);
    const enterprise = await findVisibleEnterprise(tx, input.enterpriseId);
    if (!enterprise) throw invalid("enterpriseId", "no such enterprise");
    await lockEnterprise(tx, enterprise.id);
    if (scope) {
      // Serialise this SP's requests so the cap below holds under concurrency.
      await tx.db.select({ id: serviceProviders.id }).from(serviceProviders).where(eq(serviceProviders.id, scope)).for("update");
      const [waiting] = await tx.db.select({ n: count() }).from(contracts).where(and(eq(contracts.spId, scope), eq(contracts.status, "pending")));
      if ((waiting?.n ?? 0) >= MAX_PENDING_CONTRACT_REQUESTS) {
        throw new ServiceError("TOO_MANY_REQUESTS", `${MAX_PENDING_CONTRACT_REQUESTS} contract requests are already waiting for an operator`);
      }
    }
    const status = scope ? ("pending" as const) : ("active" as const);
    await assertNoOverlap(tx, spId, input.enterpriseId, input.validFrom, input.validTo, undefined, scope ? ["active", "pending"] : ["active"]);
    const [row] = await tx.db
      .insert(contracts)
      .values({ id: newId(), spId, enterpriseId: input.enterpriseId, validFrom: input.validFrom, validTo: input.validTo, status, createdAt: tx.now, updatedAt: tx.now })
      .returning();
    await recordAudit(tx, { action: scope ? "contract.request" : "contract.create", objectType: "contract", objectId: row!.id, objectSpId: spId, after: row });
    if (status === "active") await notifyRegistryChange(tx.db, { table: "contracts", id: row!.id });
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
  return listPage(ctx.db.select().from(contracts).$dynamic(), ctx, {
    key: contracts.id,
    sp: contracts.spId,
    filters: [
      filter.spId ? eq(contracts.spId, filter.spId) : undefined,
      filter.enterpriseId ? eq(contracts.enterpriseId, filter.enterpriseId) : undefined,
      filter.status ? eq(contracts.status, filter.status) : undefined,
      filter.activeOn ? and(eq(contracts.status, "active"), lte(contracts.validFrom, filter.activeOn), gte(contracts.validTo, filter.activeOn)) : undefined,
    ],
    page,
  });
}

/**
 * The operator's: dates of a pending or active contract (a renewal moves validTo), and ending an
 * active one (`terminated`, final). Pending requests are approved or refused, not PATCHed active;
 * refused and terminated contracts never change (file a new one).
 */
export async function updateContract(ctx: ServiceContext, id: string, input: UpdateContractInput): Promise<Contract> {
  if (!isOperator(ctx.actor)) throw forbidden("only operators change contracts; an SP may request a new one");
  return withTransaction(ctx, async (tx) => {
    const before = await findContract(tx, id, true);
    if (!before) throw notFound("contract");
    if (before.status === "terminated" || before.status === "refused") {
      throw new ServiceError("INVALID_TRANSITION", `a ${before.status} contract cannot change; file a new one`);
    }
    if (input.status && input.status !== before.status) {
      if (before.status === "pending") throw new ServiceError("INVALID_TRANSITION", "a pending contract request is approved or refused, not changed by PATCH");
    }
    const validFrom = input.validFrom ?? before.validFrom;
    const validTo = input.validTo ?? before.validTo;
    if (validFrom > validTo) throw invalid(input.validTo ? "validTo" : "validFrom", "validFrom must be on or before validTo");
    const status = input.status ?? before.status;
    if (status !== "terminated" && (validFrom !== before.validFrom || validTo !== before.validTo)) {
      await lockEnterprise(tx, before.enterpriseId);
      await assertNoOverlap(tx, before.spId, before.enterpriseId, validFrom, validTo, id, status === "pending" ? ["active", "pending"] : ["active"]);
    }
    const statusReason = status !== before.status ? (input.reason ?? null) : before.statusReason;
    const [after] = await tx.db
      .update(contracts)
      .set({ validFrom, validTo, status, statusReason, updatedAt: tx.now })
      .where(eq(contracts.id, id))
      .returning();
    await recordAudit(tx, { action: "contract.update", objectType: "contract", objectId: id, objectSpId: before.spId, before, after, reason: input.reason });
    await notifyRegistryChange(tx.db, { table: "contracts", id: id });
    return after!;
  });
}

/**
 * An operator decides an SP's pending request: `approve` makes it active (traffic flows from its
 * first day; refused with 409 if an active contract already covers those dates), `refuse` ends it.
 * The reason is kept on the contract and in the audit row.
 */
export async function decideContract(ctx: ServiceContext, id: string, decision: "approve" | "refuse", input: DecideContractInput): Promise<Contract> {
  if (!isOperator(ctx.actor)) throw forbidden("only operators decide contract requests");
  return withTransaction(ctx, async (tx) => {
    const before = await findContract(tx, id, true);
    if (!before) throw notFound("contract");
    if (before.status !== "pending") throw new ServiceError("INVALID_TRANSITION", `only a pending contract request can be ${decision === "approve" ? "approved" : "refused"}; this one is ${before.status}`);
    if (decision === "approve") {
      await lockEnterprise(tx, before.enterpriseId);
      await assertNoOverlap(tx, before.spId, before.enterpriseId, before.validFrom, before.validTo, id);
    }
    const [after] = await tx.db
      .update(contracts)
      .set({ status: decision === "approve" ? "active" : "refused", statusReason: input.reason, updatedAt: tx.now })
      .where(eq(contracts.id, id))
      .returning();
    await recordAudit(tx, { action: `contract.${decision}`, objectType: "contract", objectId: id, objectSpId: before.spId, before, after, reason: input.reason });
    await notifyRegistryChange(tx.db, { table: "contracts", id: id });
    return after!;
  });
}

import { listPage } from "../db/list-page.ts";
import { eq, ilike } from "drizzle-orm";
import { serviceProviders } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { conflict, forbidden, invalid, notFound } from "../lib/errors.ts";
import type { Executor } from "../db/client.ts";
import { escapeLike, isUniqueViolation } from "../db/errors.ts";
import type { CreateServiceProviderInput, ListServiceProvidersFilter, UpdateServiceProviderInput } from "./service-providers.schemas.ts";

/** A request names an SP by id (field `spId`): it must exist, or the request is invalid (400, not 404). */
export async function assertServiceProviderExists(db: Executor, spId: string): Promise<void> {
  const [sp] = await db.select({ id: serviceProviders.id }).from(serviceProviders).where(eq(serviceProviders.id, spId));
  if (!sp) throw invalid("spId", "no such service provider");
}

export type ServiceProvider = typeof serviceProviders.$inferSelect;

export async function createServiceProvider(ctx: ServiceContext, input: CreateServiceProviderInput): Promise<ServiceProvider> {
  if (ctx.actor.type !== "operator" && ctx.actor.type !== "system") throw forbidden("only an operator registers service providers");
  return withTransaction(ctx, async (tx) => {
    try {
      const [row] = await tx.db
        .insert(serviceProviders)
        .values({ id: newId(), name: input.name, licenceNumber: input.licenceNumber, status: input.status ?? "active", createdAt: tx.now, updatedAt: tx.now })
        .returning();
      await recordAudit(tx, { action: "service_provider.create", objectType: "service_provider", objectId: row!.id, objectSpId: row!.id, after: row });
      return row!;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`licence number ${input.licenceNumber} is already registered`);
      throw error;
    }
  });
}

export async function getServiceProvider(ctx: ServiceContext, id: string): Promise<ServiceProvider> {
  const scope = spScope(ctx.actor);
  if (scope && scope !== id) throw notFound("service provider");
  const [row] = await ctx.db.select().from(serviceProviders).where(eq(serviceProviders.id, id));
  if (!row) throw notFound("service provider");
  return row;
}

export async function listServiceProviders(ctx: ServiceContext, filter: ListServiceProvidersFilter, page: { limit: number; after?: string }) {
  return listPage(ctx.db.select().from(serviceProviders).$dynamic(), ctx, {
    key: serviceProviders.id,
    sp: serviceProviders.id,
    filters: [
      filter.status ? eq(serviceProviders.status, filter.status) : undefined,
      filter.name ? ilike(serviceProviders.name, `%${escapeLike(filter.name)}%`) : undefined,
    ],
    page,
  });
}

export async function updateServiceProvider(ctx: ServiceContext, id: string, input: UpdateServiceProviderInput): Promise<ServiceProvider> {
  if (ctx.actor.type !== "operator" && ctx.actor.type !== "system") {
    if (spScope(ctx.actor) !== id) throw notFound("service provider");
    throw forbidden("only an operator changes a service provider");
  }
  return withTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select().from(serviceProviders).where(eq(serviceProviders.id, id)).for("update");
    if (!before) throw notFound("service provider");
    const { reason, ...changes } = input;
    try {
      const [after] = await tx.db.update(serviceProviders).set({ ...changes, updatedAt: tx.now }).where(eq(serviceProviders.id, id)).returning();
      await recordAudit(tx, { action: "service_provider.update", objectType: "service_provider", objectId: id, objectSpId: id, before, after, reason });
      if (changes.status && changes.status !== before.status) await notifyRegistryChange(tx.db, { table: "service_providers", id: id });
      return after!;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`licence number ${input.licenceNumber} is already registered`);
      throw error;
    }
  });
}

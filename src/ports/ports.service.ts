import { listPage } from "../db/list-page.ts";
import { and, eq, like } from "drizzle-orm";
import { escapeLike, isUniqueViolation } from "../db/errors.ts";
import { portExtensions, ports } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { isOperator, spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { conflict, forbidden, invalid, notFound } from "../lib/errors.ts";
import type { CreatePortInput, ListPortsFilter, UpdatePortInput } from "./ports.schemas.ts";
import { assertServiceProviderExists } from "../service-providers/service-providers.service.ts";

export type Port = typeof ports.$inferSelect;

/** The port if the actor may see it (an SP: only its own), optionally locked for the transaction. */
export async function findVisiblePort(ctx: ServiceContext, id: string, forUpdate = false): Promise<Port | undefined> {
  const scope = spScope(ctx.actor);
  const query = ctx.db
    .select()
    .from(ports)
    .where(and(eq(ports.id, id), scope ? eq(ports.spId, scope) : undefined));
  const [row] = forUpdate ? await query.for("update") : await query;
  return row;
}

/** Ports are assigned by the operator only. */
export async function createPort(ctx: ServiceContext, input: CreatePortInput): Promise<Port> {
  if (!isOperator(ctx.actor)) throw forbidden("only an operator assigns ports");
  return withTransaction(ctx, async (tx) => {
    await assertServiceProviderExists(tx.db, input.spId);
    try {
      const [row] = await tx.db
        .insert(ports)
        .values({ id: newId(), number: input.number, spId: input.spId, status: "active", createdAt: tx.now, updatedAt: tx.now })
        .returning();
      await recordAudit(tx, { action: "port.create", objectType: "port", objectId: row!.id, objectSpId: row!.spId, after: row });
      await notifyRegistryChange(tx.db, { table: "ports", id: row!.id });
      return row!;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`port ${input.number} is already assigned`);
      throw error;
    }
  });
}

export async function getPort(ctx: ServiceContext, id: string): Promise<Port> {
  const row = await findVisiblePort(ctx, id);
  if (!row) throw notFound("port");
  return row;
}

export async function listPorts(ctx: ServiceContext, filter: ListPortsFilter, page: { limit: number; after?: string }) {
  return listPage(ctx.db.select().from(ports).$dynamic(), ctx, {
    key: ports.id,
    sp: ports.spId,
    filters: [
      filter.spId ? eq(ports.spId, filter.spId) : undefined,
      filter.status ? eq(ports.status, filter.status) : undefined,
      filter.numberPrefix ? like(ports.number, `${escapeLike(filter.numberPrefix)}%`) : undefined,
    ],
    page,
  });
}

/**
 * Operator only: status (active / suspended / revoked) and owner. Both need a reason. A
 * reassigned port releases its extensions: they were assigned to the old owner's enterprises,
 * and keeping them would let the new owner carry traffic it has no contract for.
 */
export async function updatePort(ctx: ServiceContext, id: string, input: UpdatePortInput): Promise<Port> {
  if (!isOperator(ctx.actor)) {
    if (ctx.actor.type === "sp" && !(await findVisiblePort(ctx, id))) throw notFound("port");
    throw forbidden("only an operator changes a port's owner or status");
  }
  return withTransaction(ctx, async (tx) => {
    const before = await findVisiblePort(tx, id, true);
    if (!before) throw notFound("port");
    const statusChanges = input.status !== undefined && input.status !== before.status;
    const ownerChanges = input.spId !== undefined && input.spId !== before.spId;
    if ((statusChanges || ownerChanges) && !input.reason) throw invalid("reason", "is required when the status or the owner changes");
    if (ownerChanges) await assertServiceProviderExists(tx.db, input.spId!);
    let released: (typeof portExtensions.$inferSelect)[] = [];
    if (ownerChanges) released = await tx.db.delete(portExtensions).where(eq(portExtensions.portId, id)).returning();
    const [after] = await tx.db
      .update(ports)
      .set({
        spId: input.spId ?? before.spId,
        status: input.status ?? before.status,
        statusReason: statusChanges ? input.reason! : before.statusReason,
        updatedAt: tx.now,
      })
      .where(eq(ports.id, id))
      .returning();
    await recordAudit(tx, {
      action: ownerChanges ? "port.reassign" : "port.update",
      objectType: "port",
      objectId: id,
      objectSpId: after!.spId,
      before: released.length ? { ...before, extensions: released } : before,
      after,
      reason: input.reason,
    });
    if (statusChanges || ownerChanges) await notifyRegistryChange(tx.db, { table: "ports", id: id });
    // A new owner releases the port's extensions: reload them all.
    if (ownerChanges) await notifyRegistryChange(tx.db, { table: "port_extensions" });
    return after!;
  });
}

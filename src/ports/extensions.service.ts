import { listPage } from "../db/list-page.ts";
import { and, eq, gte, or, sql } from "drizzle-orm";
import { contracts, enterprises, portExtensions } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { localDate } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import type { ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { conflict, forbidden, invalid, notFound } from "../lib/errors.ts";
import { MAX_SOURCE_ADDR_DIGITS, type CreateExtensionInput, type ListExtensionsFilter } from "./ports.schemas.ts";
import { findVisiblePort } from "./ports.service.ts";

export type PortExtension = typeof portExtensions.$inferSelect;

/**
 * Assigns a sub-port extension to an enterprise. The operator or the SP that owns the port may do
 * it, and only for an enterprise the port's SP has a current or upcoming active contract with
 * (anything else is the sublet the rules forbid). No two extensions on a port may be prefixes of
 * each other, or the longest-prefix match could not tell whose traffic a source address is.
 */
export async function createExtension(ctx: ServiceContext, portId: string, input: CreateExtensionInput): Promise<PortExtension> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot assign extensions");
  return withTransaction(ctx, async (tx) => {
    // The port row lock serialises assignments on this port, so the overlap check holds.
    const port = await findVisiblePort(tx, portId, true);
    if (!port) throw notFound("port");
    if (port.status === "revoked") throw conflict(`port ${port.number} is revoked`);
    const digits = port.number.length + input.extension.length;
    if (digits > MAX_SOURCE_ADDR_DIGITS) {
      throw invalid("extension", `port ${port.number} plus this extension is ${digits} digits; a source address holds at most ${MAX_SOURCE_ADDR_DIGITS}`);
    }
    const today = localDate(tx.now);
    const [contract] = await tx.db
      .select({ id: contracts.id })
      .from(contracts)
      .where(
        and(
          eq(contracts.spId, port.spId),
          eq(contracts.enterpriseId, input.enterpriseId),
          eq(contracts.status, "active"),
          gte(contracts.validTo, today),
        ),
      )
      .limit(1);
    if (!contract) {
      if (tx.actor.type !== "sp") {
        const [exists] = await tx.db.select({ id: enterprises.id }).from(enterprises).where(eq(enterprises.id, input.enterpriseId));
        if (!exists) throw invalid("enterpriseId", "no such enterprise");
      }
      throw invalid("enterpriseId", "the port's SP has no current active contract with this enterprise");
    }
    const [overlapping] = await tx.db
      .select()
      .from(portExtensions)
      .where(
        and(
          eq(portExtensions.portId, portId),
          or(sql`starts_with(${portExtensions.extension}, ${input.extension})`, sql`starts_with(${input.extension}, ${portExtensions.extension})`),
        ),
      )
      .limit(1);
    if (overlapping) {
      const how = overlapping.extension === input.extension ? "is already assigned" : "overlaps by prefix with";
      throw conflict(`extension ${input.extension} ${how} extension ${overlapping.extension} (id ${overlapping.id}) on port ${port.number}`);
    }
    const [row] = await tx.db
      .insert(portExtensions)
      .values({ id: newId(), portId, extension: input.extension, enterpriseId: input.enterpriseId, createdAt: tx.now })
      .returning();
    await recordAudit(tx, { action: "port_extension.create", objectType: "port_extension", objectId: row!.id, objectSpId: port.spId, after: { ...row, portNumber: port.number } });
    await notifyRegistryChange(tx.db, { table: "port_extensions", id: row!.id });
    return row!;
  });
}

export async function listExtensions(ctx: ServiceContext, portId: string, filter: ListExtensionsFilter, page: { limit: number; after?: string }) {
  const port = await findVisiblePort(ctx, portId);
  if (!port) throw notFound("port");
  return listPage(ctx.db.select().from(portExtensions).$dynamic(), ctx, {
    key: portExtensions.id,
    sp: null, // findVisiblePort above: an SP lists only the extensions of its own port
    filters: [eq(portExtensions.portId, portId), filter.enterpriseId ? eq(portExtensions.enterpriseId, filter.enterpriseId) : undefined],
    page,
  });
}

export async function deleteExtension(ctx: ServiceContext, portId: string, extensionId: string, reason?: string): Promise<void> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot release extensions");
  await withTransaction(ctx, async (tx) => {
    const port = await findVisiblePort(tx, portId, true);
    if (!port) throw notFound("port");
    const [removed] = await tx.db
      .delete(portExtensions)
      .where(and(eq(portExtensions.id, extensionId), eq(portExtensions.portId, portId)))
      .returning();
    if (!removed) throw notFound("extension");
    await recordAudit(tx, {
      action: "port_extension.delete",
      objectType: "port_extension",
      objectId: removed.id,
      objectSpId: port.spId,
      before: { ...removed, portNumber: port.number },
      reason,
    });
    await notifyRegistryChange(tx.db, { table: "port_extensions", id: removed.id });
  });
}

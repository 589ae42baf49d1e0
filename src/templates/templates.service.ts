import { and, eq } from "drizzle-orm";
import { portExtensions, ports, signatureTemplates, signatures } from "../db/schema/index.ts";
import { listPage } from "../db/list-page.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { isOperator, spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { ServiceError, forbidden, invalid, notFound } from "../lib/errors.ts";
import { compileTemplate, TemplateSyntaxError } from "../policy/content/templates.ts";
import type { Category } from "../policy/types.ts";
import type { CreateTemplateInput, ListTemplatesFilter } from "./templates.schemas.ts";

export type SignatureTemplate = typeof signatureTemplates.$inferSelect;

/** Files a template for a signature (an SP for its own signature, an operator for any) as `pending`; bad syntax is 422. */
export async function createTemplate(ctx: ServiceContext, input: CreateTemplateInput): Promise<SignatureTemplate> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot file templates");
  try {
    compileTemplate("new", input.signatureId, input.text);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw invalid("text", error.message.replace(/^template new: /, ""));
    throw error;
  }
  return withTransaction(ctx, async (tx) => {
    const scope = spScope(ctx.actor);
    const [signature] = await tx.db.select({ id: signatures.id, spId: signatures.spId }).from(signatures).where(eq(signatures.id, input.signatureId));
    if (!signature || (scope && signature.spId !== scope)) throw invalid("signatureId", "no such signature of yours");
    const [row] = await tx.db
      .insert(signatureTemplates)
      .values({ id: newId(), signatureId: signature.id, spId: signature.spId, text: input.text, createdAt: tx.now, updatedAt: tx.now })
      .returning();
    await recordAudit(tx, { action: "template.create", objectType: "signature_template", objectId: row!.id, objectSpId: signature.spId, after: row });
    return row!;
  });
}

export async function listTemplates(ctx: ServiceContext, filter: ListTemplatesFilter, page: { limit: number; after?: string }) {
  return listPage(ctx.db.select().from(signatureTemplates).$dynamic(), ctx, {
    key: signatureTemplates.id,
    sp: signatureTemplates.spId,
    filters: [
      filter.signatureId ? eq(signatureTemplates.signatureId, filter.signatureId) : undefined,
      filter.status ? eq(signatureTemplates.status, filter.status) : undefined,
    ],
    page,
  });
}

/** An operator approves a pending template or revokes one (final); proxies apply it within a second. */
export async function decideTemplate(ctx: ServiceContext, id: string, decision: "approve" | "revoke", reason: string): Promise<SignatureTemplate> {
  if (!isOperator(ctx.actor)) throw forbidden("only operators approve or revoke templates");
  return withTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select().from(signatureTemplates).where(eq(signatureTemplates.id, id)).for("update");
    if (!before) throw notFound("template");
    const allowed = decision === "approve" ? before.status === "pending" : before.status !== "revoked";
    if (!allowed) throw new ServiceError("INVALID_TRANSITION", `a ${before.status} template cannot be ${decision === "approve" ? "approved" : "revoked"}`);
    const status = decision === "approve" ? ("approved" as const) : ("revoked" as const);
    const [after] = await tx.db
      .update(signatureTemplates)
      .set({ status, statusReason: reason, updatedAt: tx.now, ...(status === "approved" ? { approvedAt: tx.now } : {}) })
      .where(eq(signatureTemplates.id, id))
      .returning();
    await recordAudit(tx, { action: `template.${decision}`, objectType: "signature_template", objectId: id, objectSpId: before.spId, before, after, reason });
    await notifyRegistryChange(tx.db, { table: "signature_templates", id });
    return after!;
  });
}

/** An operator makes a signature template-only (banks, government) or frees it again. */
export async function setTemplateRequired(ctx: ServiceContext, signatureId: string, required: boolean, reason: string) {
  if (!isOperator(ctx.actor)) throw forbidden("only operators set templateRequired");
  return withTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select({ id: signatures.id, spId: signatures.spId, templateRequired: signatures.templateRequired }).from(signatures).where(eq(signatures.id, signatureId)).for("update");
    if (!before) throw notFound("signature");
    await tx.db.update(signatures).set({ templateRequired: required, updatedAt: tx.now }).where(eq(signatures.id, signatureId));
    const after = { ...before, templateRequired: required };
    await recordAudit(tx, { action: "signature.template_required", objectType: "signature", objectId: signatureId, objectSpId: before.spId, before, after, reason });
    await notifyRegistryChange(tx.db, { table: "signatures", id: signatureId });
    return { signatureId, templateRequired: required };
  });
}

/** Port purpose: the categories a port, or one extension of it, may carry (operator; null = any). */
export async function setPortPurpose(ctx: ServiceContext, portId: string, extensionId: string | undefined, list: Category[] | null, reason: string) {
  if (!isOperator(ctx.actor)) throw forbidden("only operators declare what a port may carry");
  const value = list ? [...new Set(list)] : null;
  return withTransaction(ctx, async (tx) => {
    if (extensionId) {
      const [before] = await tx.db.select().from(portExtensions).where(and(eq(portExtensions.id, extensionId), eq(portExtensions.portId, portId))).for("update");
      if (!before) throw notFound("extension");
      await tx.db.update(portExtensions).set({ categories: value }).where(eq(portExtensions.id, extensionId));
      await recordAudit(tx, { action: "extension.purpose", objectType: "port_extension", objectId: extensionId, before, after: { ...before, categories: value }, reason });
      await notifyRegistryChange(tx.db, { table: "port_extensions", id: extensionId });
      return { portId, extensionId, categories: value };
    }
    const [before] = await tx.db.select().from(ports).where(eq(ports.id, portId)).for("update");
    if (!before) throw notFound("port");
    await tx.db.update(ports).set({ categories: value, updatedAt: tx.now }).where(eq(ports.id, portId));
    await recordAudit(tx, { action: "port.purpose", objectType: "port", objectId: portId, objectSpId: before.spId, before, after: { ...before, categories: value }, reason });
    await notifyRegistryChange(tx.db, { table: "ports", id: portId });
    return { portId, extensionId: null, categories: value };
  });
}

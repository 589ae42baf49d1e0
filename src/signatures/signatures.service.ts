import { and, eq, ilike, isNotNull, lt } from "drizzle-orm";
import { enterprises, signaturePorts, signatures } from "../db/schema/index.ts";
import { escapeLike } from "../db/errors.ts";
import { listPage, type PageRequest } from "../db/list-page.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { normaliseSignatureText } from "../lib/signature-text.ts";
import { isOperator, spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { hasActiveContract } from "../enterprises/enterprise-scope.ts";
import { ServiceError, forbidden, invalid, notFound } from "../lib/errors.ts";
import { nextStatus, targetStatus, type SignatureAction, type SignatureStatus } from "./signatures.lifecycle.ts";
import { checkApprovable, checkBindings, checkEvidenceDate, checkExpiry, checkRealName, sameGrant, widens, type Grant } from "./signatures.rules.ts";
import type { ListSignaturesFilter, UpdateSignatureInput } from "./signatures.schemas.ts";
import { bindingsOf, bindingsOfOne, grantOf, toView, viewOf, type Signature, type SignatureRow } from "./signatures.views.ts";

export { createSignature } from "./signatures.create.ts";
export type { Signature } from "./signatures.views.ts";

/** Loads a signature for a change (row-locked); an SP asking about another SP's signature gets 404. */
async function lockForChange(ctx: ServiceContext, id: string): Promise<SignatureRow> {
  const [row] = await ctx.db.select().from(signatures).where(eq(signatures.id, id)).for("update");
  const scope = spScope(ctx.actor);
  if (!row || (scope && row.spId !== scope)) throw notFound("signature");
  return row;
}

async function enterpriseName(tx: ServiceContext, enterpriseId: string): Promise<string> {
  const [row] = await tx.db.select({ name: enterprises.name }).from(enterprises).where(eq(enterprises.id, enterpriseId));
  return row?.name ?? "";
}

export async function getSignature(ctx: ServiceContext, id: string): Promise<Signature> {
  const scope = spScope(ctx.actor);
  const [row] = await ctx.db
    .select()
    .from(signatures)
    .where(and(eq(signatures.id, id), scope ? eq(signatures.spId, scope) : undefined));
  if (!row) throw notFound("signature");
  return viewOf(ctx.db, row);
}

/** Lists in creation order; an SP sees the signatures it filed. Fetches limit + 1 rows (see toPage). */
export async function listSignatures(ctx: ServiceContext, filter: ListSignaturesFilter, page: PageRequest): Promise<Signature[]> {
  const text = filter.text ? normaliseSignatureText(filter.text) : "";
  const rows = await listPage(ctx.db.select().from(signatures).$dynamic(), ctx, {
    key: signatures.id,
    sp: signatures.spId,
    page,
    filters: [
      filter.status ? eq(signatures.status, filter.status) : undefined,
      filter.enterpriseId ? eq(signatures.enterpriseId, filter.enterpriseId) : undefined,
      filter.spId ? eq(signatures.spId, filter.spId) : undefined,
      text ? ilike(signatures.text, `%${escapeLike(text)}%`) : undefined,
      filter.expiringBefore ? and(isNotNull(signatures.expiresAt), lt(signatures.expiresAt, new Date(filter.expiringBefore))) : undefined,
    ],
  });
  const bindings = await bindingsOf(ctx.db, rows.map((row) => row.id));
  return rows.map((row) => toView(row, bindings.get(row.id) ?? []));
}

/**
 * Edits evidence, scope, ports or expiry (text and enterprise are fixed: file a new signature).
 * - pending stays pending; rejected becomes pending again (a re-submission);
 * - approved stays approved when the change only narrows what was approved, and returns to
 *   pending when it widens it (new category, new port or extension, new evidence, later expiry):
 *   anything the operator has not seen needs approval again. The same rule applies to operators,
 *   so every widening leaves an explicit approve in the audit trail;
 * - suspended and revoked signatures cannot be edited (409 INVALID_TRANSITION).
 */
export async function updateSignature(ctx: ServiceContext, id: string, input: UpdateSignatureInput): Promise<Signature> {
  return withTransaction(ctx, async (tx) => {
    const row = await lockForChange(tx, id);
    if (ctx.actor.type === "auditor") throw forbidden("auditors cannot change signatures");
    if (row.status === "suspended" || row.status === "revoked") {
      throw new ServiceError("INVALID_TRANSITION", `a ${row.status} signature cannot be edited (${row.status} → pending is not allowed)`);
    }
    const oldBindings = await bindingsOfOne(tx.db, id);
    checkEvidenceDate(input.evidence, tx.now);
    if (input.evidence) checkRealName(row.text, await enterpriseName(tx, row.enterpriseId), input.evidence.kind);
    const expiresAt = input.expiresAt === undefined ? row.expiresAt : input.expiresAt === null ? null : new Date(input.expiresAt);
    if (input.expiresAt !== undefined) checkExpiry(expiresAt, tx.now);
    const bindings = input.ports ? await checkBindings(tx.db, row.spId, row.enterpriseId, input.ports) : oldBindings;
    const evidence = input.evidence
      ? { kind: input.evidence.kind, reference: input.evidence.reference, expiresOn: input.evidence.expiresOn ?? null }
      : { kind: row.evidenceKind, reference: row.evidenceReference, expiresOn: row.evidenceExpiresOn };
    const previous = grantOf(row, oldBindings);
    const next: Grant = { scope: input.scope ?? row.scope, bindings, evidence, expiresAt };
    if (sameGrant(previous, next) && row.status !== "rejected") return toView(row, oldBindings);

    const status: SignatureStatus = row.status === "approved" && !widens(previous, next) ? "approved" : "pending";
    const returned = row.status !== status;
    const [updated] = (await tx.db
      .update(signatures)
      .set({
        scope: next.scope as SignatureRow["scope"],
        evidenceKind: evidence.kind as SignatureRow["evidenceKind"],
        evidenceReference: evidence.reference,
        evidenceExpiresOn: evidence.expiresOn,
        expiresAt,
        status,
        ...(returned ? { statusReason: input.reason ?? `changed while ${row.status}; needs approval`, approvedAt: null } : {}),
        updatedAt: tx.now,
      })
      .where(eq(signatures.id, id))
      .returning()) as [SignatureRow];
    if (input.ports) {
      await tx.db.delete(signaturePorts).where(eq(signaturePorts.signatureId, id));
      await tx.db.insert(signaturePorts).values(bindings.map((binding) => ({ signatureId: id, ...binding })));
    }
    const view = toView(updated, bindings);
    await recordAudit(tx, {
      action: "signature.update",
      objectType: "signature",
      objectId: id,
      objectSpId: row.spId,
      before: toView(row, oldBindings),
      after: view,
      reason: input.reason ?? null,
    });
    await notifyRegistryChange(tx.db, { table: "signatures", id });
    return view;
  });
}

/**
 * Applies an operator decision (see signatures.lifecycle.ts). Operators only: the filing SP gets
 * 403, any other SP 404, auditors 403. Approving (or reinstating) needs evidence on file and in
 * date, a non-empty scope, an unexpired signature and a still-active contract (422 otherwise).
 */
export async function transitionSignature(ctx: ServiceContext, id: string, action: SignatureAction, reason: string): Promise<Signature> {
  return withTransaction(ctx, async (tx) => {
    const row = await lockForChange(tx, id);
    if (!isOperator(ctx.actor)) throw forbidden(`only an operator may ${action} a signature`);
    const to = nextStatus(row.status, action);
    if (!to) {
      throw new ServiceError("INVALID_TRANSITION", `cannot ${action} a ${row.status} signature (${row.status} → ${targetStatus(action)})`);
    }
    if (action === "approve") {
      checkApprovable(row, tx.now);
      checkRealName(row.text, await enterpriseName(tx, row.enterpriseId), row.evidenceKind);
      if (!(await hasActiveContract(tx.db, row.spId, row.enterpriseId, tx.now))) {
        throw invalid("enterpriseId", "the enterprise no longer has an active contract with the filing SP");
      }
    }
    const [updated] = (await tx.db
      .update(signatures)
      .set({ status: to, statusReason: reason, ...(action === "approve" ? { approvedAt: tx.now } : {}), updatedAt: tx.now })
      .where(eq(signatures.id, id))
      .returning()) as [SignatureRow];
    const bindings = await bindingsOfOne(tx.db, id);
    const view = toView(updated, bindings);
    await recordAudit(tx, {
      action: `signature.${action}`,
      objectType: "signature",
      objectId: id,
      objectSpId: row.spId,
      before: toView(row, bindings),
      after: view,
      reason,
    });
    await notifyRegistryChange(tx.db, { table: "signatures", id });
    return view;
  });
}

export const approveSignature = (ctx: ServiceContext, id: string, reason: string) => transitionSignature(ctx, id, "approve", reason);
export const rejectSignature = (ctx: ServiceContext, id: string, reason: string) => transitionSignature(ctx, id, "reject", reason);
export const suspendSignature = (ctx: ServiceContext, id: string, reason: string) => transitionSignature(ctx, id, "suspend", reason);
export const revokeSignature = (ctx: ServiceContext, id: string, reason: string) => transitionSignature(ctx, id, "revoke", reason);

import { and, asc, eq, gt, ilike, inArray, isNotNull, isNull, lt, ne } from "drizzle-orm";
import { enterprises, serviceProviders, signaturePorts, signatures } from "../db/schema/index.ts";
import { escapeLike, isUniqueViolation } from "../db/errors.ts";
import type { Executor } from "../db/client.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { checkSignatureText, normaliseSignatureText } from "../lib/signature-text.ts";
import { signatureSkeleton } from "../policy/skeleton.ts";
import { isOperator, spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { hasActiveContract } from "../enterprises/enterprise-scope.ts";
import { ServiceError, conflict, forbidden, invalid, notFound } from "../lib/errors.ts";
import { nextStatus, targetStatus, type SignatureAction, type SignatureStatus } from "./signatures.lifecycle.ts";
import {
  checkApprovable,
  checkBindings,
  checkEvidenceDate,
  checkExpiry,
  checkRealName,
  sameGrant,
  widens,
  type Binding,
  type Grant,
} from "./signatures.rules.ts";
import type { CreateSignatureInput, ListSignaturesFilter, UpdateSignatureInput } from "./signatures.schemas.ts";

type SignatureRow = typeof signatures.$inferSelect;

/** A signature as the API shows it: evidence grouped, with the ports it may be sent from. */
export interface Signature {
  id: string;
  text: string;
  enterpriseId: string;
  spId: string;
  status: SignatureStatus;
  statusReason: string | null;
  scope: SignatureRow["scope"];
  evidence: { kind: NonNullable<SignatureRow["evidenceKind"]>; reference: string; expiresOn: string | null } | null;
  ports: Binding[];
  expiresAt: Date | null;
  approvedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

function toView(row: SignatureRow, bindings: Binding[]): Signature {
  return {
    id: row.id,
    text: row.text,
    enterpriseId: row.enterpriseId,
    spId: row.spId,
    status: row.status,
    statusReason: row.statusReason,
    scope: row.scope,
    evidence: row.evidenceKind && row.evidenceReference ? { kind: row.evidenceKind, reference: row.evidenceReference, expiresOn: row.evidenceExpiresOn } : null,
    ports: [...bindings].sort((a, b) => a.portId.localeCompare(b.portId) || a.extension.localeCompare(b.extension)),
    expiresAt: row.expiresAt,
    approvedAt: row.approvedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function bindingsOf(db: Executor, ids: string[]): Promise<Map<string, Binding[]>> {
  const out = new Map<string, Binding[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db.select().from(signaturePorts).where(inArray(signaturePorts.signatureId, ids));
  for (const row of rows) out.get(row.signatureId)?.push({ portId: row.portId, extension: row.extension });
  return out;
}

async function viewOf(db: Executor, row: SignatureRow): Promise<Signature> {
  return toView(row, (await bindingsOf(db, [row.id])).get(row.id) ?? []);
}

function grantOf(row: SignatureRow, bindings: Binding[]): Grant {
  return {
    scope: row.scope,
    bindings,
    evidence: { kind: row.evidenceKind, reference: row.evidenceReference, expiresOn: row.evidenceExpiresOn },
    expiresAt: row.expiresAt,
  };
}

/** Loads a signature for a change (row-locked); an SP asking about another SP's signature gets 404. */
async function lockForChange(ctx: ServiceContext, id: string): Promise<SignatureRow> {
  const [row] = await ctx.db.select().from(signatures).where(eq(signatures.id, id)).for("update");
  const scope = spScope(ctx.actor);
  if (!row || (scope && row.spId !== scope)) throw notFound("signature");
  return row;
}

function duplicateConflict(text: string, sameEnterprise: boolean, status?: SignatureStatus) {
  if (status === "revoked" || status === "rejected") {
    return conflict(`signature 【${text}】 is held by a ${status} filing; only an operator may reclaim it (reclaimReason)`);
  }
  return conflict(
    sameEnterprise
      ? `signature 【${text}】 is already filed for this enterprise; edit that filing instead`
      : `signature 【${text}】 is already registered to another enterprise`,
  );
}

/** Statuses whose text blocks a look-alike: a revoked or rejected filing no longer speaks for anyone. */
const LIVE_STATUSES: SignatureStatus[] = ["pending", "approved", "suspended"];

/**
 * Rows filed before the skeleton column existed get theirs here, in batches, the first time a
 * filing needs them (the skeleton is computed in code: TR39 data and OpenCC tables, not SQL).
 */
async function fillSkeletons(db: Executor): Promise<void> {
  for (;;) {
    const rows = await db.select({ id: signatures.id, text: signatures.text }).from(signatures).where(isNull(signatures.skeleton)).limit(500);
    for (const row of rows) await db.update(signatures).set({ skeleton: signatureSkeleton(row.text) }).where(eq(signatures.id, row.id));
    if (rows.length < 500) return;
  }
}

/**
 * Files a signature as `pending`. An SP files for itself, for an enterprise it holds an active
 * contract with; an operator files on behalf of a named SP under the same rule. Checks, in order:
 * - the normalised text is unique across all enterprises and all states: a revoked or rejected
 *   text stays taken until an operator reclaims it (reclaimReason: the old filing is released —
 *   a rejected one is revoked — and that is audited as signature.release);
 * - the real-name rule (checkRealName): contained in the enterprise's name, or trademark/app/
 *   website evidence, else 422;
 * - look-alikes: a confusable skeleton equal to a pending, approved or suspended signature of
 *   another enterprise is refused with 409 naming it, unless an operator overrides with
 *   lookAlikeOverrideReason (kept in the audit row's reason).
 */
export async function createSignature(ctx: ServiceContext, input: CreateSignatureInput): Promise<Signature> {
  let spId: string;
  if (ctx.actor.type === "sp") {
    if (input.spId && input.spId !== ctx.actor.spId) throw forbidden("an SP files signatures for itself only");
    spId = ctx.actor.spId;
  } else if (isOperator(ctx.actor)) {
    if (!input.spId) throw invalid("spId", "is required when an operator files a signature");
    spId = input.spId;
  } else {
    throw forbidden("auditors cannot file signatures");
  }
  const checked = checkSignatureText(input.text);
  if (!checked.ok) throw invalid("text", checked.problem);
  const text = checked.text;
  const skeleton = signatureSkeleton(text);
  if ((input.reclaimReason || input.lookAlikeOverrideReason) && !isOperator(ctx.actor)) {
    throw forbidden("only an operator may reclaim a signature text or override the look-alike check");
  }
  checkEvidenceDate(input.evidence, ctx.now);
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  checkExpiry(expiresAt, ctx.now);

  await fillSkeletons(ctx.db); // outside the filing's transaction: kept even when the filing is refused
  return withTransaction(ctx, async (tx) => {
    if (ctx.actor.type !== "sp") {
      const [sp] = await tx.db.select({ id: serviceProviders.id }).from(serviceProviders).where(eq(serviceProviders.id, spId));
      if (!sp) throw invalid("spId", "no such service provider");
    }
    const [enterprise] = await tx.db
      .select({ status: enterprises.status, name: enterprises.name })
      .from(enterprises)
      .where(eq(enterprises.id, input.enterpriseId));
    if (!enterprise || !(await hasActiveContract(tx.db, spId, input.enterpriseId, tx.now))) {
      throw invalid("enterpriseId", "the enterprise has no active contract with the filing SP");
    }
    if (enterprise.status !== "active") throw invalid("enterpriseId", "the enterprise is suspended");
    checkRealName(text, enterprise.name, input.evidence?.kind);
    const [existing] = await tx.db.select().from(signatures).where(and(eq(signatures.text, text), isNull(signatures.releasedAt)));
    if (existing) {
      const reclaimable = existing.status === "revoked" || existing.status === "rejected";
      if (!reclaimable || !input.reclaimReason) throw duplicateConflict(text, existing.enterpriseId === input.enterpriseId, existing.status);
      await releaseText(tx, existing, input.reclaimReason);
    }
    const [lookAlike] = await tx.db
      .select({ id: signatures.id, text: signatures.text })
      .from(signatures)
      .where(
        and(
          eq(signatures.skeleton, skeleton),
          ne(signatures.enterpriseId, input.enterpriseId),
          inArray(signatures.status, LIVE_STATUSES),
          isNull(signatures.releasedAt),
        ),
      )
      .orderBy(asc(signatures.id))
      .limit(1);
    if (lookAlike && !input.lookAlikeOverrideReason) {
      throw conflict(
        `signature 【${text}】 looks like 【${lookAlike.text}】 (signature ${lookAlike.id}) of another enterprise (same confusable skeleton "${skeleton}"); an operator may override with lookAlikeOverrideReason`,
      );
    }
    const bindings = await checkBindings(tx.db, spId, input.enterpriseId, input.ports);

    let row: SignatureRow;
    try {
      [row] = (await tx.db
        .insert(signatures)
        .values({
          id: newId(),
          text,
          skeleton,
          enterpriseId: input.enterpriseId,
          spId,
          status: "pending",
          scope: input.scope,
          evidenceKind: input.evidence?.kind ?? null,
          evidenceReference: input.evidence?.reference ?? null,
          evidenceExpiresOn: input.evidence?.expiresOn ?? null,
          expiresAt,
          createdAt: tx.now,
          updatedAt: tx.now,
        })
        .returning()) as [SignatureRow];
    } catch (error) {
      // Two filings of one text racing past the check above: the unique index decides.
      if (isUniqueViolation(error)) throw duplicateConflict(text, false);
      throw error;
    }
    await tx.db.insert(signaturePorts).values(bindings.map((binding) => ({ signatureId: row.id, ...binding })));
    const view = toView(row, bindings);
    const overridden = lookAlike && input.lookAlikeOverrideReason;
    await recordAudit(tx, {
      action: "signature.create",
      objectType: "signature",
      objectId: row.id,
      objectSpId: spId,
      after: overridden ? { ...view, lookAlikeOf: { id: lookAlike.id, text: lookAlike.text } } : view,
      reason: overridden ? `look-alike of 【${lookAlike.text}】 (${lookAlike.id}) allowed: ${input.lookAlikeOverrideReason}` : null,
    });
    await notifyRegistryChange(tx.db, { table: "signatures", id: row.id });
    return view;
  });
}

async function enterpriseName(tx: ServiceContext, enterpriseId: string): Promise<string> {
  const [row] = await tx.db.select({ name: enterprises.name }).from(enterprises).where(eq(enterprises.id, enterpriseId));
  return row?.name ?? "";
}

/** Releases a revoked or rejected filing's text for a new filing (a rejected filing is revoked: it cannot be re-submitted). */
async function releaseText(tx: ServiceContext, row: SignatureRow, reason: string): Promise<void> {
  const bindings = (await bindingsOf(tx.db, [row.id])).get(row.id) ?? [];
  const [released] = (await tx.db
    .update(signatures)
    .set({ status: "revoked", releasedAt: tx.now, statusReason: `text reclaimed: ${reason}`, updatedAt: tx.now })
    .where(eq(signatures.id, row.id))
    .returning()) as [SignatureRow];
  await recordAudit(tx, {
    action: "signature.release",
    objectType: "signature",
    objectId: row.id,
    objectSpId: row.spId,
    before: toView(row, bindings),
    after: { ...toView(released, bindings), releasedAt: released.releasedAt },
    reason,
  });
  await notifyRegistryChange(tx.db, { table: "signatures", id: row.id });
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
export async function listSignatures(ctx: ServiceContext, filter: ListSignaturesFilter, page: { limit: number; after?: string }): Promise<Signature[]> {
  const scope = spScope(ctx.actor);
  const text = filter.text ? normaliseSignatureText(filter.text) : "";
  const rows = await ctx.db
    .select()
    .from(signatures)
    .where(
      and(
        scope ? eq(signatures.spId, scope) : undefined,
        filter.status ? eq(signatures.status, filter.status) : undefined,
        filter.enterpriseId ? eq(signatures.enterpriseId, filter.enterpriseId) : undefined,
        filter.spId ? eq(signatures.spId, filter.spId) : undefined,
        text ? ilike(signatures.text, `%${escapeLike(text)}%`) : undefined,
        filter.expiringBefore ? and(isNotNull(signatures.expiresAt), lt(signatures.expiresAt, new Date(filter.expiringBefore))) : undefined,
        page.after ? gt(signatures.id, page.after) : undefined,
      ),
    )
    .orderBy(asc(signatures.id))
    .limit(page.limit + 1);
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
    const oldBindings = (await bindingsOf(tx.db, [id])).get(id) ?? [];
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
    const bindings = (await bindingsOf(tx.db, [id])).get(id) ?? [];
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

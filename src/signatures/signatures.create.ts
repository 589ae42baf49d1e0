import { and, asc, eq, inArray, isNull, ne } from "drizzle-orm";
import { enterprises, signaturePorts, signatures } from "../db/schema/index.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { Executor } from "../db/client.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { checkSignatureText } from "../lib/signature-text.ts";
import { signatureSkeleton } from "../policy/skeleton.ts";
import { isOperator, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { hasActiveContract } from "../enterprises/enterprise-scope.ts";
import { conflict, forbidden, invalid } from "../lib/errors.ts";
import type { SignatureStatus } from "./signatures.lifecycle.ts";
import { checkBindings, checkEvidenceDate, checkExpiry, checkRealName, type Binding } from "./signatures.rules.ts";
import type { CreateSignatureInput } from "./signatures.schemas.ts";
import { bindingsOfOne, toView, type Signature, type SignatureRow } from "./signatures.views.ts";
import { assertServiceProviderExists } from "../service-providers/service-providers.service.ts";

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

/** The SP a filing is for: an SP files for itself, an operator names one, an auditor files nothing. */
function filingSpId(ctx: ServiceContext, input: CreateSignatureInput): string {
  if (ctx.actor.type === "sp") {
    if (input.spId && input.spId !== ctx.actor.spId) throw forbidden("an SP files signatures for itself only");
    return ctx.actor.spId;
  }
  if (!isOperator(ctx.actor)) throw forbidden("auditors cannot file signatures");
  if (!input.spId) throw invalid("spId", "is required when an operator files a signature");
  return input.spId;
}

/** The filing SP exists, the enterprise is active under a contract with it, and the text passes the real-name rule. */
async function checkFilingParties(tx: ServiceContext, spId: string, input: CreateSignatureInput, text: string): Promise<void> {
  if (tx.actor.type !== "sp") await assertServiceProviderExists(tx.db, spId);
  const [enterprise] = await tx.db.select({ status: enterprises.status, name: enterprises.name }).from(enterprises).where(eq(enterprises.id, input.enterpriseId));
  if (!enterprise || !(await hasActiveContract(tx.db, spId, input.enterpriseId, tx.now))) {
    throw invalid("enterpriseId", "the enterprise has no active contract with the filing SP");
  }
  if (enterprise.status !== "active") throw invalid("enterpriseId", "the enterprise is suspended");
  checkRealName(text, enterprise.name, input.evidence?.kind);
}

/** The text is free, or held by a revoked or rejected filing an operator reclaims here. */
async function claimText(tx: ServiceContext, text: string, input: CreateSignatureInput): Promise<void> {
  const [existing] = await tx.db.select().from(signatures).where(and(eq(signatures.text, text), isNull(signatures.releasedAt)));
  if (!existing) return;
  const reclaimable = existing.status === "revoked" || existing.status === "rejected";
  if (!reclaimable || !input.reclaimReason) throw duplicateConflict(text, existing.enterpriseId === input.enterpriseId, existing.status);
  await releaseText(tx, existing, input.reclaimReason);
}

/** Another enterprise's live signature with the same confusable skeleton; refused unless an operator overrides. */
async function checkLookAlike(tx: ServiceContext, text: string, skeleton: string, input: CreateSignatureInput): Promise<{ id: string; text: string } | undefined> {
  const [lookAlike] = await tx.db
    .select({ id: signatures.id, text: signatures.text })
    .from(signatures)
    .where(and(eq(signatures.skeleton, skeleton), ne(signatures.enterpriseId, input.enterpriseId), inArray(signatures.status, LIVE_STATUSES), isNull(signatures.releasedAt)))
    .orderBy(asc(signatures.id))
    .limit(1);
  if (lookAlike && !input.lookAlikeOverrideReason) {
    throw conflict(
      `signature 【${text}】 looks like 【${lookAlike.text}】 (signature ${lookAlike.id}) of another enterprise (same confusable skeleton "${skeleton}"); an operator may override with lookAlikeOverrideReason`,
    );
  }
  return lookAlike;
}

interface NewFiling {
  text: string;
  skeleton: string;
  spId: string;
  expiresAt: Date | null;
  bindings: Binding[];
}

async function insertFiling(tx: ServiceContext, input: CreateSignatureInput, filing: NewFiling): Promise<SignatureRow> {
  const { text, skeleton, spId, expiresAt, bindings } = filing;
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
  return row;
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
  const spId = filingSpId(ctx, input);
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
    await checkFilingParties(tx, spId, input, text);
    await claimText(tx, text, input);
    const lookAlike = await checkLookAlike(tx, text, skeleton, input);
    const bindings = await checkBindings(tx.db, spId, input.enterpriseId, input.ports);
    const row = await insertFiling(tx, input, { text, skeleton, spId, expiresAt, bindings });
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

/** Releases a revoked or rejected filing's text for a new filing (a rejected filing is revoked: it cannot be re-submitted). */
async function releaseText(tx: ServiceContext, row: SignatureRow, reason: string): Promise<void> {
  const bindings = await bindingsOfOne(tx.db, row.id);
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


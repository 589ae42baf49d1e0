import { listPage } from "../db/list-page.ts";
import { and, eq } from "drizzle-orm";
import { optOuts, signatures } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { isOperator, spScope, type Actor, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { withdrawConsentsForOptOut } from "../consents/consents.service.ts";
import { enterpriseVisibleToSp, findVisibleEnterprise } from "../enterprises/enterprise-scope.ts";
import { forbidden, invalid, notFound } from "../lib/errors.ts";
import type { CreateOptOutInput, ListOptOutsFilter } from "./opt-outs.schemas.ts";

type OptOutRow = typeof optOuts.$inferSelect;
export type OptOutSource = OptOutRow["source"];

/** An opt-out as the API shows it: the mask, never the number, and not the hash either. */
export type OptOut = Omit<OptOutRow, "recipientHash">;

function toView(row: OptOutRow): OptOut {
  const { recipientHash: _hidden, ...rest } = row;
  return rest;
}

export interface RecordOptOutInput {
  /** Keyed hash from ctx.pii.hash (the MO path has only this). */
  recipientHash: string;
  /** Masked form, e.g. 138****0001; a clear number is refused. */
  recipientMask: string;
  enterpriseId: string;
  source: OptOutSource;
  /** The signature the refusal answered, when known (MO replies, complaints). */
  signatureId?: string | null;
}

const HASH = /^[0-9a-f]{32,64}$/;
const MASK = /^\d*\*+\d*$/;

function refuseAuditor(actor: Actor, what: string) {
  if (actor.type === "auditor") throw forbidden(`auditors cannot ${what}`);
}

/**
 * Records that a recipient refuses an enterprise's messages (under all its signatures). Idempotent
 * per (recipient, enterprise): a second call returns the first record with `created: false` and
 * changes nothing, so the earliest source and time are kept. Used by the API (clear number hashed
 * first), the SMPP MO path (system actor, hash only) and complaints. An SP may record opt-outs for
 * enterprises it filed or holds an active contract with; anything else is 422 on enterpriseId.
 * Audited and announced to the registry in the same transaction.
 */
export async function recordOptOut(ctx: ServiceContext, input: RecordOptOutInput): Promise<{ optOut: OptOut; created: boolean }> {
  refuseAuditor(ctx.actor, "record opt-outs");
  if (!HASH.test(input.recipientHash)) throw invalid("recipientHash", "must be the keyed hash of the number");
  if (!MASK.test(input.recipientMask)) throw invalid("recipientMask", "must be a masked number such as 138****0001");
  return withTransaction(ctx, async (tx) => {
    const enterprise = await findVisibleEnterprise(tx.db, input.enterpriseId, spScope(tx.actor), tx.now);
    if (!enterprise) throw invalid("enterpriseId", "no such enterprise");
    let signatureSpId: string | null = null;
    if (input.signatureId) {
      const [signature] = await tx.db
        .select({ enterpriseId: signatures.enterpriseId, spId: signatures.spId })
        .from(signatures)
        .where(eq(signatures.id, input.signatureId));
      if (!signature || signature.enterpriseId !== input.enterpriseId) throw invalid("signatureId", "is not a signature of this enterprise");
      signatureSpId = signature.spId;
    }
    const [inserted] = await tx.db
      .insert(optOuts)
      .values({
        id: newId(),
        recipientHash: input.recipientHash,
        recipientMask: input.recipientMask,
        enterpriseId: input.enterpriseId,
        source: input.source,
        signatureId: input.signatureId ?? null,
        createdAt: tx.now,
      })
      .onConflictDoNothing({ target: [optOuts.recipientHash, optOuts.enterpriseId] })
      .returning();
    // An opt-out withdraws every consent of this recipient for this enterprise, also when the
    // opt-out was on record already (a consent given since then ends with this new refusal).
    await withdrawConsentsForOptOut(tx, input.recipientHash, input.enterpriseId);
    if (!inserted) {
      const [existing] = await tx.db
        .select()
        .from(optOuts)
        .where(and(eq(optOuts.recipientHash, input.recipientHash), eq(optOuts.enterpriseId, input.enterpriseId)));
      return { optOut: toView(existing!), created: false };
    }
    await recordAudit(tx, {
      action: "opt_out.create",
      objectType: "opt_out",
      objectId: inserted.id,
      // An SP reads the audit of opt-outs it recorded; MO opt-outs belong to the SP of the signature.
      objectSpId: spScope(tx.actor) ?? signatureSpId,
      after: inserted,
    });
    await notifyRegistryChange(tx.db, { table: "opt_outs", id: inserted.id });
    return { optOut: toView(inserted), created: true };
  });
}

/** The API entry: a clear number, hashed and masked here and then forgotten. */
export async function createOptOut(ctx: ServiceContext, input: CreateOptOutInput) {
  return recordOptOut(ctx, {
    recipientHash: ctx.pii.hash(input.msisdn),
    recipientMask: ctx.pii.mask(input.msisdn),
    enterpriseId: input.enterpriseId,
    source: input.source,
  });
}

/** Lists in creation order; an SP sees opt-outs of the enterprises visible to it. */
export async function listOptOuts(ctx: ServiceContext, filter: ListOptOutsFilter, page: { limit: number; after?: string }): Promise<OptOut[]> {
  const rows = await listPage(ctx.db.select().from(optOuts).$dynamic(), ctx, {
    key: optOuts.id,
    sp: (spId) => enterpriseVisibleToSp(optOuts.enterpriseId, spId, ctx.now),
    filters: [
      filter.enterpriseId ? eq(optOuts.enterpriseId, filter.enterpriseId) : undefined,
      filter.msisdn ? eq(optOuts.recipientHash, ctx.pii.hash(filter.msisdn)) : undefined,
      filter.source ? eq(optOuts.source, filter.source) : undefined,
    ],
    page,
  });
  return rows.map(toView);
}

export interface OptOutCheck {
  optedOut: boolean;
  since?: Date;
  source?: OptOutSource;
}

/** "Is this number opted out of this enterprise?" The enterprise must exist and, for an SP, be visible (else 404). */
export async function checkOptOut(ctx: ServiceContext, query: { msisdn: string; enterpriseId: string }): Promise<OptOutCheck> {
  const enterprise = await findVisibleEnterprise(ctx.db, query.enterpriseId, spScope(ctx.actor), ctx.now);
  if (!enterprise) throw notFound("enterprise");
  const [row] = await ctx.db
    .select({ createdAt: optOuts.createdAt, source: optOuts.source })
    .from(optOuts)
    .where(and(eq(optOuts.recipientHash, ctx.pii.hash(query.msisdn)), eq(optOuts.enterpriseId, query.enterpriseId)));
  return row ? { optedOut: true, since: row.createdAt, source: row.source } : { optedOut: false };
}

/**
 * Withdraws an opt-out (the recipient consented again). Operator only, with a reason; an SP gets
 * 403 for opt-outs it can see and 404 for the rest; auditors 403. The audit row keeps the record.
 */
export async function deleteOptOut(ctx: ServiceContext, id: string, reason: string): Promise<OptOut> {
  return withTransaction(ctx, async (tx) => {
    const scope = spScope(tx.actor);
    const [row] = await tx.db
      .select()
      .from(optOuts)
      .where(and(eq(optOuts.id, id), scope ? enterpriseVisibleToSp(optOuts.enterpriseId, scope, tx.now) : undefined))
      .for("update");
    if (!row) throw notFound("opt-out");
    if (!isOperator(tx.actor)) throw forbidden("only an operator may withdraw an opt-out");
    await tx.db.delete(optOuts).where(eq(optOuts.id, id));
    await recordAudit(tx, { action: "opt_out.delete", objectType: "opt_out", objectId: id, objectSpId: null, before: row, reason });
    await notifyRegistryChange(tx.db, { table: "opt_outs", removed: { recipientHash: row.recipientHash, enterpriseId: row.enterpriseId } });
    return toView(row);
  });
}

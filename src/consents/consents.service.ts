import { and, desc, eq, gt, isNotNull, isNull, lte, sql, type SQL } from "drizzle-orm";
import { listPage } from "../db/list-page.ts";
import type { Executor } from "../db/client.ts";
import { consents, enterprises, optOuts } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { DAY_MS } from "../lib/dates.ts";
import { isOperator, spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findVisibleEnterprise, hasActiveContract } from "../enterprises/enterprise-scope.ts";
import { ServiceError, conflict, forbidden, invalid, notFound } from "../lib/errors.ts";
import { appendConsentEntries, type ConsentEntry, type ConsentRow } from "./consents.chain.ts";
import type { CreateConsentInput, ListConsentsFilter, consentStatuses } from "./consents.schemas.ts";

export type ConsentStatus = (typeof consentStatuses)[number];
export type ConsentSource = NonNullable<ConsentRow["source"]>;

/** A consent as the API shows it: the mask, never the number nor its hash; its status at `now`. */
export interface Consent {
  id: string;
  recipientMask: string;
  enterpriseId: string;
  categories: ConsentRow["categories"];
  frequency: string | null;
  periodDays: number | null;
  consentedAt: Date | null;
  expiresAt: Date | null;
  source: ConsentRow["source"];
  evidenceRef: string | null;
  recordedAt: Date;
  recordedByType: string;
  spId: string | null;
  withdrawnAt: Date | null;
  status: ConsentStatus;
}

export function consentStatus(row: Pick<ConsentRow, "withdrawnAt" | "expiresAt">, now: Date): ConsentStatus {
  if (row.withdrawnAt) return "withdrawn";
  return row.expiresAt && row.expiresAt.getTime() > now.getTime() ? "current" : "expired";
}

export function toConsentView(row: ConsentRow, now: Date): Consent {
  return {
    id: row.id,
    recipientMask: row.recipientMask,
    enterpriseId: row.enterpriseId,
    categories: row.categories,
    frequency: row.frequency,
    periodDays: row.periodDays,
    consentedAt: row.consentedAt,
    expiresAt: row.expiresAt,
    source: row.source,
    evidenceRef: row.evidenceRef,
    recordedAt: row.recordedAt,
    recordedByType: row.recordedByType,
    spId: row.spId,
    withdrawnAt: row.withdrawnAt,
    status: consentStatus(row, now),
  };
}

export interface RecordConsentInput {
  /** Keyed hash from ctx.pii.hash (the MO path has only this). */
  recipientHash: string;
  recipientMask: string;
  enterpriseId: string;
  categories: ConsentRow["categories"];
  frequency: string;
  periodDays: number;
  source: ConsentSource;
  evidenceRef: string;
  consentedAt?: Date;
}

/** A current grant: not withdrawn, not expired at `now`. */
export const currentGrant = (now: Date): SQL => and(eq(consents.kind, "grant"), isNull(consents.withdrawnAt), gt(consents.expiresAt, now))!;

/**
 * Who may record a consent for this enterprise: an operator (or the system: the MO path) for any
 * existing enterprise; an SP only for one it holds an active contract with today — 403 otherwise,
 * the same answer whether the enterprise exists or not. Auditors never.
 */
async function mayRecordFor(ctx: ServiceContext, enterpriseId: string): Promise<void> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot record consents");
  const spId = spScope(ctx.actor);
  if (spId) {
    if (!(await hasActiveContract(ctx.db, spId, enterpriseId, ctx.now))) throw forbidden("an SP records consent only for enterprises it holds an active contract with");
    return;
  }
  const [enterprise] = await ctx.db.select({ id: enterprises.id }).from(enterprises).where(eq(enterprises.id, enterpriseId));
  if (!enterprise) throw invalid("enterpriseId", "no such enterprise");
}

/**
 * Fresh evidence after a refusal: when the recipient opted out of this enterprise, a new consent
 * must have been given after the opt-out; and whenever an earlier consent of this recipient for this
 * enterprise was withdrawn (by an opt-out or through the API), the new one must cite an evidence
 * reference none of the withdrawn ones used (the same web-form id cannot be replayed).
 */
async function requireFreshEvidence(db: Executor, input: RecordConsentInput, consentedAt: Date): Promise<void> {
  const [optOut] = await db
    .select({ createdAt: optOuts.createdAt })
    .from(optOuts)
    .where(and(eq(optOuts.recipientHash, input.recipientHash), eq(optOuts.enterpriseId, input.enterpriseId)));
  if (optOut && consentedAt.getTime() <= optOut.createdAt.getTime()) {
    throw invalid("consentedAt", `the recipient opted out of this enterprise at ${optOut.createdAt.toISOString()}; a new consent must have been given after that`);
  }
  const [reused] = await db
    .select({ id: consents.id })
    .from(consents)
    .where(
      and(
        eq(consents.recipientHash, input.recipientHash),
        eq(consents.enterpriseId, input.enterpriseId),
        eq(consents.kind, "grant"),
        isNotNull(consents.withdrawnAt),
        eq(consents.evidenceRef, input.evidenceRef),
      ),
    )
    .limit(1);
  if (reused) throw invalid("evidenceRef", "this evidence belongs to a consent that was withdrawn; a new consent needs fresh evidence");
}

export function grantEntry(ctx: ServiceContext, input: RecordConsentInput, consentedAt: Date): ConsentEntry {
  return {
    id: newId(),
    kind: "grant",
    grantId: null,
    recipientHash: input.recipientHash,
    recipientMask: input.recipientMask,
    enterpriseId: input.enterpriseId,
    categories: [...new Set(input.categories)],
    frequency: input.frequency,
    periodDays: input.periodDays,
    consentedAt,
    expiresAt: new Date(consentedAt.getTime() + input.periodDays * DAY_MS),
    source: input.source,
    evidenceRef: input.evidenceRef,
    cause: null,
    reason: null,
    recordedAt: ctx.now,
    recordedByType: ctx.actor.type,
    recordedById: ctx.actor.id,
    spId: spScope(ctx.actor) ?? null,
  };
}

/**
 * Checks a consent before it is chained: consentedAt not in the future and not older than the
 * period it states (it would be born expired); fresh evidence after a refusal. Returns the instant.
 */
export async function validateGrant(ctx: ServiceContext, input: RecordConsentInput): Promise<Date> {
  const consentedAt = input.consentedAt ?? ctx.now;
  if (consentedAt.getTime() > ctx.now.getTime() + 60_000) throw invalid("consentedAt", "is in the future");
  if (consentedAt.getTime() + input.periodDays * DAY_MS <= ctx.now.getTime()) throw invalid("consentedAt", "with this periodDays the consent has already expired");
  await requireFreshEvidence(ctx.db, input, consentedAt);
  return consentedAt;
}

/**
 * Records a consent (a grant on the ledger), audited and announced to every proxy in the same
 * transaction. Idempotent on (recipient, enterprise, evidenceRef) while that consent is current:
 * the same evidence again returns the existing record with `created: false`.
 */
export async function recordConsent(ctx: ServiceContext, input: RecordConsentInput): Promise<{ consent: Consent; created: boolean }> {
  return withTransaction(ctx, async (tx) => {
    await mayRecordFor(tx, input.enterpriseId);
    const [existing] = await tx.db
      .select()
      .from(consents)
      .where(and(eq(consents.recipientHash, input.recipientHash), eq(consents.enterpriseId, input.enterpriseId), eq(consents.evidenceRef, input.evidenceRef), currentGrant(tx.now)))
      .limit(1);
    if (existing) {
      if (spScope(tx.actor) && existing.spId !== spScope(tx.actor)) throw conflict("a consent with this evidence is already recorded by someone else");
      return { consent: toConsentView(existing, tx.now), created: false };
    }
    const consentedAt = await validateGrant(tx, input);
    const [row] = await appendConsentEntries(tx.db, [grantEntry(tx, input, consentedAt)]);
    await recordAudit(tx, { action: "consent.create", objectType: "consent", objectId: row!.id, objectSpId: row!.spId, after: toConsentView(row!, tx.now) });
    await notifyRegistryChange(tx.db, { table: "consents", id: row!.id });
    return { consent: toConsentView(row!, tx.now), created: true };
  });
}

/** The API entry: a clear number, hashed and masked here and then forgotten. */
export function createConsent(ctx: ServiceContext, input: CreateConsentInput) {
  return recordConsent(ctx, {
    recipientHash: ctx.pii.hash(input.msisdn),
    recipientMask: ctx.pii.mask(input.msisdn),
    enterpriseId: input.enterpriseId,
    categories: input.categories,
    frequency: input.frequency,
    periodDays: input.periodDays,
    source: input.source,
    evidenceRef: input.evidenceRef,
    consentedAt: input.consentedAt ? new Date(input.consentedAt) : undefined,
  });
}

function statusFilter(status: ConsentStatus | undefined, now: Date): SQL | undefined {
  if (status === "current") return currentGrant(now);
  if (status === "withdrawn") return isNotNull(consents.withdrawnAt);
  if (status === "expired") return and(isNull(consents.withdrawnAt), lte(consents.expiresAt, now));
  return undefined;
}

/** Grants in recording order; an SP sees only the consents it recorded itself. */
export async function listConsents(ctx: ServiceContext, filter: ListConsentsFilter, page: { limit: number; after?: string }): Promise<Consent[]> {
  const rows = await listPage(ctx.db.select().from(consents).$dynamic(), ctx, {
    key: consents.id,
    sp: consents.spId,
    filters: [
      eq(consents.kind, "grant"),
      isNull(consents.prunedAt),
      filter.enterpriseId ? eq(consents.enterpriseId, filter.enterpriseId) : undefined,
      filter.msisdn ? eq(consents.recipientHash, ctx.pii.hash(filter.msisdn)) : undefined,
      statusFilter(filter.status, ctx.now),
      filter.expiringWithinDays ? and(currentGrant(ctx.now), lte(consents.expiresAt, new Date(ctx.now.getTime() + filter.expiringWithinDays * DAY_MS))) : undefined,
    ],
    page,
  });
  return rows.map((row) => toConsentView(row, ctx.now));
}

/** The current consent (the one expiring last) of a recipient for an enterprise, if any. */
export async function findCurrentConsent(db: Executor, recipientHash: string, enterpriseId: string, now: Date): Promise<ConsentRow | undefined> {
  const [row] = await db
    .select()
    .from(consents)
    .where(and(eq(consents.recipientHash, recipientHash), eq(consents.enterpriseId, enterpriseId), currentGrant(now)))
    .orderBy(desc(consents.expiresAt))
    .limit(1);
  return row;
}

/**
 * "May this enterprise send marketing to this number now?" The enterprise must exist and, for an
 * SP, be visible to it (else 404). The record's id is shown only to whoever may read the record.
 */
export async function checkConsent(ctx: ServiceContext, query: { msisdn: string; enterpriseId: string }) {
  const enterprise = await findVisibleEnterprise(ctx.db, query.enterpriseId, spScope(ctx.actor), ctx.now);
  if (!enterprise) throw notFound("enterprise");
  const row = await findCurrentConsent(ctx.db, ctx.pii.hash(query.msisdn), query.enterpriseId, ctx.now);
  if (!row) return { consented: false };
  const readable = !spScope(ctx.actor) || row.spId === spScope(ctx.actor);
  return { consented: true, categories: row.categories, expiresAt: row.expiresAt!, ...(readable ? { consentId: row.id } : {}) };
}

async function appendWithdrawals(ctx: ServiceContext, grants: ConsentRow[], cause: "api" | "opt_out", reason: string): Promise<ConsentRow[]> {
  const entries: ConsentEntry[] = grants.map((grant) => ({
    id: newId(),
    kind: "withdrawal",
    grantId: grant.id,
    recipientHash: grant.recipientHash,
    recipientMask: grant.recipientMask,
    enterpriseId: grant.enterpriseId,
    categories: grant.categories,
    frequency: null,
    periodDays: null,
    consentedAt: null,
    expiresAt: null,
    source: null,
    evidenceRef: null,
    cause,
    reason,
    recordedAt: ctx.now,
    recordedByType: ctx.actor.type,
    recordedById: ctx.actor.id,
    spId: spScope(ctx.actor) ?? null,
  }));
  const rows = await appendConsentEntries(ctx.db, entries);
  for (const grant of grants) await ctx.db.update(consents).set({ withdrawnAt: ctx.now }).where(eq(consents.id, grant.id));
  return rows;
}

/**
 * Withdraws one consent (DELETE /consents/{id}): the ledger gains a withdrawal entry, the grant is
 * marked, audited and announced. An SP withdraws only what it recorded (404 for the rest);
 * auditors 403; a consent already withdrawn is 409.
 */
export async function withdrawConsent(ctx: ServiceContext, id: string, reason: string): Promise<Consent> {
  return withTransaction(ctx, async (tx) => {
    const scope = spScope(tx.actor);
    const [row] = await tx.db
      .select()
      .from(consents)
      .where(and(eq(consents.id, id), eq(consents.kind, "grant"), isNull(consents.prunedAt), scope ? eq(consents.spId, scope) : undefined))
      .for("update");
    if (!row) throw notFound("consent");
    if (!isOperator(tx.actor) && tx.actor.type !== "sp") throw forbidden("auditors cannot withdraw consents");
    if (row.withdrawnAt) throw new ServiceError("INVALID_TRANSITION", "this consent is already withdrawn");
    await appendWithdrawals(tx, [row], "api", reason);
    const after = { ...row, withdrawnAt: tx.now };
    await recordAudit(tx, { action: "consent.withdraw", objectType: "consent", objectId: id, objectSpId: row.spId, before: toConsentView(row, tx.now), after: toConsentView(after, tx.now), reason });
    await notifyRegistryChange(tx.db, { table: "consents", id });
    return toConsentView(after, tx.now);
  });
}

/**
 * An opt-out (MO, API, complaint) withdraws every consent of that recipient for that enterprise.
 * Called inside the opt-out's transaction, so both commit together. Returns how many were withdrawn.
 */
export async function withdrawConsentsForOptOut(ctx: ServiceContext, recipientHash: string, enterpriseId: string): Promise<number> {
  const grants = await ctx.db
    .select()
    .from(consents)
    .where(and(eq(consents.recipientHash, recipientHash), eq(consents.enterpriseId, enterpriseId), eq(consents.kind, "grant"), isNull(consents.withdrawnAt), isNull(consents.prunedAt)))
    .for("update");
  if (grants.length === 0) return 0;
  await appendWithdrawals(ctx, grants, "opt_out", "the recipient opted out of this enterprise");
  for (const grant of grants) await notifyRegistryChange(ctx.db, { table: "consents", id: grant.id });
  return grants.length;
}

/** Current consents per enterprise (the console's counts); an SP counts only its own records. */
export async function consentCountsByEnterprise(ctx: ServiceContext): Promise<{ enterpriseId: string; name: string; current: number; expiringSoon: number }[]> {
  const scope = spScope(ctx.actor);
  const soon = new Date(ctx.now.getTime() + 30 * DAY_MS);
  return ctx.db
    .select({
      enterpriseId: consents.enterpriseId,
      name: enterprises.name,
      current: sql<number>`count(*)::int`,
      expiringSoon: sql<number>`(count(*) filter (where ${consents.expiresAt} <= ${soon.toISOString()}::timestamptz))::int`,
    })
    .from(consents)
    .innerJoin(enterprises, eq(enterprises.id, consents.enterpriseId))
    .where(and(currentGrant(ctx.now), scope ? eq(consents.spId, scope) : undefined))
    .groupBy(consents.enterpriseId, enterprises.name)
    .orderBy(desc(sql`count(*)`))
    .limit(200);
}

/** The consent that was in force for a recipient × enterprise at `at` (a complaint's message time), if any. */
export async function consentInForceAt(db: Executor, recipientHash: string, enterpriseId: string, at: Date) {
  const [row] = await db
    .select()
    .from(consents)
    .where(
      and(
        eq(consents.recipientHash, recipientHash),
        eq(consents.enterpriseId, enterpriseId),
        eq(consents.kind, "grant"),
        lte(consents.consentedAt, at),
        gt(consents.expiresAt, at),
        sql`(${consents.withdrawnAt} is null or ${consents.withdrawnAt} > ${at.toISOString()}::timestamptz)`,
      ),
    )
    .orderBy(desc(consents.expiresAt))
    .limit(1);
  return row
    ? { id: row.id, source: row.source, evidenceRef: row.evidenceRef, consentedAt: row.consentedAt, expiresAt: row.expiresAt, withdrawnAt: row.withdrawnAt, categories: row.categories }
    : undefined;
}

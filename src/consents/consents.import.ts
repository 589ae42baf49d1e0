import { and, eq, inArray } from "drizzle-orm";
import { consents, enterprises, optOuts } from "../db/schema/index.ts";
import { notifyRegistryChange } from "../db/transaction.ts";
import { spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { hasActiveContract } from "../enterprises/enterprise-scope.ts";
import { ServiceError, forbidden, invalid } from "../lib/errors.ts";
import { DAY_MS } from "../lib/dates.ts";
import { appendConsentEntries, type ConsentEntry } from "./consents.chain.ts";
import type { CreateConsentInput } from "./consents.schemas.ts";
import { grantEntry, type RecordConsentInput } from "./consents.service.ts";

/**
 * POST /imports/consents, one batch (≤ 500 rows) at a time inside the batch's transaction: the same
 * judgement as POST /consents row by row (contract, dates, fresh evidence after a refusal,
 * idempotent on the same evidence), but with three queries for the whole batch instead of a few per
 * row, one chain append, one audit row naming the entries, and one change-feed message naming the
 * id range — what lets a million rows through in minutes.
 */
export async function importConsentBatch(ctx: ServiceContext, rows: CreateConsentInput[]): Promise<({ id: string } | ServiceError)[]> {
  const results: ({ id: string } | ServiceError)[] = new Array(rows.length);
  const inputs: RecordConsentInput[] = rows.map((row) => ({
    recipientHash: ctx.pii.hash(row.msisdn),
    recipientMask: ctx.pii.mask(row.msisdn),
    enterpriseId: row.enterpriseId,
    categories: row.categories,
    frequency: row.frequency,
    periodDays: row.periodDays,
    source: row.source,
    evidenceRef: row.evidenceRef,
    consentedAt: row.consentedAt ? new Date(row.consentedAt) : undefined,
  }));
  const allowed = await allowedEnterprises(ctx, [...new Set(inputs.map((i) => i.enterpriseId))]);
  const hashes = [...new Set(inputs.map((i) => i.recipientHash))];
  const known = hashes.length ? await ctx.db.select().from(consents).where(and(eq(consents.kind, "grant"), inArray(consents.recipientHash, hashes))) : [];
  const refusals = hashes.length
    ? await ctx.db.select({ recipientHash: optOuts.recipientHash, enterpriseId: optOuts.enterpriseId, createdAt: optOuts.createdAt }).from(optOuts).where(inArray(optOuts.recipientHash, hashes))
    : [];
  const optedOutAt = new Map(refusals.map((r) => [`${r.recipientHash}|${r.enterpriseId}`, r.createdAt.getTime()]));
  const grants = new Map<string, { id: string; evidenceRef: string | null; withdrawn: boolean; current: boolean }[]>();
  for (const g of known) {
    const key = `${g.recipientHash}|${g.enterpriseId}`;
    const list = grants.get(key) ?? [];
    list.push({ id: g.id, evidenceRef: g.evidenceRef, withdrawn: g.withdrawnAt !== null, current: g.withdrawnAt === null && (g.expiresAt?.getTime() ?? 0) > ctx.now.getTime() });
    grants.set(key, list);
  }
  const entries: ConsentEntry[] = [];
  inputs.forEach((input, index) => {
    const refused = allowed.get(input.enterpriseId);
    if (refused) return void (results[index] = refused);
    const key = `${input.recipientHash}|${input.enterpriseId}`;
    const list = grants.get(key) ?? [];
    const same = list.find((g) => g.current && g.evidenceRef === input.evidenceRef);
    if (same) return void (results[index] = { id: same.id });
    const consentedAt = input.consentedAt ?? ctx.now;
    const problem =
      consentedAt.getTime() > ctx.now.getTime() + 60_000
        ? invalid("consentedAt", "is in the future")
        : consentedAt.getTime() + input.periodDays * DAY_MS <= ctx.now.getTime()
          ? invalid("consentedAt", "with this periodDays the consent has already expired")
          : consentedAt.getTime() <= (optedOutAt.get(key) ?? -Infinity)
            ? invalid("consentedAt", "the recipient opted out of this enterprise after this consent; a new consent must have been given after the opt-out")
            : list.some((g) => g.withdrawn && g.evidenceRef === input.evidenceRef)
              ? invalid("evidenceRef", "this evidence belongs to a consent that was withdrawn; a new consent needs fresh evidence")
              : undefined;
    if (problem) return void (results[index] = problem);
    const entry = grantEntry(ctx, input, consentedAt);
    entries.push(entry);
    // A repeat of this row later in the same batch is the same consent.
    list.push({ id: entry.id, evidenceRef: input.evidenceRef, withdrawn: false, current: true });
    grants.set(key, list);
    results[index] = { id: entry.id };
  });
  const appended = await appendConsentEntries(ctx.db, entries);
  if (appended.length) {
    const first = appended[0]!;
    const last = appended[appended.length - 1]!;
    await recordAudit(ctx, {
      action: "consent.import",
      objectType: "consent",
      objectId: first.id,
      objectSpId: spScope(ctx.actor) ?? null,
      after: { count: appended.length, firstSeq: first.seq, lastSeq: last.seq, firstId: first.id, lastId: last.id },
    });
    const ids = appended.map((row) => row.id).sort();
    await notifyRegistryChange(ctx.db, { table: "consents", range: { from: ids[0]!, to: ids[ids.length - 1]! } });
  }
  return results;
}

/** Per enterprise of the batch: undefined when this actor may record for it, else the refusal (as POST /consents). */
async function allowedEnterprises(ctx: ServiceContext, ids: string[]): Promise<Map<string, ServiceError | undefined>> {
  const verdicts = new Map<string, ServiceError | undefined>();
  const spId = spScope(ctx.actor);
  if (spId) {
    for (const id of ids) verdicts.set(id, (await hasActiveContract(ctx.db, spId, id, ctx.now)) ? undefined : forbidden("an SP records consent only for enterprises it holds an active contract with"));
    return verdicts;
  }
  const existing = new Set((await ctx.db.select({ id: enterprises.id }).from(enterprises).where(inArray(enterprises.id, ids))).map((e) => e.id));
  for (const id of ids) verdicts.set(id, existing.has(id) ? undefined : invalid("enterpriseId", "no such enterprise"));
  return verdicts;
}

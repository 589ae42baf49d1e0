import { eq } from "drizzle-orm";
import { recordAudit } from "../audit/audit.service.ts";
import type { ServiceContext } from "../context.ts";
import { listPage } from "../db/list-page.ts";
import { subscriberPreferences } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { forbidden, notFound } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import type { Category } from "../policy/types.ts";
import type { PutPreferenceInput } from "./preferences.schemas.ts";

type PreferenceRow = typeof subscriberPreferences.$inferSelect;
export type Preference = Omit<PreferenceRow, "recipientHash">;

function toView(row: PreferenceRow): Preference {
  const { recipientHash: _hidden, ...rest } = row;
  return rest;
}

export interface SetPreferenceInput {
  recipientHash: string;
  recipientMask: string;
  categories: readonly Category[];
  band: { start: string; end: string } | null;
  source: "operator" | "mo";
  reason: string | null;
}

/**
 * A subscriber's own blocks, set by an operator on the subscriber's request or by the subscriber's
 * MO keyword (the system actor). Operators set and remove; auditors read; SPs may do neither: a
 * subscriber's preferences are theirs and the carrier's, and the refusal tells the SP enough.
 */
export async function setPreference(ctx: ServiceContext, input: SetPreferenceInput): Promise<Preference> {
  if (ctx.actor.type !== "operator" && ctx.actor.type !== "system") throw forbidden("only an operator may set a subscriber's preferences");
  return withTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select().from(subscriberPreferences).where(eq(subscriberPreferences.recipientHash, input.recipientHash)).for("update");
    const values = {
      recipientMask: input.recipientMask,
      categories: [...input.categories],
      bandStart: input.band?.start ?? null,
      bandEnd: input.band?.end ?? null,
      source: input.source,
      reason: input.reason,
      updatedAt: tx.now,
    };
    const [row] = before
      ? await tx.db.update(subscriberPreferences).set(values).where(eq(subscriberPreferences.id, before.id)).returning()
      : await tx.db.insert(subscriberPreferences).values({ id: newId(), recipientHash: input.recipientHash, createdAt: tx.now, ...values }).returning();
    await recordAudit(tx, {
      action: "preference.set",
      objectType: "subscriber_preference",
      objectId: row!.id,
      before: before ? toView(before) : undefined,
      after: toView(row!),
      reason: input.reason ?? undefined,
    });
    await notifyRegistryChange(tx.db, { table: "subscriber_preferences", id: row!.id });
    return toView(row!);
  });
}

export function putPreference(ctx: ServiceContext, input: PutPreferenceInput): Promise<Preference> {
  return setPreference(ctx, {
    recipientHash: ctx.pii.hash(input.msisdn),
    recipientMask: ctx.pii.mask(input.msisdn),
    categories: input.categories,
    band: input.band,
    source: "operator",
    reason: input.reason,
  });
}

export async function listPreferences(ctx: ServiceContext, filter: { msisdn?: string }, page: { limit: number; after?: string }): Promise<Preference[]> {
  if (ctx.actor.type === "sp") throw forbidden("SPs may not read subscribers' preferences");
  const rows = await listPage(ctx.db.select().from(subscriberPreferences).$dynamic(), ctx, {
    key: subscriberPreferences.id,
    sp: null,
    filters: [filter.msisdn ? eq(subscriberPreferences.recipientHash, ctx.pii.hash(filter.msisdn)) : undefined],
    page,
  });
  return rows.map(toView);
}

/** Clears a subscriber's preference, by id (API) or by hash (the MO keyword 恢复接收). */
export async function removePreference(ctx: ServiceContext, by: { id: string } | { recipientHash: string }, reason: string): Promise<Preference | undefined> {
  if (ctx.actor.type !== "operator" && ctx.actor.type !== "system") throw forbidden("only an operator may remove a subscriber's preferences");
  return withTransaction(ctx, async (tx) => {
    const where = "id" in by ? eq(subscriberPreferences.id, by.id) : eq(subscriberPreferences.recipientHash, by.recipientHash);
    const [row] = await tx.db.select().from(subscriberPreferences).where(where).for("update");
    if (!row) {
      if ("id" in by) throw notFound("preference");
      return undefined;
    }
    await tx.db.delete(subscriberPreferences).where(eq(subscriberPreferences.id, row.id));
    await recordAudit(tx, { action: "preference.delete", objectType: "subscriber_preference", objectId: row.id, before: toView(row), reason });
    await notifyRegistryChange(tx.db, { table: "subscriber_preferences", removed: { recipientHash: row.recipientHash } });
    return toView(row);
  });
}

/** A subscriber's MO keyword (src/preferences/keywords.ts): set the blocks, or clear them (categories null). */
export async function recordPreferenceByMo(ctx: ServiceContext, record: { recipientHash: string; recipientMask: string; categories: readonly Category[] | null }): Promise<void> {
  if (record.categories === null) {
    await removePreference(ctx, { recipientHash: record.recipientHash }, "MO keyword 恢复接收");
    return;
  }
  await setPreference(ctx, { ...record, categories: record.categories, band: null, source: "mo", reason: "MO keyword" });
}

import { z } from "@hono/zod-openapi";
import { like } from "drizzle-orm";
import type { ServiceContext } from "../context.ts";
import { settings } from "../db/schema/index.ts";
import { withTransaction } from "../db/transaction.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { forbidden } from "../lib/errors.ts";
import { isOperator } from "../context.ts";
import { writeSetting } from "../settings/settings.service.ts";

/** Review and complaint-threshold settings, kept in the settings table as `reviews.<name>` (JSON values). */
export const reviewSettingsSchema = z
  .object({
    windowDays: z.number().int().min(1).max(365).openapi({ description: "Rolling window for complaint rates (days)" }),
    ratePer10k: z.number().min(0).max(10_000).openapi({ description: "Complaints per 10,000 accepted messages at which a finding is raised" }),
    minComplaints: z.number().int().min(1).max(100_000).openapi({ description: "Fewer complaints than this never cross the threshold" }),
    autoSuspend: z.boolean().openapi({ description: "Suspend a signature or port automatically when it crosses the threshold" }),
    dormantDays: z.number().int().min(1).max(3650).openapi({ description: "An approved signature without accepted traffic for this long is dormant" }),
    maxEnterprisesPerPort: z.number().int().min(1).max(100_000).openapi({ description: "More distinct enterprises than this on one port is a finding" }),
    refusalRatio: z.number().min(0).max(1).openapi({ description: "An SP whose refused / (accepted + refused) reaches this is a finding" }),
    refusalMinMessages: z.number().int().min(1).openapi({ description: "…when it sent at least this many messages in the period" }),
  })
  .strict()
  .openapi("ReviewSettings");

export type ReviewSettings = z.infer<typeof reviewSettingsSchema>;

export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = {
  windowDays: 30,
  ratePer10k: 5,
  minComplaints: 3,
  autoSuspend: false,
  dormantDays: 90,
  maxEnterprisesPerPort: 10,
  refusalRatio: 0.3,
  refusalMinMessages: 100,
};

const PREFIX = "reviews.";

/** The stored settings over the defaults; a value that no longer parses falls back to its default. */
export async function getReviewSettings(ctx: Pick<ServiceContext, "db">): Promise<ReviewSettings> {
  const rows = await ctx.db.select().from(settings).where(like(settings.key, `${PREFIX}%`));
  const out: Record<string, unknown> = { ...DEFAULT_REVIEW_SETTINGS };
  for (const row of rows) {
    const name = row.key.slice(PREFIX.length) as keyof ReviewSettings;
    if (!(name in DEFAULT_REVIEW_SETTINGS)) continue;
    try {
      const value = JSON.parse(row.value);
      if (reviewSettingsSchema.shape[name].safeParse(value).success) out[name] = value;
    } catch {
      // keep the default
    }
  }
  return out as ReviewSettings;
}

/** Operator only; audited. Proxies do not read these, so no registry notification. */
export async function updateReviewSettings(ctx: ServiceContext, input: ReviewSettings, reason: string): Promise<ReviewSettings> {
  if (!isOperator(ctx.actor)) throw forbidden("only an operator changes review settings");
  return withTransaction(ctx, async (tx) => {
    const before = await getReviewSettings(tx);
    for (const [name, value] of Object.entries(input)) await writeSetting(tx.db, `${PREFIX}${name}`, JSON.stringify(value));
    await recordAudit(tx, { action: "settings.reviews.update", objectType: "settings", objectId: "reviews", before, after: input, reason });
    return input;
  });
}

import { z } from "@hono/zod-openapi";
import type { ServiceContext } from "../context.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { CONFIGURABLE_RULES } from "../policy/reasons.ts";
import { loadSettings } from "../registry/loader.ts";
import { writeSetting } from "./settings.service.ts";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM");

export const policySettingsSchema = z
  .object({
    ruleModes: z
      .record(z.string(), z.enum(["enforce", "monitor", "off"]))
      .refine((modes) => Object.keys(modes).every((rule) => (CONFIGURABLE_RULES as readonly string[]).includes(rule)), {
        message: `rule names are: ${CONFIGURABLE_RULES.join(", ")}`,
      })
      .openapi({ description: "Per rule group: enforce (default), monitor (journal only, let pass) or off" }),
    quietHours: z
      .object({ start: hhmm, end: hhmm, timeZoneOffsetMinutes: z.number().int().min(-720).max(840) })
      .nullable()
      .openapi({ description: "Marketing quiet hours; null turns them off. Default 21:00–08:00 at +480 (Asia/Shanghai)." }),
    dailyMarketingCap: z.number().int().min(1).max(1000).nullable().openapi({ description: "Marketing messages per recipient per enterprise per day; null = no cap" }),
  })
  .openapi("PolicySettings");

export type PolicySettingsInput = z.infer<typeof policySettingsSchema>;

export async function getPolicySettings(ctx: ServiceContext): Promise<PolicySettingsInput> {
  const settings = await loadSettings(ctx.db);
  return { ruleModes: { ...settings.ruleModes }, quietHours: settings.quietHours, dailyMarketingCap: settings.dailyMarketingCap };
}

export async function updatePolicySettings(ctx: ServiceContext, input: PolicySettingsInput, reason: string): Promise<PolicySettingsInput> {
  return withTransaction(ctx, async (tx) => {
    const before = await getPolicySettings(tx);
    await writeSetting(tx.db, "policy.rule_modes", JSON.stringify(input.ruleModes));
    await writeSetting(tx.db, "policy.quiet_hours", input.quietHours ? JSON.stringify(input.quietHours) : "off");
    await writeSetting(tx.db, "policy.daily_marketing_cap", input.dailyMarketingCap === null ? "off" : String(input.dailyMarketingCap));
    await recordAudit(tx, { action: "settings.policy.update", objectType: "settings", objectId: "policy", before, after: input, reason });
    await notifyRegistryChange(tx.db, "settings");
    return input;
  });
}

import type { ServiceContext } from "../context.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { readPolicySettings, type PolicySettingsInput } from "./policy-settings.schemas.ts";
import { DEFAULT_SHORTENERS } from "../policy/content/links.ts";
import { writeSetting } from "./settings.service.ts";
import { DEFAULT_CONSENT_REQUEST_PERIOD_DAYS } from "../policy/consent.ts";

export { policySettingsSchema, type PolicySettingsInput } from "./policy-settings.schemas.ts";

export async function getPolicySettings(ctx: ServiceContext): Promise<PolicySettingsInput> {
  const settings = await readPolicySettings(ctx.db);
  return { ruleModes: { ...settings.ruleModes }, quietHours: settings.quietHours, dailyMarketingCap: settings.dailyMarketingCap, serviceIdCategories: { ...settings.serviceIdCategories }, velocity: { ...settings.velocity }, honeypotSuspension: settings.honeypotSuspension, shorteners: [...(settings.shorteners ?? DEFAULT_SHORTENERS)], consentRequestPeriodDays: settings.consentRequestPeriodDays ?? DEFAULT_CONSENT_REQUEST_PERIOD_DAYS };
}

export async function updatePolicySettings(ctx: ServiceContext, input: PolicySettingsInput, reason: string): Promise<PolicySettingsInput> {
  return withTransaction(ctx, async (tx) => {
    const before = await getPolicySettings(tx);
    await writeSetting(tx.db, "policy.rule_modes", JSON.stringify(input.ruleModes));
    await writeSetting(tx.db, "policy.quiet_hours", input.quietHours ? JSON.stringify(input.quietHours) : "off");
    await writeSetting(tx.db, "policy.velocity", JSON.stringify(input.velocity));
    await writeSetting(tx.db, "policy.honeypot_suspension", input.honeypotSuspension ? JSON.stringify(input.honeypotSuspension) : "off");
    await writeSetting(tx.db, "policy.daily_marketing_cap", input.dailyMarketingCap === null ? "off" : String(input.dailyMarketingCap));
    if (input.serviceIdCategories !== undefined) await writeSetting(tx.db, "policy.service_id_categories", JSON.stringify(input.serviceIdCategories));
    // Absent: the stored list stays (clients written before the list existed PUT without it).
    if (input.shorteners !== undefined) await writeSetting(tx.db, "policy.shorteners", JSON.stringify([...new Set(input.shorteners)]));
    if (input.consentRequestPeriodDays !== undefined) await writeSetting(tx.db, "policy.consent_request_period_days", String(input.consentRequestPeriodDays));
    const after = { ...input, serviceIdCategories: input.serviceIdCategories ?? before.serviceIdCategories, shorteners: input.shorteners ? [...new Set(input.shorteners)] : before.shorteners, consentRequestPeriodDays: input.consentRequestPeriodDays ?? before.consentRequestPeriodDays };
    await recordAudit(tx, { action: "settings.policy.update", objectType: "settings", objectId: "policy", before, after, reason });
    await notifyRegistryChange(tx.db, { table: "settings" });
    return after;
  });
}

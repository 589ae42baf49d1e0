import { z } from "@hono/zod-openapi";
import type { Executor } from "../db/client.ts";
import { settings } from "../db/schema/index.ts";
import { CONFIGURABLE_RULES } from "../policy/reasons.ts";
import type { PolicySettings } from "../policy/types.ts";
import { DEFAULT_CONSENT_REQUEST_PERIOD_DAYS } from "../policy/consent.ts";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM");

const ruleModeMap = z.record(z.string(), z.enum(["enforce", "monitor", "off"]));

export const policySettingsSchema = z
  .object({
    ruleModes: ruleModeMap
      .refine((modes) => Object.keys(modes).every((rule) => (CONFIGURABLE_RULES as readonly string[]).includes(rule)), {
        message: `rule names are: ${CONFIGURABLE_RULES.join(", ")}`,
      })
      .openapi({ description: "Per rule group: enforce (default), monitor (journal only, let pass) or off" }),
    quietHours: z
      .object({ start: hhmm, end: hhmm, timeZoneOffsetMinutes: z.number().int().min(-720).max(840) })
      .nullable()
      .openapi({ description: "Marketing quiet hours; null turns them off. Default 21:00–08:00 at +480 (Asia/Shanghai)." }),
    dailyMarketingCap: z.number().int().min(1).max(1000).nullable().openapi({ description: "Marketing messages per recipient per enterprise per day; null = no cap" }),
    consentRequestPeriodDays: z
      .number()
      .int()
      .min(1)
      .max(366)
      .optional()
      .openapi({ description: `A consent request may reach a recipient once per enterprise within this many days (default ${DEFAULT_CONSENT_REQUEST_PERIOD_DAYS}); omitted on PUT keeps the stored value` }),
  })
  .openapi("PolicySettings");

export type PolicySettingsInput = z.infer<typeof policySettingsSchema>;

/** The policy settings every proxy starts from, and falls back to field by field. */
export const DEFAULT_POLICY_SETTINGS: PolicySettings = {
  ruleModes: {},
  quietHours: { start: "21:00", end: "08:00", timeZoneOffsetMinutes: 480 },
  dailyMarketingCap: 5,
};

/** Where each field is stored (the settings table, key → text) and how its text is read. */
const storedFields = {
  // Stored modes are read without the API's check of rule names: a name this version does not know
  // (written by another version) is kept and ignored rather than resetting every mode.
  ruleModes: { key: "policy.rule_modes", schema: ruleModeMap, decode: (text: string) => JSON.parse(text) as unknown },
  quietHours: { key: "policy.quiet_hours", schema: policySettingsSchema.shape.quietHours, decode: (text: string) => (text === "off" ? null : (JSON.parse(text) as unknown)) },
  dailyMarketingCap: { key: "policy.daily_marketing_cap", schema: policySettingsSchema.shape.dailyMarketingCap, decode: (text: string) => (text === "off" ? null : text.trim() === "" ? NaN : Number(text)) },
  consentRequestPeriodDays: { key: "policy.consent_request_period_days", schema: policySettingsSchema.shape.consentRequestPeriodDays, decode: (text: string) => (text.trim() === "" ? NaN : Number(text)) },
} as const;

/** A stored value that is not valid: the key, and why (never the value: it is the operator's data). */
export type InvalidSetting = (key: string, error: string) => void;

/**
 * Reads the policy settings from their stored text, each field through its zod schema (the same one
 * the API validates with). A field that is missing keeps its default; one that does not parse or
 * validate keeps its default too and is reported through `onInvalid`; the others still apply.
 */
export function parseStoredPolicySettings(byKey: ReadonlyMap<string, string>, onInvalid?: InvalidSetting): PolicySettings {
  const parsed: PolicySettings = { ...DEFAULT_POLICY_SETTINGS };
  for (const [field, { key, schema, decode }] of Object.entries(storedFields) as [keyof PolicySettings, (typeof storedFields)[keyof PolicySettings]][]) {
    const text = byKey.get(key);
    if (text === undefined) continue;
    let value: unknown;
    try {
      value = decode(text);
    } catch {
      onInvalid?.(key, "not valid JSON");
      continue;
    }
    const result = (schema as z.ZodTypeAny).safeParse(value);
    if (result.success) (parsed as unknown as Record<string, unknown>)[field] = result.data;
    else onInvalid?.(key, result.error.issues.map((issue) => `${issue.path.join(".") || field}: ${issue.message}`).join("; "));
  }
  return parsed;
}

export async function readPolicySettings(db: Executor, onInvalid?: InvalidSetting): Promise<PolicySettings> {
  const rows = await db.select().from(settings);
  return parseStoredPolicySettings(new Map(rows.map((row) => [row.key, row.value])), onInvalid);
}

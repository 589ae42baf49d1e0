import { z } from "@hono/zod-openapi";
import type { Executor } from "../db/client.ts";
import { settings } from "../db/schema/index.ts";
import { CONFIGURABLE_RULES } from "../policy/reasons.ts";
import { CATEGORIES, type Category, type PolicySettings } from "../policy/types.ts";
import { DEFAULT_CONSENT_REQUEST_PERIOD_DAYS } from "../policy/consent.ts";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM");

const ruleMode = z.enum(["enforce", "monitor", "off"]);
const ruleModeMap = z.record(z.string(), ruleMode);

/**
 * The modes an operator may set: an object with one optional key per rule group, strict. Not a
 * record with a refined key: zod skips a `__proto__` key in a record, so {"__proto__": "off"}
 * passed as an empty change; a strict object names every key it does not know.
 */
const ruleModesInput = z
  .strictObject(Object.fromEntries(CONFIGURABLE_RULES.map((rule) => [rule, ruleMode.optional()])) as Record<string, z.ZodOptional<typeof ruleMode>>, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `unknown rule ${issue.keys.join(", ")}; rule names are: ${CONFIGURABLE_RULES.join(", ")}` : undefined),
  })
  .openapi({ description: "Per rule group: enforce, monitor (journal only, let pass) or off; a group not named keeps its default mode" });

/** CMPP Service_Id → declared category: Service_Id is an Octet String of 10 printable characters. */
const serviceIdCategoryMap = z
  .record(z.string().regex(/^[\x21-\x7e]{1,10}$/, "a Service_Id is 1 to 10 printable ASCII characters"), z.enum(CATEGORIES as readonly [Category, ...Category[]]))
  .refine((map) => Object.keys(map).length <= 1000, { message: "at most 1000 Service_Ids" });

const limit = (max: number) => z.number().int().min(1).max(max).nullable();

const velocitySchema = z
  .object({
    perTenMinutes: limit(10_000).openapi({ description: "Verification messages per recipient per 10-minute window" }),
    perHour: limit(10_000).openapi({ description: "… per clock hour" }),
    perDay: limit(100_000).openapi({ description: "… per China day" }),
    enterprisesPerHour: limit(1000).openapi({ description: "Distinct enterprises sending verification codes to one number per clock hour" }),
  })
  .strict();

const DEFAULT_VELOCITY = { perTenMinutes: 5, perHour: 10, perDay: 20, enterprisesPerHour: 5 };
const DEFAULT_HONEYPOT_SUSPENSION = { hits: 3, periodMinutes: 1440 };

/** A shortener's domain as written in the list: lower case ASCII (punycode for IDN), at least one dot. */
const shortenerDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, "must be a domain such as t.cn");


export const policySettingsSchema = z
  .object({
    ruleModes: ruleModesInput,
    quietHours: z
      .object({ start: hhmm, end: hhmm, timeZoneOffsetMinutes: z.number().int().min(-720).max(840) })
      .nullable()
      .openapi({ description: "Marketing quiet hours; null turns them off. Default 21:00–08:00 at +480 (Asia/Shanghai)." }),
    dailyMarketingCap: z.number().int().min(1).max(1000).nullable().openapi({ description: "Marketing messages per recipient per enterprise per day; null = no cap" }),
    serviceIdCategories: serviceIdCategoryMap
      .optional()
      .openapi({ description: "CMPP Service_Id → declared category (verification, notification, marketing); omitted = unchanged. Unlisted Service_Ids: VER / NTF / MKT, else the account default" }),
    velocity: velocitySchema.default(DEFAULT_VELOCITY).openapi({
      description: "Carrier-wide verification limits per recipient across every SP (rule group velocity); each null = no limit. Absent: the defaults.",
    }),
    honeypotSuspension: z
      .object({ hits: z.number().int().min(1).max(1000), periodMinutes: z.number().int().min(1).max(43_200) })
      .nullable()
      .default(DEFAULT_HONEYPOT_SUSPENSION)
      .openapi({ description: "Honeypot hits by one signature within the period that suspend it (system actor, audited); null = never automatically. Absent: 3 in 1440 minutes." }),
    shorteners: z
      .array(shortenerDomain)
      .max(1000)
      .optional()
      .openapi({ description: "Public link shorteners (t.cn, bit.ly…; a subdomain counts too), refused unless approved as the enterprise's own link domain. Absent on PUT: unchanged." }),
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
/** The body a client sends: the velocity and honeypot fields may be left out (they take their defaults). */
export type PolicySettingsBody = z.input<typeof policySettingsSchema>;

/** The policy settings every proxy starts from, and falls back to field by field. */
export const DEFAULT_POLICY_SETTINGS: PolicySettings = {
  ruleModes: {},
  quietHours: { start: "21:00", end: "08:00", timeZoneOffsetMinutes: 480 },
  dailyMarketingCap: 5,
  serviceIdCategories: {},
  velocity: DEFAULT_VELOCITY,
  honeypotSuspension: DEFAULT_HONEYPOT_SUSPENSION,
};

/** Where each field is stored (the settings table, key → text) and how its text is read. */
const storedFields = {
  // Stored modes are read without the API's check of rule names: a name this version does not know
  // (written by another version) is kept and ignored rather than resetting every mode.
  ruleModes: { key: "policy.rule_modes", schema: ruleModeMap, decode: (text: string) => JSON.parse(text) as unknown },
  quietHours: { key: "policy.quiet_hours", schema: policySettingsSchema.shape.quietHours, decode: (text: string) => (text === "off" ? null : (JSON.parse(text) as unknown)) },
  serviceIdCategories: { key: "policy.service_id_categories", schema: serviceIdCategoryMap, decode: (text: string) => JSON.parse(text) as unknown },
  velocity: { key: "policy.velocity", schema: velocitySchema, decode: (text: string) => JSON.parse(text) as unknown },
  honeypotSuspension: { key: "policy.honeypot_suspension", schema: policySettingsSchema.shape.honeypotSuspension, decode: (text: string) => (text === "off" ? null : (JSON.parse(text) as unknown)) },
  shorteners: { key: "policy.shorteners", schema: policySettingsSchema.shape.shorteners, decode: (text: string) => JSON.parse(text) as unknown },
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

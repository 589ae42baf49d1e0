import { z } from "@hono/zod-openapi";
import { categories, contentCategories, contentRuleModes } from "../db/schema/index.ts";

export { contentCategories };

/** At most this many phrases per rule (one automaton holds every rule's: 10,000 phrases cost what 10 do). */
export const MAX_PHRASES = 10_000;

const phrase = z.string().trim().min(1).max(50);

export const contentRuleSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    category: z.enum(contentCategories),
    phrases: z.array(z.string()),
    pattern: z.string().nullable(),
    appliesTo: z.array(z.enum(categories)),
    mode: z.enum(contentRuleModes),
    createdAt: z.date().or(z.string()),
    updatedAt: z.date().or(z.string()),
  })
  .openapi("ContentRule");

const fields = {
  name: z.string().trim().min(1).max(100),
  category: z.enum(contentCategories).openapi({ description: "loan, gambling, fraud, contact_diversion (加微信/加QQ), prohibited_goods, other" }),
  phrases: z.array(phrase).max(MAX_PHRASES).openapi({ description: "Matched on folded text (traditional→simplified, width, case, separators)" }),
  pattern: z.string().max(500).nullable().openapi({ description: "A regular expression on the folded text without whitespace; refused (422) if it could backtrack catastrophically" }),
  appliesTo: z.array(z.enum(categories)).min(1).openapi({ description: "Message categories (as judged) the rule applies to" }),
  mode: z.enum(contentRuleModes).openapi({ description: "The rule's own mode inside the `content` group (it refuses only when both enforce)" }),
};

export const createContentRuleBody = z
  .object({ ...fields, phrases: fields.phrases.default([]), pattern: fields.pattern.optional(), mode: fields.mode.default("monitor"), reason: z.string().trim().min(1).max(500) })
  .strict()
  .refine((body) => body.phrases.length > 0 || Boolean(body.pattern), { path: ["phrases"], message: "give phrases or a pattern" });

export const updateContentRuleBody = z
  .object({
    name: fields.name.optional(),
    category: fields.category.optional(),
    phrases: fields.phrases.optional(),
    pattern: fields.pattern.optional(),
    appliesTo: fields.appliesTo.optional(),
    mode: fields.mode.optional(),
    reason: z.string().trim().min(1).max(500),
  })
  .strict();

export const dryRunBody = z
  .object({ phrases: fields.phrases.default([]), pattern: fields.pattern.optional(), appliesTo: fields.appliesTo.default(["verification", "notification", "marketing"]) })
  .strict()
  .refine((body) => body.phrases.length > 0 || Boolean(body.pattern), { path: ["phrases"], message: "give phrases or a pattern" });

export const dryRunSchema = z
  .object({
    from: z.date().or(z.string()),
    to: z.date().or(z.string()),
    scanned: z.number().int().openapi({ description: "Journal rows of the window that hold text (refusals and monitored refusals only)" }),
    matched: z.number().int(),
    bySp: z.array(z.object({ spId: z.string().nullable(), count: z.number().int() })),
    truncated: z.boolean().openapi({ description: "True when the window held more rows than the dry run reads (the newest are read)" }),
  })
  .openapi("ContentRuleDryRun");

export const ruleCountsSchema = z
  .array(z.object({ ruleId: z.string(), monitored: z.number().int(), refused: z.number().int() }))
  .openapi("ContentRuleCounts");

export type CreateContentRuleInput = z.infer<typeof createContentRuleBody>;
export type UpdateContentRuleInput = z.infer<typeof updateContentRuleBody>;
export type DryRunInput = z.infer<typeof dryRunBody>;

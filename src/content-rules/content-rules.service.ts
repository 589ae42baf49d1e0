import { and, asc, desc, eq, gte, isNotNull, like, sql } from "drizzle-orm";
import { contentRules, rejections } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { isOperator, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { ServiceError, forbidden, invalid, notFound } from "../lib/errors.ts";
import { compilePattern } from "../policy/content/patterns.ts";
import { foldForPhrases } from "../policy/content/phrases.ts";
import { compileContentRules } from "../registry/content.ts";
import { compactFolded, foldCompact, foldForClassification } from "../policy/text.ts";
import type { Category } from "../policy/types.ts";
import type { CreateContentRuleInput, DryRunInput, UpdateContentRuleInput } from "./content-rules.schemas.ts";

export type ContentRule = typeof contentRules.$inferSelect;

/**
 * Content rules are the operator's: an SP never reads them (it would write around them), an
 * auditor reads, an operator writes. Every change is audited and reaches the proxies through the
 * change feed (the whole rule set is recompiled into one automaton).
 */
function mayRead(ctx: ServiceContext): void {
  if (ctx.actor.type === "sp") throw forbidden("content rules are not shown to service providers");
}

function checkPattern(pattern: string | null | undefined): void {
  if (!pattern) return;
  const compiled = compilePattern(pattern);
  if (!compiled.ok) throw new ServiceError("VALIDATION_FAILED", `pattern: ${compiled.error.message}`, [{ path: "pattern", message: `${compiled.error.code}: ${compiled.error.message}` }]);
}

function checkPhrases(phrases: readonly string[] | undefined): string[] | undefined {
  if (!phrases) return undefined;
  const kept = [...new Set(phrases)];
  const empty = kept.find((p) => foldForPhrases(foldForClassification(p)) === "");
  if (empty !== undefined) throw invalid("phrases", `"${empty}" is only punctuation or spaces once folded; it would match nothing`);
  return kept;
}

export async function listContentRules(ctx: ServiceContext): Promise<ContentRule[]> {
  mayRead(ctx);
  return ctx.db.select().from(contentRules).orderBy(asc(contentRules.id));
}

export async function getContentRule(ctx: ServiceContext, id: string): Promise<ContentRule> {
  mayRead(ctx);
  const [row] = await ctx.db.select().from(contentRules).where(eq(contentRules.id, id));
  if (!row) throw notFound("content rule");
  return row;
}

export async function createContentRule(ctx: ServiceContext, input: CreateContentRuleInput): Promise<ContentRule> {
  if (!isOperator(ctx.actor)) throw forbidden("only operators write content rules");
  checkPattern(input.pattern);
  const phrases = checkPhrases(input.phrases) ?? [];
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(contentRules)
      .values({ id: newId(), name: input.name, category: input.category, phrases, pattern: input.pattern ?? null, appliesTo: input.appliesTo, mode: input.mode, createdAt: tx.now, updatedAt: tx.now })
      .returning();
    await recordAudit(tx, { action: "content_rule.create", objectType: "content_rule", objectId: row!.id, after: row, reason: input.reason });
    await notifyRegistryChange(tx.db, { table: "content_rules" });
    return row!;
  });
}

export async function updateContentRule(ctx: ServiceContext, id: string, input: UpdateContentRuleInput): Promise<ContentRule> {
  if (!isOperator(ctx.actor)) throw forbidden("only operators write content rules");
  checkPattern(input.pattern);
  const phrases = checkPhrases(input.phrases);
  return withTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select().from(contentRules).where(eq(contentRules.id, id)).for("update");
    if (!before) throw notFound("content rule");
    const next = {
      name: input.name ?? before.name,
      category: input.category ?? before.category,
      phrases: phrases ?? before.phrases,
      pattern: input.pattern === undefined ? before.pattern : input.pattern,
      appliesTo: input.appliesTo ?? before.appliesTo,
      mode: input.mode ?? before.mode,
    };
    if (next.phrases.length === 0 && !next.pattern) throw invalid("phrases", "a rule needs phrases or a pattern");
    const [after] = await tx.db.update(contentRules).set({ ...next, updatedAt: tx.now }).where(eq(contentRules.id, id)).returning();
    await recordAudit(tx, { action: "content_rule.update", objectType: "content_rule", objectId: id, before, after, reason: input.reason });
    await notifyRegistryChange(tx.db, { table: "content_rules" });
    return after!;
  });
}

const DAY_MS = 86_400_000;
/** The dry run reads at most this many journal rows (the newest of the window). */
export const DRY_RUN_MAX_ROWS = 200_000;

/**
 * "This rule would have refused N messages from these SPs": the draft runs, as the proxy would run
 * it, on the last day's journal rows that hold text. The journal holds only refusals and monitored
 * refusals (accepted messages leave no text), with digit runs masked unless full capture is on —
 * so the count is a floor, and phrases with digits never match masked text.
 */
export async function dryRunContentRule(ctx: ServiceContext, input: DryRunInput) {
  mayRead(ctx);
  checkPattern(input.pattern);
  const phrases = checkPhrases(input.phrases) ?? [];
  const compiled = compileContentRules([{ id: "draft", category: "other", phrases, pattern: input.pattern ?? null, appliesTo: input.appliesTo, mode: "enforce" }]);
  const rule = compiled.rulesById.get("draft")!;
  const to = ctx.now;
  const from = new Date(to.getTime() - DAY_MS);
  const rows = await ctx.db
    .select({ spId: rejections.spId, text: rejections.text, category: rejections.category })
    .from(rejections)
    .where(and(gte(rejections.at, from), isNotNull(rejections.text)))
    .orderBy(desc(rejections.at))
    .limit(DRY_RUN_MAX_ROWS + 1);
  const bySp = new Map<string | null, number>();
  // The journal has a row per refused recipient: a message refused for three recipients counts three.
  let matched = 0;
  for (const row of rows.slice(0, DRY_RUN_MAX_ROWS)) {
    if (row.category && !rule.appliesTo.has(row.category as Category)) continue;
    const folded = foldForClassification(row.text!);
    const hit = compiled.phrases.matchCompact(foldCompact(folded)).length > 0 || (rule.pattern?.test(compactFolded(folded)) ?? false);
    if (!hit) continue;
    matched++;
    bySp.set(row.spId, (bySp.get(row.spId) ?? 0) + 1);
  }
  return {
    from,
    to,
    scanned: Math.min(rows.length, DRY_RUN_MAX_ROWS),
    matched,
    bySp: [...bySp].map(([spId, count]) => ({ spId, count })).sort((a, b) => b.count - a.count),
    truncated: rows.length > DRY_RUN_MAX_ROWS,
  };
}

/** Per rule, the last day's monitored and enforced hits, read from the journal's detail ("content rule <id> (…)"). */
export async function contentRuleCounts(ctx: ServiceContext) {
  mayRead(ctx);
  const from = new Date(ctx.now.getTime() - DAY_MS);
  const ruleId = sql<string>`substring(${rejections.detail} from 'content rule ([0-9a-f-]{36})')`;
  const rows = await ctx.db
    .select({ ruleId, monitored: sql<number>`count(*) filter (where ${rejections.monitor})::int`, refused: sql<number>`count(*) filter (where not ${rejections.monitor})::int` })
    .from(rejections)
    .where(and(eq(rejections.reason, "content_prohibited"), gte(rejections.at, from), like(rejections.detail, "content rule %")))
    .groupBy(ruleId);
  return rows.filter((r) => r.ruleId).map((r) => ({ ruleId: r.ruleId, monitored: Number(r.monitored), refused: Number(r.refused) }));
}

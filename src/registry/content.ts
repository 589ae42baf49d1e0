import { buildPhraseMatcher, type PhraseMatcher } from "../policy/content/phrases.ts";
import { compilePattern } from "../policy/content/patterns.ts";
import { compileTemplate, type CompiledTemplate, type TemplateIndex } from "../policy/content/templates.ts";
import { EndsIndex } from "../policy/content/ends-index.ts";
import type { Category, ContentRuleEntry, ContentView, RuleMode } from "../policy/types.ts";

/** An operator content rule as stored (content_rules), before it is compiled for the hot path. */
export interface StoredContentRule {
  id: string;
  category: string;
  phrases: readonly string[];
  pattern: string | null;
  appliesTo: readonly Category[];
  mode: RuleMode;
}

/**
 * Templates per signature, kept so one signature's index is rebuilt on a change (a few templates)
 * instead of the whole registry's (100,000 templates take seconds to compile).
 */
class MutableTemplateIndex implements TemplateIndex {
  readonly bySignature = new Map<string, EndsIndex<CompiledTemplate>>();
  /** Each signature's templates as a list (most have one or a few; a map each cost more than the templates). */
  private readonly compiled = new Map<string, CompiledTemplate[]>();
  private readonly signatureOf = new Map<string, string>();
  size = 0;

  put(id: string, signatureId: string, text: string): void {
    this.remove(id);
    let compiled: CompiledTemplate;
    try {
      compiled = compileTemplate(id, signatureId, text);
    } catch {
      return; // filing refuses a bad template (422); a bad stored row simply matches nothing
    }
    let templates = this.compiled.get(signatureId);
    if (!templates) this.compiled.set(signatureId, (templates = []));
    templates.push(compiled);
    this.signatureOf.set(id, signatureId);
    this.size++;
    let ends = this.bySignature.get(signatureId);
    if (!ends) this.bySignature.set(signatureId, (ends = new EndsIndex()));
    ends.add(compiled.first, compiled.last, compiled);
  }

  remove(id: string): void {
    const signatureId = this.signatureOf.get(id);
    if (signatureId === undefined) return;
    this.signatureOf.delete(id);
    const templates = this.compiled.get(signatureId)!.filter((t) => t.id !== id);
    this.size--;
    if (templates.length === 0) {
      this.compiled.delete(signatureId);
      this.bySignature.delete(signatureId);
      return;
    }
    this.compiled.set(signatureId, templates);
    const ends = new EndsIndex<CompiledTemplate>();
    for (const t of templates) ends.add(t.first, t.last, t);
    this.bySignature.set(signatureId, ends);
  }
}

/** enterprise id → values, with the id of each row so a change can remove it. */
class EnterpriseAllowlist {
  private readonly byEnterprise = new Map<string, Set<string>>();
  private readonly byId = new Map<string, { enterpriseId: string; value: string }>();

  has(enterpriseId: string, value: string): boolean {
    return this.byEnterprise.get(enterpriseId)?.has(value) ?? false;
  }

  put(id: string, enterpriseId: string, value: string): void {
    this.remove(id);
    let values = this.byEnterprise.get(enterpriseId);
    if (!values) this.byEnterprise.set(enterpriseId, (values = new Set()));
    values.add(value);
    this.byId.set(id, { enterpriseId, value });
  }

  remove(id: string): void {
    const previous = this.byId.get(id);
    if (!previous) return;
    this.byId.delete(id);
    // Two live rows never hold the same (enterprise, value) (unique index), so the value goes.
    const values = this.byEnterprise.get(previous.enterpriseId);
    values?.delete(previous.value);
    if (values?.size === 0) this.byEnterprise.delete(previous.enterpriseId);
  }

  get size(): number {
    return this.byId.size;
  }
}

/**
 * The content part of the proxy snapshot (src/policy/types.ts ContentView): approved link domains
 * and call-back numbers per enterprise, the active content rules compiled into one phrase
 * automaton plus their patterns, and approved templates indexed per signature. The loader puts and
 * removes single rows from the change feed; content rules are recompiled together (one automaton).
 */
export class ContentRegistry implements ContentView {
  readonly linkDomains = new EnterpriseAllowlist();
  readonly callbacks = new EnterpriseAllowlist();
  readonly templates = new MutableTemplateIndex();
  phrases: PhraseMatcher = buildPhraseMatcher([]);
  rulesById: ReadonlyMap<string, ContentRuleEntry> = new Map();
  patternRules: readonly ContentRuleEntry[] = [];
  coveredCategories: ReadonlySet<Category> = new Set();

  isLinkDomainApproved(enterpriseId: string, registrableDomain: string): boolean {
    return this.linkDomains.has(enterpriseId, registrableDomain);
  }

  isCallbackApproved(enterpriseId: string, normalised: string): boolean {
    return this.callbacks.has(enterpriseId, normalised);
  }

  /** Replaces every content rule at once (rules in mode `off` are left out). */
  setContentRules(rules: readonly StoredContentRule[]): void {
    const { rulesById, patternRules, phrases, coveredCategories } = compileContentRules(rules);
    this.rulesById = rulesById;
    this.patternRules = patternRules;
    this.phrases = phrases;
    this.coveredCategories = coveredCategories;
  }

  stats() {
    return { linkDomains: this.linkDomains.size, callbackNumbers: this.callbacks.size, contentRules: this.rulesById.size, templates: this.templates.size };
  }
}

/** Compiles stored rules for the hot path: one automaton for all phrases; a pattern that fails the ReDoS check is left out. */
export function compileContentRules(rules: readonly StoredContentRule[]) {
  const rulesById = new Map<string, ContentRuleEntry>();
  const patternRules: ContentRuleEntry[] = [];
  const coveredCategories = new Set<Category>();
  const entries: { phrase: string; ruleId: string }[] = [];
  for (const rule of rules) {
    if (rule.mode === "off") continue;
    const entry: ContentRuleEntry = { id: rule.id, category: rule.category, appliesTo: new Set(rule.appliesTo), mode: rule.mode };
    if (rule.pattern) {
      const compiled = compilePattern(rule.pattern);
      if (compiled.ok) {
        entry.pattern = compiled.pattern;
        patternRules.push(entry);
      }
    }
    for (const phrase of rule.phrases) entries.push({ phrase, ruleId: rule.id });
    for (const category of rule.appliesTo) coveredCategories.add(category);
    rulesById.set(rule.id, entry);
  }
  return { rulesById, patternRules, phrases: buildPhraseMatcher(entries), coveredCategories };
}

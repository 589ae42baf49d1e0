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
 * One signature's templates: as stored (id and text) until a message under the signature first
 * needs them, then compiled and indexed by their fixed ends (and the stored form dropped). A
 * national registry holds about 100,000 templates and few of their signatures send in any hour;
 * compiled at load they cost about 2 KB each (their segments, strings and the compiler's garbage:
 * 200 MB of the load's peak) and 0.3 s, stored about 0.3 KB.
 */
type SignatureTemplates =
  | { stored: { readonly id: string; readonly text: string }[]; compiled?: undefined }
  | { stored?: undefined; compiled: CompiledTemplate[]; ends: EndsIndex<CompiledTemplate> };

/**
 * Templates per signature, compiled on first use (see SignatureTemplates); a change to a compiled
 * signature's templates compiles or drops just those (a few templates), never the registry's.
 * A signature is held only while it has a template.
 */
class MutableTemplateIndex implements TemplateIndex {
  private readonly bySignature = new Map<string, SignatureTemplates>();
  private readonly signatureOf = new Map<string, string>();
  /** Approved templates held (a stored row that turns out not to compile leaves when first compiled). */
  size = 0;

  templatesFor(signatureId: string): EndsIndex<CompiledTemplate> | undefined {
    const held = this.bySignature.get(signatureId);
    if (held === undefined) return undefined;
    return held.compiled === undefined ? this.compile(signatureId, held.stored) : held.ends;
  }

  put(id: string, signatureId: string, text: string): void {
    this.remove(id);
    const held = this.bySignature.get(signatureId);
    if (held?.compiled !== undefined) {
      const compiled = tryCompile(id, signatureId, text);
      if (compiled === undefined) return;
      held.compiled.push(compiled);
      held.ends.add(compiled.first, compiled.last, compiled);
    } else if (held !== undefined) {
      held.stored.push({ id, text });
    } else {
      this.bySignature.set(signatureId, { stored: [{ id, text }] });
    }
    this.signatureOf.set(id, signatureId);
    this.size++;
  }

  remove(id: string): void {
    const signatureId = this.signatureOf.get(id);
    if (signatureId === undefined) return;
    this.signatureOf.delete(id);
    this.size--;
    const held = this.bySignature.get(signatureId)!;
    if (held.compiled === undefined) {
      held.stored = held.stored.filter((t) => t.id !== id);
      if (held.stored.length === 0) this.bySignature.delete(signatureId);
    } else {
      this.index(signatureId, held.compiled.filter((t) => t.id !== id));
    }
  }

  private compile(signatureId: string, stored: readonly { id: string; text: string }[]): EndsIndex<CompiledTemplate> | undefined {
    const compiled: CompiledTemplate[] = [];
    for (const { id, text } of stored) {
      const template = tryCompile(id, signatureId, text);
      if (template !== undefined) compiled.push(template);
      else {
        // Filing refuses a bad template (422); a stored row that does not compile matches nothing.
        this.signatureOf.delete(id);
        this.size--;
      }
    }
    return this.index(signatureId, compiled);
  }

  /** Holds `compiled` as the signature's templates, indexed; none: the signature is dropped. */
  private index(signatureId: string, compiled: CompiledTemplate[]): EndsIndex<CompiledTemplate> | undefined {
    if (compiled.length === 0) {
      this.bySignature.delete(signatureId);
      return undefined;
    }
    const ends = new EndsIndex<CompiledTemplate>();
    for (const t of compiled) ends.add(t.first, t.last, t);
    this.bySignature.set(signatureId, { compiled, ends });
    return ends;
  }
}

/** The compiled template, or undefined when its text does not compile. */
function tryCompile(id: string, signatureId: string, text: string): CompiledTemplate | undefined {
  try {
    return compileTemplate(id, signatureId, text);
  } catch {
    return undefined;
  }
}

/**
 * enterprise id → values, with the id of each row so a change can remove it. Most enterprises
 * approve one domain or number: that one is held as the string itself, a Set only from the second
 * (100,000 enterprises with one domain each: 34 MB as a Set each).
 */
class EnterpriseAllowlist {
  private readonly byEnterprise = new Map<string, string | Set<string>>();
  private readonly byId = new Map<string, { enterpriseId: string; value: string }>();

  has(enterpriseId: string, value: string): boolean {
    const values = this.byEnterprise.get(enterpriseId);
    return typeof values === "string" ? values === value : (values?.has(value) ?? false);
  }

  put(id: string, enterpriseId: string, value: string): void {
    this.remove(id);
    const values = this.byEnterprise.get(enterpriseId);
    if (values === undefined) this.byEnterprise.set(enterpriseId, value);
    else if (typeof values === "string") this.byEnterprise.set(enterpriseId, new Set([values, value]));
    else values.add(value);
    this.byId.set(id, { enterpriseId, value });
  }

  remove(id: string): void {
    const previous = this.byId.get(id);
    if (!previous) return;
    this.byId.delete(id);
    // Two live rows never hold the same (enterprise, value) (unique index), so the value goes.
    const values = this.byEnterprise.get(previous.enterpriseId);
    if (typeof values === "string") this.byEnterprise.delete(previous.enterpriseId);
    else if (values !== undefined) {
      values.delete(previous.value);
      if (values.size === 1) this.byEnterprise.set(previous.enterpriseId, values.values().next().value!);
    }
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

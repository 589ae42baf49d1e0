/**
 * Signature templates: approved message shapes with typed variables, e.g.
 * "您的验证码是{code}，{number:2}分钟内有效". A message under a template-required signature must fit
 * one of its signature's templates once the signature is stripped (the caller strips it).
 *
 * Matching is on foldCompact text (NFKC, lower case, invisible characters and all whitespace gone)
 * on both sides, so "验证码 是" fits "验证码是" and full-width digits are digits.
 * Each variable type has a character set and a length range, and its value is checked afterwards
 * (a {url} must be on an approved domain, a {phone} a registered call-back number, and no other
 * variable may carry a link or a phone number). The match is a dynamic programme over positions
 * (segments × text length × max variable length), never backtracking.
 * Outcome: the message fits a template with valid values → ok; it fits the literal skeleton of some
 * template only with a bad value (too long, wrong characters, a smuggled link or number) →
 * template_variable_invalid; otherwise template_not_matched.
 */
import { foldCompact, foldKeepSpaces } from "../text.ts";
import { compactWithGaps, spacedSlice, type Compact } from "./compact.ts";
import { EndsIndex } from "./ends-index.ts";
import { extractLinks } from "./links.ts";
import { extractPhoneNumbers } from "./phones.ts";

export type VariableType = "code" | "amount" | "date" | "time" | "name" | "number" | "url" | "phone";

interface TypeSpec {
  /** The characters a value may hold (for the diagnosis). */
  readonly chars: RegExp;
  /** `chars` for one UTF-16 unit, without a regex call (the matcher's inner loop). */
  readonly accepts: (c: number) => boolean;
  readonly min: number;
  readonly max: number;
  /** Upper bound for an operator's {type:N}. */
  readonly cap: number;
  readonly shape?: RegExp;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const NAME_CHAR = /^[\p{L}\p{M}·•'\-]$/u;
/** One unit of a name: ASCII by code, anything else by the regex (a lone surrogate half is no letter). */
const isNameUnit = (c: number) => (c < 0x80 ? isLower(c) || (c >= 0x41 && c <= 0x5a) || c === 0x27 || c === 0x2d : NAME_CHAR.test(String.fromCharCode(c)));
const oneOf = (chars: string) => {
  const codes = new Set(Array.from(chars, (ch) => ch.charCodeAt(0)));
  return (c: number) => isDigit(c) || codes.has(c);
};

const TYPES: Readonly<Record<VariableType, TypeSpec>> = {
  code: { chars: /[0-9]/, accepts: isDigit, min: 4, max: 8, cap: 8 },
  amount: { chars: /[0-9,.]/, accepts: oneOf(",."), min: 1, max: 12, cap: 16, shape: /^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/ },
  date: { chars: /[0-9年月日号\-/.]/, accepts: oneOf("年月日号-/."), min: 3, max: 11, cap: 11, shape: /^(\d{4}[年\-/.])?\d{1,2}[月\-/.]\d{1,2}[日号]?$/ },
  time: { chars: /[0-9:点分时秒]/, accepts: oneOf(":点分时秒"), min: 3, max: 8, cap: 8, shape: /^\d{1,2}([:点时]\d{0,2}分?)([:]\d{2}|\d{1,2}秒)?$/ },
  name: { chars: /[\p{L}\p{M}·•'\-]/u, accepts: isNameUnit, min: 1, max: 10, cap: 20 },
  number: { chars: /[0-9a-z\-]/, accepts: (c) => isDigit(c) || isLower(c) || c === 0x2d, min: 1, max: 20, cap: 32 },
  url: { chars: /[!-~]/, accepts: (c) => c >= 0x21 && c <= 0x7e, min: 4, max: 100, cap: 200 },
  phone: { chars: /[0-9+\-()]/, accepts: oneOf("+-()"), min: 3, max: 20, cap: 20 },
};

/**
 * One piece of a template: fixed text (`literal`) or a variable (`variable` with its type's spec
 * and the template's length bounds). One shape for both, so the matcher's loops see one object
 * layout.
 */
interface Segment {
  readonly literal: string | undefined;
  readonly variable: VariableType | undefined;
  readonly spec: TypeSpec | undefined;
  readonly min: number;
  readonly max: number;
}
const literalSegment = (literal: string): Segment => ({ literal, variable: undefined, spec: undefined, min: 0, max: 0 });

export interface CompiledTemplate {
  readonly id: string;
  readonly signatureId: string;
  readonly segments: readonly Segment[];
  /** Fixed text the message must start with ("" when the template starts with a variable). */
  readonly first: string;
  /** Fixed text the message must end with ("" when it ends with a variable). */
  readonly last: string;
  /**
   * True when every variable is the last segment or is followed by fixed text whose first
   * character the variable cannot hold ({code}，, {amount}元): each value then ends exactly where
   * the run of characters its type accepts ends, so one pass finds the only match (greedyMatch)
   * without the dynamic programme. Most registered templates are of this kind.
   */
  readonly greedy: boolean;
}

export class TemplateSyntaxError extends Error {
  constructor(readonly templateId: string, detail: string) {
    super(`template ${templateId}: ${detail}`);
  }
}

const VAR = /\{([a-z]+)(?::(\d+))?\}/g;
const MIN_LITERAL = 2;

export function compileTemplate(id: string, signatureId: string, text: string): CompiledTemplate {
  const segments: Segment[] = [];
  let last = 0;
  let literalLength = 0;
  const addLiteral = (raw: string) => {
    if (/[{}]/.test(raw)) throw new TemplateSyntaxError(id, `stray brace or malformed variable in "${raw}"`);
    const literal = foldCompact(raw);
    literalLength += literal.length;
    if (literal !== "") segments.push(literalSegment(literal));
  };
  for (const m of text.matchAll(VAR)) {
    addLiteral(text.slice(last, m.index));
    const type = m[1] as VariableType;
    const spec = TYPES[type];
    if (spec === undefined || !Object.hasOwn(TYPES, type)) throw new TemplateSyntaxError(id, `unknown variable type {${m[1]}}`);
    const max = m[2] === undefined ? spec.max : Number(m[2]);
    if (max < spec.min || max > spec.cap) throw new TemplateSyntaxError(id, `{${type}:${max}}: length must be ${spec.min}..${spec.cap}`);
    segments.push({ literal: undefined, variable: type, spec, min: spec.min, max });
    last = m.index + m[0].length;
  }
  addLiteral(text.slice(last));
  if (literalLength < MIN_LITERAL) throw new TemplateSyntaxError(id, `a template needs at least ${MIN_LITERAL} characters of fixed text`);
  const head = segments[0]!;
  const tail = segments[segments.length - 1]!;
  const first = head.literal ?? "";
  const ending = tail.literal !== undefined && segments.length > 1 ? tail.literal : "";
  const greedy = segments.every((segment, k) => {
    if (segment.spec === undefined) return true;
    const next = segments[k + 1];
    return next === undefined || (next.literal !== undefined && !segment.spec.accepts(next.literal.charCodeAt(0)));
  });
  return { id, signatureId, segments, first, last: ending, greedy };
}

/** Templates per signature, each signature's narrowed by the fixed text they start and end with. */
export interface TemplateIndex {
  /** The signature's approved templates, or undefined when it has none. */
  templatesFor(signatureId: string): EndsIndex<CompiledTemplate> | undefined;
  readonly size: number;
}

export function buildTemplateIndex(templates: readonly { id: string; signatureId: string; text: string }[]): TemplateIndex {
  const bySignature = new Map<string, EndsIndex<CompiledTemplate>>();
  for (const t of templates) {
    const compiled = compileTemplate(t.id, t.signatureId, t.text);
    let index = bySignature.get(t.signatureId);
    if (index === undefined) bySignature.set(t.signatureId, (index = new EndsIndex()));
    index.add(compiled.first, compiled.last, compiled);
  }
  return { templatesFor: (signatureId) => bySignature.get(signatureId), size: templates.length };
}

export interface TemplateChecks {
  isApprovedDomain(registrableDomain: string): boolean;
  isRegisteredCallback(normalisedNumber: string): boolean;
}

export type TemplateVerdict =
  | { readonly ok: true; readonly templateId: string }
  | { readonly ok?: false; readonly reason: "template_not_matched" | "template_variable_invalid"; readonly detail: string };

export function matchTemplate(index: TemplateIndex, signatureId: string, body: string, checks: TemplateChecks): TemplateVerdict {
  return matchTemplateKept(index, signatureId, foldKeepSpaces(body), checks);
}

/** matchTemplate on a body already folded by foldKeepSpaces (decide() folds each body once). */
export function matchTemplateKept(index: TemplateIndex, signatureId: string, kept: string, checks: TemplateChecks): TemplateVerdict {
  const ends = index.templatesFor(signatureId);
  if (ends === undefined) return { reason: "template_not_matched", detail: `signature ${signatureId} has no approved template` };
  const folded = compactWithGaps(kept);
  const text = folded.text;
  let invalid: string | null = null;
  for (const t of ends.lookup(text)) {
    const values = t.greedy ? greedyMatch(t.segments, text) : strictMatch(t.segments, text);
    if (values !== null) {
      const problem = checkValues(values, checks, folded);
      if (problem === null) return { ok: true, templateId: t.id };
      invalid ??= `template ${t.id}: ${problem}`;
      continue;
    }
    // No valid values: does the fixed text fit with any values at all ("any text" per variable, a
    // superset of the strict match)? Then the message is the template with a bad value.
    if (invalid !== null) continue;
    const loose = looseMatch(t.segments, text);
    if (loose !== null) invalid = `template ${t.id}: ${explain(loose)}`;
  }
  if (invalid !== null) return { reason: "template_variable_invalid", detail: invalid };
  return { reason: "template_not_matched", detail: `the text fits none of the ${ends.size} templates of signature ${signatureId}` };
}

interface Value {
  readonly type: VariableType;
  readonly value: string;
  /** Offset of the value in the compact text. */
  readonly start: number;
}

/**
 * The match of a greedy template (CompiledTemplate.greedy) in one pass: each value is the run of
 * characters its type accepts, which must then be followed by the next fixed text (whose first
 * character the type does not accept, so no shorter value could be). Gives what strictMatch gives
 * for such a template (test/src/policy/content/templates.test.ts holds them to each other).
 */
export function greedyMatch(segments: readonly Segment[], text: string): Value[] | null {
  const values: Value[] = [];
  const n = text.length;
  let p = 0;
  for (const s of segments) {
    const literal = s.literal;
    if (literal !== undefined) {
      if (!text.startsWith(literal, p)) return null;
      p += literal.length;
      continue;
    }
    const spec = s.spec!;
    const limit = Math.min(n, p + s.max + 1);
    let end = p;
    while (end < limit && spec.accepts(text.charCodeAt(end))) end++;
    const length = end - p;
    if (length < s.min || length > s.max) return null;
    const value = text.slice(p, end);
    if (spec.shape !== undefined && !spec.shape.test(value)) return null;
    values.push({ type: s.variable!, value, start: p });
    p = end;
  }
  return p === n ? values : null;
}

/** Positions reachable after each segment (one layer of text.length + 1 flags per segment); then one path back through them. */
export function strictMatch(segments: readonly Segment[], text: string): Value[] | null {
  const n = text.length;
  const width = n + 1;
  const layers = scratch(width * (segments.length + 1));
  layers[0] = 1;
  for (let k = 0; k < segments.length; k++) {
    const s = segments[k]!;
    const reach = k * width;
    const next = reach + width;
    let any = false;
    for (let p = 0; p <= n; p++) {
      if (layers[reach + p] === 0) continue;
      const literal = s.literal;
      if (literal !== undefined) {
        if (text.startsWith(literal, p)) {
          layers[next + p + literal.length] = 1;
          any = true;
        }
        continue;
      }
      const { accepts, shape } = s.spec!;
      for (let l = 1; l <= s.max && p + l <= n && accepts(text.charCodeAt(p + l - 1)); l++) {
        if (l >= s.min && (shape === undefined || shape.test(text.slice(p, p + l)))) {
          layers[next + p + l] = 1;
          any = true;
        }
      }
    }
    if (!any) return null;
  }
  if (layers[segments.length * width + n] === 0) return null;
  return walkBack(segments, layers, width, text);
}

/**
 * A zeroed buffer of at least `size` flags, reused from one match to the next (matching is
 * synchronous and never re-entered): a typed array allocated per template tried was a large share
 * of a short message's match.
 */
let scratchBuffer = new Uint8Array(4096);
function scratch(size: number): Uint8Array {
  if (size > scratchBuffer.length) scratchBuffer = new Uint8Array(Math.max(size, scratchBuffer.length * 2));
  else scratchBuffer.fill(0, 0, size);
  return scratchBuffer;
}

function walkBack(segments: readonly Segment[], layers: Uint8Array, width: number, text: string): Value[] {
  const values: Value[] = [];
  let end = text.length;
  for (let k = segments.length - 1; k >= 0; k--) {
    const s = segments[k]!;
    const before = k * width;
    if (s.literal !== undefined) {
      end -= s.literal.length;
      continue;
    }
    const { accepts, shape } = s.spec!;
    let start = end;
    for (let l = 1; l <= s.max && end - l >= 0 && accepts(text.charCodeAt(end - l)); l++) {
      if (l >= s.min && layers[before + end - l] === 1 && (shape === undefined || shape.test(text.slice(end - l, end)))) {
        start = end - l;
        break;
      }
    }
    values.push({ type: s.variable!, value: text.slice(start, end), start });
    end = start;
  }
  return values.reverse();
}

/** Leftmost glob match with every variable as "one or more of anything"; for the diagnosis only. */
function looseMatch(segments: readonly Segment[], text: string): Value[] | null {
  const values: Value[] = [];
  let p = 0;
  let i = 0;
  const first = segments[0]!;
  if (first.literal !== undefined) {
    if (!text.startsWith(first.literal, 0)) return null;
    p = first.literal.length;
    i = 1;
  }
  while (i < segments.length) {
    const vars: VariableType[] = [];
    for (let s = segments[i]; s !== undefined && s.variable !== undefined; s = segments[++i]) vars.push(s.variable);
    const lit = segments[i] as { literal: string } | undefined;
    let q: number;
    if (lit === undefined) q = text.length;
    else if (i === segments.length - 1) q = text.endsWith(lit.literal) ? text.length - lit.literal.length : -1;
    else q = text.indexOf(lit.literal, p + vars.length);
    if (q < p + vars.length) return null;
    vars.forEach((type, k) => values.push({ type, value: text.slice(p + k, k === vars.length - 1 ? q : p + k + 1), start: p + k }));
    p = q + (lit?.literal.length ?? 0);
    i++;
  }
  return p === text.length ? values : null;
}

/** Why a loosely matched value is not a valid value of its type. */
function explain(values: readonly Value[]): string {
  for (const { type, value } of values) {
    const spec = TYPES[type];
    const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    if (value.length > spec.max) return `{${type}} ${shown} is ${value.length} characters, at most ${spec.max}`;
    if (value.length < spec.min) return `{${type}} ${shown} is ${value.length} characters, at least ${spec.min}`;
    for (const ch of value) if (!spec.chars.test(ch)) return `{${type}} ${shown} contains ${JSON.stringify(ch)}, not allowed in a {${type}}`;
  }
  return "a variable value does not fit its type";
}

/** Shape and content checks on the values of a structural match; null when all are fine. */
function checkValues(values: readonly Value[], checks: TemplateChecks, compact: Compact): string | null {
  for (const v of values) {
    const { type, value } = v;
    // A {code} is at most 8 digits (its cap; spaces inside it at most split them): no link, and
    // too few digits for a mobile, 400, 800 or landline number. Nothing more to read.
    if (type === "code") continue;
    // Links and numbers are read with the value's inner whitespace back in place: folded away,
    // "sf1234 13800000001" would be one 15-digit run and "ok.com/ evil.cn" one link.
    const spaced = spacedSlice(compact, v.start, v.start + v.value.length);
    const shape = TYPES[type].shape;
    const shown = () => JSON.stringify(value);
    if (shape !== undefined && !shape.test(value)) return `{${type}} ${shown()} is not a valid ${type}`;
    // Digits alone are no link (a host needs letters for its TLD, a dotted quad its dots) and, fewer
    // than ten, no mobile, 400, 800 or landline number: most {number} and {amount} values stop here.
    if (type !== "url" && type !== "phone" && spaced.length < 10 && ALL_DIGITS.test(spaced)) continue;
    const links = extractLinks(spaced);
    if (type === "url") {
      if (links.length === 0) return `{url} ${shown()} is not a link`;
      if (spaced !== value) return `{url} ${shown()} has spaces inside; a link is one unbroken piece`;
      const bad = links.find((l) => !checks.isApprovedDomain(l.registrableDomain));
      if (bad !== undefined) return `{url} ${shown()} is on ${bad.registrableDomain}, not an approved domain`;
      continue;
    }
    if (links.length > 0) return `{${type}} ${shown()} carries a link (${links[0]!.registrableDomain}); only {url} may`;
    if (type !== "phone" && !mayHoldStrongNumber(spaced)) continue;
    const phones = extractPhoneNumbers(spaced);
    if (type === "phone") {
      if (phones.length !== 1) return `{phone} ${shown()} is not one phone number`;
      if (!checks.isRegisteredCallback(phones[0]!.normalised)) return `{phone} ${shown()} is not a registered call-back number`;
      continue;
    }
    const strong = phones.find((ph) => ph.kind === "mobile" || ph.kind === "landline" || ph.kind === "400" || ph.kind === "800");
    if (strong !== undefined) return `{${type}} ${shown()} carries a phone number; only {phone} may`;
  }
  return null;
}

const ALL_DIGITS = /^[0-9]*$/;

/**
 * False when the value cannot hold a mobile, 400, 800 or landline number: those need ten digits
 * or more (content/phones.ts), and an ASCII value with fewer than ten characters the phone reader
 * takes as digits (0–9, and o and l, which it reads as 0 and 1) has no ten. Anything non-ASCII
 * (Chinese numerals, circled digits) goes to the reader. Most values (a code, an amount, a date) stop here.
 */
function mayHoldStrongNumber(value: string): boolean {
  let digitLike = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return true;
    const lower = c | 0x20;
    if ((c >= 0x30 && c <= 0x39) || lower === 0x6f || lower === 0x6c) digitLike++;
  }
  return digitLike >= 10;
}

/**
 * Operator regex patterns, accepted only when they cannot backtrack catastrophically.
 *
 * Why a static check written here and not a package: re2-wasm (the only pure-WebAssembly RE2 on npm)
 * has had no release since 2021 and loads its .wasm file from disk at import, which src/policy may
 * not do; the native re2 needs a compiler; recheck runs its analysis in a worker thread or a JVM.
 * safe-regex2 (Fastify, pure JavaScript) was tried: it lets (a|a)*, (a|ab)+ and \d*\d*\d*x through
 * and refuses the everyday 日息\d+(\.\d+)?% (it counts ? as a repeat), so it is not used. Instead
 * the pattern language is narrowed to a subset in which the JavaScript engine cannot blow up; one
 * scan of the pattern refuses:
 * - back-references and look-around (not needed for phrase rules; they defeat every analysis);
 * - a repeated group that contains an alternation ((a|b)+: write a class [ab]+ instead);
 * - a repeated group that contains a repeat ((a+)+, (a*)*: nested quantifiers);
 * - too many ways to match: in what is left, the backtracking from one starting position is at most
 *   the product of the choices of every repeat ({m,n}: n−m+1; ?: 2; *, +, {n,}: counted as 1,000)
 *   and alternative (|: ×2); that product may not exceed 10,000. So one unbounded repeat is fine
 *   (贷款.*秒批), two are not (\d+\D*\d+x costs n³ over a text: 3 minutes on 5,000 digits),
 *   and the operator writes bounded repeats instead (\d{1,6}). A scan of an n-character text then
 *   costs at most about n × 10^4 steps;
 * - a bounded repeat above {0,100}, a pattern longer than 500 characters.
 * Patterns run with the u flag on the folded text (lower case), so they are written in lower case.
 */

export type PatternErrorCode =
  | "pattern_invalid"
  | "pattern_too_long"
  | "pattern_backreference"
  | "pattern_lookaround"
  | "pattern_repeated_alternation"
  | "pattern_nested_quantifier"
  | "pattern_too_costly"
  | "pattern_repeat_too_large";

export interface PatternError {
  readonly code: PatternErrorCode;
  readonly message: string;
}

export interface SafePattern {
  readonly source: string;
  test(foldedText: string): boolean;
}

export const MAX_PATTERN_LENGTH = 500;
export const MAX_REPEAT = 100;
/** An unbounded repeat counts as this many choices in the cost (a long SMS is ~1,000 characters). */
export const UNBOUNDED_COST = 1000;
/** Upper bound on the backtracking choices per starting position: one unbounded repeat × 10. */
export const MAX_COST = 10_000;

export function compilePattern(source: string): { ok: true; pattern: SafePattern } | { ok: false; error: PatternError } {
  if (source.length === 0 || source.length > MAX_PATTERN_LENGTH) {
    return fail("pattern_too_long", `a pattern is 1 to ${MAX_PATTERN_LENGTH} characters long; this one has ${source.length}`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(source, "u");
  } catch (error) {
    return fail("pattern_invalid", `not a valid regular expression: ${(error as Error).message}`);
  }
  const structural = scan(source);
  if (structural !== null) return { ok: false, error: structural };
  return { ok: true, pattern: { source, test: (text) => regex.test(text) } };
}

function fail(code: PatternErrorCode, message: string): { ok: false; error: PatternError } {
  return { ok: false, error: { code, message } };
}

interface GroupState {
  alternation: boolean;
  quantified: boolean;
}

/** One pass over the pattern, tracking groups and character classes. */
function scan(source: string): PatternError | null {
  const stack: GroupState[] = [];
  let cost = 1;
  let lastClosed: GroupState | null = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const closed = lastClosed;
    lastClosed = null;
    if (c === "\\") {
      const e = source[i + 1] ?? "";
      if (/[1-9]/.test(e) || (e === "k" && source[i + 2] === "<")) return err("pattern_backreference", "back-references are not allowed");
      i += e === "u" || e === "p" || e === "P" ? skipEscape(source, i) : 1;
      continue;
    }
    if (c === "[") {
      i = skipClass(source, i);
      continue;
    }
    if (c === "(") {
      if (/^\(\?<?[=!]/.test(source.slice(i, i + 4))) return err("pattern_lookaround", "look-ahead and look-behind are not allowed");
      stack.push({ alternation: false, quantified: false });
      if (source.startsWith("(?:", i)) i += 2;
      else if (source.startsWith("(?<", i)) i = source.indexOf(">", i);
      continue;
    }
    if (c === "|") {
      if (stack.length > 0) stack[stack.length - 1]!.alternation = true;
      cost *= 2;
      if (cost > MAX_COST) return tooCostly();
    }
    if (c === ")") {
      lastClosed = stack.pop() ?? null;
      const parent = stack[stack.length - 1];
      if (parent !== undefined && lastClosed !== null) {
        parent.alternation ||= lastClosed.alternation;
        parent.quantified ||= lastClosed.quantified;
      }
      continue;
    }
    const q = quantifierAt(source, i);
    if (q === null) continue;
    if (q.max > MAX_REPEAT && q.max !== Infinity) return err("pattern_repeat_too_large", `a repeat count above ${MAX_REPEAT} is not allowed`);
    if (closed !== null && closed.alternation && q.max > 1) return err("pattern_repeated_alternation", "a repeated group may not contain | (write a character class)");
    if (closed !== null && closed.quantified && q.max > 1) return err("pattern_nested_quantifier", "a repeated group may not contain a repeat");
    cost *= q.max === Infinity ? UNBOUNDED_COST : q.max - q.min + 1;
    if (cost > MAX_COST) return tooCostly();
    for (const g of stack) g.quantified = true;
    i = q.end;
  }
  return null;
}

function tooCostly(): PatternError {
  return err(
    "pattern_too_costly",
    `too many ways to match: the repeats and alternatives multiplied together (an unbounded *, + or {n,} counts ${UNBOUNDED_COST}) exceed ${MAX_COST}; use bounded repeats such as \\d{1,6}`,
  );
}

function err(code: PatternErrorCode, message: string): PatternError {
  return { code, message };
}

/** Length - 1 of \u{...}, \uXXXX, \p{...} escapes starting at i. */
function skipEscape(source: string, i: number): number {
  if (source[i + 2] === "{") return source.indexOf("}", i) - i;
  return source[i + 1] === "u" ? 5 : 1;
}

function skipClass(source: string, i: number): number {
  for (let k = i + 1; k < source.length; k++) {
    if (source[k] === "\\") k++;
    else if (source[k] === "]") return k;
  }
  return source.length;
}

function quantifierAt(source: string, i: number): { min: number; max: number; end: number } | null {
  const c = source[i];
  const lazy = source[i + 1] === "?" ? 1 : 0;
  if (c === "*" || c === "+") return { min: c === "+" ? 1 : 0, max: Infinity, end: i + lazy };
  if (c === "?") return { min: 0, max: 1, end: i + lazy };
  if (c !== "{") return null;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
  if (!m) return null;
  const max = m[2] === undefined ? Number(m[1]) : m[3] === "" ? Infinity : Number(m[3]);
  return { min: Number(m[1]), max, end: i + m[0].length - 1 + (source[i + m[0].length] === "?" ? 1 : 0) };
}

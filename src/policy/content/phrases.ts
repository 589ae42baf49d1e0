/**
 * Operator phrase lists (贷款, 加微信, 博彩…) matched with one Aho–Corasick automaton: the automaton is
 * built once per list version and a message is scanned in one pass whatever the number of phrases,
 * so 10,000 phrases cost about what 10 do (test/bench/content-phrases.ts measures it).
 *
 * Folding: phrases and messages go through the same fold. The default is foldCompact from
 * src/policy/text.ts (NFKC so full-width and compatibility forms fold, invisible characters and all
 * whitespace removed, lower case) followed by removal of punctuation and symbols, so 加 微-信, 加*微*信
 * and 加微信 are one phrase. text.ts has no traditional→simplified fold yet; the `fold` option
 * takes the classifier's fold when it has one, and must be the same function for build and match.
 */
import { foldCompact } from "../text.ts";
import { charTest } from "./char-test.ts";

/**
 * The default fold: foldCompact, then punctuation and symbols removed. `folded: true` says the text
 * has already been through foldCompact (so only the separators go).
 */
export function foldForPhrases(text: string, options?: { folded: true }): string {
  return withoutSeparators(options?.folded ? text : foldCompact(text));
}

const SEPARATOR = /^[\p{P}\p{S}]$/u;
/** SEPARATOR for one BMP unit outside ASCII and unified Han, remembered per unit. */
const isSeparatorUnit = charTest(SEPARATOR);

/** How many UTF-16 units at `i` are one separator (punctuation or symbol): 0 when none. */
function separatorWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e) ? 1 : 0;
  if (c >= 0x4e00 && c <= 0x9fff) return 0;
  if (c < 0xd800 || c > 0xdbff) return isSeparatorUnit.has(c) ? 1 : 0;
  const point = text.codePointAt(i)!;
  if (point <= 0xffff) return 0; // a lone high surrogate is no punctuation
  return SEPARATOR.test(String.fromCodePoint(point)) ? 2 : 0;
}

/** text.replace(/[\p{P}\p{S}]/gu, ""): ASCII and unified Han decided by code, anything else by the regex. */
function withoutSeparators(text: string): string {
  let out = "";
  let kept = 0;
  for (let i = 0; i < text.length; i++) {
    const width = separatorWidth(text, i);
    if (width === 0) {
      // A high surrogate that is no separator: its low half is no separator either.
      continue;
    }
    out += text.slice(kept, i);
    kept = i + width;
    i += width - 1;
  }
  return kept === 0 ? text : out + text.slice(kept);
}

export interface PhraseEntry {
  readonly phrase: string;
  readonly ruleId: string;
}

export interface PhraseHit {
  readonly ruleId: string;
  /** The phrase as the operator wrote it, the first one of this rule found in the text. */
  readonly phrase: string;
  /** Offset of the match in the folded text. */
  readonly at: number;
}

export interface PhraseMatcher {
  /** Rules hit, each once, with its first matching phrase, in order of appearance. */
  match(text: string): PhraseHit[];
  /**
   * match() on a text already folded by foldCompact (decide() folds each body once), for the
   * default fold: its punctuation and symbols are skipped as the automaton reads it, not cut out first.
   */
  matchCompact(compact: string): PhraseHit[];
  readonly phraseCount: number;
  readonly stateCount: number;
}

interface Output {
  readonly ruleId: string;
  readonly phrase: string;
  readonly length: number;
}

export function buildPhraseMatcher(entries: readonly PhraseEntry[], fold: (text: string) => string = foldForPhrases): PhraseMatcher {
  const next: Map<number, number>[] = [new Map()];
  const out: Output[][] = [[]];
  let phraseCount = 0;
  for (const { phrase, ruleId } of entries) {
    const folded = fold(phrase);
    if (folded.length === 0) continue;
    let state = 0;
    for (let k = 0; k < folded.length; k++) {
      const c = folded.charCodeAt(k);
      let to = next[state]!.get(c);
      if (to === undefined) {
        to = next.length;
        next.push(new Map());
        out.push([]);
        next[state]!.set(c, to);
      }
      state = to;
    }
    out[state]!.push({ ruleId, phrase, length: folded.length });
    phraseCount++;
  }
  const fail = linkFailures(next, out);
  // The code units that occur in some phrase: any other one sends the automaton back to its root
  // (no phrase can span it), decided by one typed-array read instead of a walk of failure links.
  // As a bit set (8 KiB): a byte per unit put each Han character of a message on its own cache line.
  const used = new Uint32Array(0x800);
  for (const map of next) for (const c of map.keys()) used[c >> 5]! |= 1 << (c & 31);
  // The root's transitions as a table: the automaton is at its root for most characters of a message.
  const fromRoot = new Int32Array(0x10000);
  for (const [c, to] of next[0]!) fromRoot[c] = to;
  const automaton: Automaton = { next, fail, out, used, fromRoot };
  const byDefault = fold === foldForPhrases;
  return {
    phraseCount,
    stateCount: next.length,
    // The default fold is foldCompact and then no separators: scan foldCompact's text, skipping them.
    match: (text) => (byDefault ? scan(foldCompact(text), automaton, true) : scan(fold(text), automaton, false)),
    matchCompact: (compact) => scan(compact, automaton, true),
  };
}

/** Breadth-first failure links; each state's outputs include those of its failure chain. */
function linkFailures(next: Map<number, number>[], out: Output[][]): Int32Array {
  const fail = new Int32Array(next.length);
  const queue: number[] = [];
  for (const to of next[0]!.values()) queue.push(to);
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    for (const [c, to] of next[state]!) {
      let f = fail[state]!;
      while (f !== 0 && !next[f]!.has(c)) f = fail[f]!;
      const target = next[f]!.get(c);
      fail[to] = target !== undefined && target !== to ? target : 0;
      if (out[fail[to]!]!.length > 0) out[to] = out[to]!.concat(out[fail[to]!]!);
      queue.push(to);
    }
  }
  return fail;
}

interface Automaton {
  readonly next: Map<number, number>[];
  readonly fail: Int32Array;
  readonly out: Output[][];
  /** Bit c: code unit c occurs in some phrase. */
  readonly used: Uint32Array;
  /** next[0] as a table (0: no transition, stay at the root). */
  readonly fromRoot: Int32Array;
}

/**
 * One pass of the automaton over `text`; with `skipSeparators`, punctuation and symbols are
 * passed over as withoutSeparators would have cut them (offsets count only what is read).
 */
function scan(text: string, { next, fail, out, used, fromRoot }: Automaton, skipSeparators: boolean): PhraseHit[] {
  let hits: Map<string, PhraseHit> | undefined;
  let state = 0;
  let read = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (skipSeparators) {
      const width = separatorWidth(text, k);
      if (width !== 0) {
        k += width - 1;
        continue;
      }
    }
    read++;
    if ((used[c >> 5]! & (1 << (c & 31))) === 0) {
      state = 0;
      continue;
    }
    if (state === 0) state = fromRoot[c]!;
    else {
      let to = next[state]!.get(c);
      while (to === undefined && state !== 0) {
        state = fail[state]!;
        to = state === 0 ? fromRoot[c]! : next[state]!.get(c);
      }
      state = to ?? 0;
    }
    const outputs = out[state]!;
    if (outputs.length === 0) continue;
    hits ??= new Map();
    for (const o of outputs) {
      const at = read - o.length;
      const seen = hits.get(o.ruleId);
      if (seen === undefined || at < seen.at) hits.set(o.ruleId, { ruleId: o.ruleId, phrase: o.phrase, at });
    }
  }
  return hits === undefined ? [] : [...hits.values()].sort((a, b) => a.at - b.at);
}

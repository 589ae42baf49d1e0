/**
 * Size check (`npm run check:size`, run in CI after check:deps): no source file in src/, smpp/,
 * cmpp/ or demo/ over 400 lines, and no function, method, getter, constructor or arrow function
 * body over 80 lines. Spans come from @swc/core's parser, so braces inside strings, template
 * literals, comments and regular expressions never confuse the count. A function's span is the
 * line of its opening to the line of its closing brace, inclusive; nested functions are measured
 * on their own and also count inside their parent.
 *
 * Usage: bun .ci/size.ts [dir…]   (exit 1 and one line per offender when a limit is passed)
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseSync } from "@swc/core";

export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 80;

export interface Offender {
  file: string;
  kind: "file" | "function";
  name: string;
  line: number;
  lines: number;
}

/**
 * Known offenders, each allowed up to its recorded size; growing past it fails, and an entry that
 * no longer offends is reported so it gets removed. Key: "file" for a file's length,
 * "file#function" for a function's span. Empty since issue 13: every file and function is within
 * the limits, and it should stay empty (split the code instead of adding an entry).
 */
export const KNOWN_OFFENDERS: Readonly<Record<string, number>> = {};

export function offenderKey(o: Offender): string {
  return o.kind === "file" ? o.file : `${o.file}#${o.name}`;
}

/** Files skipped as generated code (none today; drizzle/ holds SQL, not TypeScript). */
const GENERATED = [/\.d\.ts$/];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry) && !GENERATED.some((re) => re.test(entry))) out.push(path);
  }
  return out;
}

/** Byte offset → 1-based line, for a source held as UTF-8 (swc spans count UTF-8 bytes). */
function lineIndex(source: string): (byte: number) => number {
  const bytes = Buffer.from(source, "utf8");
  const starts: number[] = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) starts.push(i + 1);
  return (byte) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= byte) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

type Node = { type?: string; span?: { start: number; end: number }; [key: string]: unknown };

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression", "ClassMethod", "PrivateMethod", "Constructor", "MethodProperty", "GetterProperty", "SetterProperty"]);

function nameOf(node: Node, hint: string | undefined): string {
  const key = (node.key ?? (node as { identifier?: Node }).identifier) as Node | undefined;
  if (key && typeof key.value === "string") return key.value;
  if (node.type === "Constructor") return "constructor";
  return hint ?? "(anonymous)";
}

/** Every function-like node's span in one file. */
export function functionSpans(source: string, file: string): { name: string; line: number; lines: number }[] {
  const ast = parseSync(source, { syntax: "typescript", tsx: file.endsWith(".tsx"), comments: false, target: "es2022" }) as unknown as Node;
  // swc spans are 1-based UTF-8 byte offsets into the parsed text.
  const lineOf = lineIndex(source);
  const spans: { name: string; line: number; lines: number }[] = [];
  const visit = (node: unknown, hint?: string): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, hint);
      return;
    }
    if (!node || typeof node !== "object") return;
    const n = node as Node;
    let childHint = hint;
    if (n.type === "VariableDeclarator") {
      const id = n.id as Node | undefined;
      if (id && typeof id.value === "string") childHint = id.value;
    }
    if (n.type && FUNCTION_TYPES.has(n.type) && n.span) {
      const start = lineOf(n.span.start - 1);
      const end = lineOf(Math.max(n.span.start, n.span.end - 1) - 1);
      spans.push({ name: nameOf(n, hint), line: start, lines: end - start + 1 });
      childHint = `${spans[spans.length - 1]!.name} › callback`;
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === "span" || key === "type") continue;
      if (value && typeof value === "object") visit(value, childHint);
    }
  };
  visit(ast);
  return spans;
}

export function checkSize(root: string, dirs: string[]): Offender[] {
  const offenders: Offender[] = [];
  for (const dir of dirs) {
    for (const path of sourceFiles(join(root, dir))) {
      const file = relative(root, path);
      const source = readFileSync(path, "utf8");
      const lines = source.endsWith("\n") ? source.split("\n").length - 1 : source.split("\n").length;
      if (lines > MAX_FILE_LINES) offenders.push({ file, kind: "file", name: file, line: 1, lines });
      for (const span of functionSpans(source, file)) {
        if (span.lines > MAX_FUNCTION_LINES) offenders.push({ file, kind: "function", name: span.name, line: span.line, lines: span.lines });
      }
    }
  }
  return offenders;
}

if (import.meta.main) {
  const root = join(import.meta.dir, "..");
  const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["src", "smpp", "cmpp", "demo"];
  const found = checkSize(root, dirs);
  const offenders = found.filter((o) => !(KNOWN_OFFENDERS[offenderKey(o)]! >= o.lines));
  const stillKnown = new Set(found.map(offenderKey));
  for (const key of Object.keys(KNOWN_OFFENDERS)) {
    if (!stillKnown.has(key) && dirs.some((dir) => key.startsWith(`${dir}/`))) console.log(`check:size: ${key} is within the limits now: remove it from KNOWN_OFFENDERS`);
  }
  for (const o of offenders) {
    console.error(
      o.kind === "file"
        ? `${o.file}: ${o.lines} lines (limit ${MAX_FILE_LINES})`
        : `${o.file}:${o.line}: function ${o.name} spans ${o.lines} lines (limit ${MAX_FUNCTION_LINES})`,
    );
  }
  if (offenders.length > 0) {
    console.error(`check:size: ${offenders.length} over the limit`);
    process.exit(1);
  }
  const known = found.length - offenders.length;
  console.log(`check:size: no file over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES} lines (${dirs.join(", ")})${known ? `, apart from ${known} known offenders that did not grow` : ""}`);
}

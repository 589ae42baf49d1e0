import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KNOWN_OFFENDERS, checkSize, functionSpans, offenderKey } from "../../.ci/size.ts";

const body = (n: number) => Array.from({ length: n }, (_, i) => `  total += ${i};`).join("\n");

describe("check:size", () => {
  it("measures a function from its first to its last line, whatever braces its strings and comments hold", () => {
    const source = `// a } comment {\nexport function f() {\n  const s = "}}}";\n  const t = \`\${"{"}\`;\n  return /[{]/.test(s + t);\n}\n`;
    expect(functionSpans(source, "x.ts")).toEqual([{ name: "f", line: 2, lines: 5 }]);
  });

  it("names methods, arrows held in a const, and callbacks inside them", () => {
    const source = `class A {\n  run() {\n    return [1].map((x) => {\n      return x;\n    });\n  }\n}\nconst g = () => 1;\n`;
    expect(functionSpans(source, "x.ts")).toEqual([
      { name: "run", line: 2, lines: 5 },
      { name: "run › callback", line: 3, lines: 3 },
      { name: "g", line: 8, lines: 1 },
    ]);
  });

  it("fails a file over 400 lines and a function over 80 lines, and passes ones at the limit", () => {
    const root = mkdtempSync(join(tmpdir(), "size-"));
    mkdirSync(join(root, "src"));
    // ok: 80 lines exactly (header, 78 statements, closing brace); long: 84 lines.
    writeFileSync(join(root, "src", "ok.ts"), `export function ok() {\n  let total = 0;\n${body(77)}\n}\n`);
    writeFileSync(join(root, "src", "long.ts"), `export function long() {\n  let total = 0;\n${body(80)}\n  return total;\n}\n`);
    writeFileSync(join(root, "src", "big.ts"), Array.from({ length: 401 }, (_, i) => `export const c${i} = ${i};`).join("\n") + "\n");
    const offenders = checkSize(root, ["src"]).map((o) => `${o.file} ${o.kind} ${o.name} ${o.lines}`);
    expect(offenders.sort()).toEqual(["src/big.ts file src/big.ts 401", "src/long.ts function long 84"]);
  });

  it("passes on this repository: no file or function over the limits but the listed known offenders, none of which grew", () => {
    const root = join(import.meta.dirname, "..", "..");
    const over = checkSize(root, ["src", "smpp", "cmpp", "demo"]).filter((o) => !(KNOWN_OFFENDERS[offenderKey(o)]! >= o.lines));
    expect(over).toEqual([]);
  });
});

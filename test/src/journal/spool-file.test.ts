import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { appendFileTo, countLines, readLines } from "../../../src/journal/spool-file.ts";

/** The spool is read in pieces (src/journal/spool-file.ts); these are the pieces' edges. */
it("reads every line whole across chunk edges, with multi-byte text, long lines and no final newline", async () => {
  const dir = mkdtempSync(join(tmpdir(), "spool-file-"));
  const long = `{"text":"${"短信".repeat(700_000)}"}`; // about 4 MB in UTF-8: several read chunks
  const lines = ['{"a":1}', long, '{"b":"【测试】😀"}', "last without newline"];
  const path = join(dir, "spool.jsonl");
  writeFileSync(path, `${lines.join("\n")}`);
  const read: string[] = [];
  for await (const line of readLines(path)) read.push(line);
  expect(read).toEqual(lines);
  expect(countLines(path)).toBe(4);
  writeFileSync(path, `${lines.join("\n")}\n`);
  expect(countLines(path)).toBe(4);
  const target = join(dir, "target.jsonl");
  writeFileSync(target, "first\n");
  appendFileTo(path, target);
  expect(readFileSync(target, "utf8")).toBe(`first\n${lines.join("\n")}\n`);
  expect(countLines(target)).toBe(5);
});

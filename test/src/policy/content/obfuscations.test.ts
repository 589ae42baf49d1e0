import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { extractLinks } from "../../../../src/policy/content/links.ts";
import { extractPhoneNumbers } from "../../../../src/policy/content/phones.ts";

/**
 * The obfuscation corpus: each row is a message, the registrable domains and the normalised numbers
 * a reader finds in it. A row is detected when the extractors find exactly those. The share is
 * printed; the floor below is what the extractors reach today, so a regression fails.
 */
interface Row {
  readonly text: string;
  readonly links: string[];
  readonly numbers: string[];
  readonly kind: string;
}

const rows: Row[] = readFileSync(new URL("./obfuscations.tsv", import.meta.url), "utf8")
  .split("\n")
  .slice(1)
  .filter((line) => line !== "")
  .map((line) => {
    const [text, links, numbers, kind] = line.split("\t");
    const list = (s: string | undefined) => (s ? s.split(",") : []);
    return { text: text!, links: list(links), numbers: list(numbers), kind: kind! };
  });

function found(text: string): { links: string[]; numbers: string[] } {
  return {
    links: extractLinks(text).map((l) => l.registrableDomain),
    numbers: extractPhoneNumbers(text).map((p) => p.normalised),
  };
}

const obfuscated = rows.filter((r) => r.kind !== "false positive");
const falsePositives = rows.filter((r) => r.kind === "false positive");

describe("obfuscation corpus", () => {
  it("has at least 200 obfuscated rows and a set of look-alike non-links and non-numbers", () => {
    expect(obfuscated.length).toBeGreaterThanOrEqual(200);
    expect(falsePositives.length).toBeGreaterThanOrEqual(40);
  });

  it("detects the links and numbers of the obfuscated rows, exactly", () => {
    const missed = obfuscated.filter((r) => {
      const f = found(r.text);
      return JSON.stringify(f.links) !== JSON.stringify(r.links) || JSON.stringify(f.numbers) !== JSON.stringify(r.numbers);
    });
    const share = 1 - missed.length / obfuscated.length;
    console.log(`obfuscation corpus: ${obfuscated.length - missed.length}/${obfuscated.length} detected (${(share * 100).toFixed(1)}%)`);
    for (const r of missed) console.log(`  missed [${r.kind}] ${JSON.stringify(r.text)} → ${JSON.stringify(found(r.text))}`);
    expect(share).toBeGreaterThanOrEqual(FLOOR);
  });

  it("finds nothing in codes, amounts, dates, versions, tracking numbers, decimals and file names", () => {
    const wrong = falsePositives.map((r) => ({ text: r.text, ...found(r.text) })).filter((f) => f.links.length + f.numbers.length > 0);
    expect(wrong).toEqual([]);
  });
});

/** 356 of 358 on 2026-12-01: the misses are "ex ample.com" (a space inside a label) and "--" separators. */
const FLOOR = 0.99;

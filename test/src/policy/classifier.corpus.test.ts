import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyText, judgeCategory } from "../../../src/policy/classifier.ts";
import type { Category } from "../../../src/policy/types.ts";

/**
 * The labelled corpus (corpus/messages.tsv: label, declared, text; made-up but realistic bodies
 * without their signature). Each row is judged as decide() judges a body: classifyText, then
 * judgeCategory with the declared category. The floors are what was measured when the corpus
 * was written (README "Message classification"); the test fails when marketing recall drops.
 */
const DECLARED: Record<string, Category> = { VER: "verification", NTF: "notification", MKT: "marketing" };

interface Row {
  label: Category;
  declared: Category;
  text: string;
}

function load(): Row[] {
  const lines = readFileSync(new URL("./corpus/messages.tsv", import.meta.url), "utf8").split("\n").slice(1);
  return lines
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [label, declared, text] = line.split("\t");
      return { label: label as Category, declared: DECLARED[declared!]!, text: text! };
    });
}

describe("classifier corpus", () => {
  const rows = load();

  it("holds at least 300 labelled messages of all three kinds, with evasions declared VER/NTF", () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    for (const label of ["verification", "notification", "marketing"] as const) {
      expect(rows.filter((row) => row.label === label).length).toBeGreaterThanOrEqual(80);
    }
    expect(rows.filter((row) => row.label === "marketing" && row.declared !== "marketing").length).toBeGreaterThanOrEqual(50);
    for (const row of rows) expect(["verification", "notification", "marketing"]).toContain(row.declared);
  });

  it("finds marketing with the measured precision (1.000) and recall (0.983; 0.971 on evasions declared VER/NTF)", () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let correct = 0;
    const misses: string[] = [];
    for (const row of rows) {
      const judged = judgeCategory(row.declared, classifyText(row.text));
      if (judged === row.label) correct++;
      else misses.push(`${row.label}/${row.declared} → ${judged}: ${row.text}`);
      if (judged === "marketing" && row.label === "marketing") tp++;
      else if (judged === "marketing") fp++;
      else if (row.label === "marketing") fn++;
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    const evasions = rows.filter((row) => row.label === "marketing" && row.declared !== "marketing");
    const evasionRecall = evasions.filter((row) => judgeCategory(row.declared, classifyText(row.text)) === "marketing").length / evasions.length;
    console.log(
      JSON.stringify({ test: "classifier corpus", rows: rows.length, tp, fp, fn, precision, recall, evasionRecall, accuracy: correct / rows.length, misses }),
    );
    // Measured when the corpus was written: 334 rows, 118 of 120 marketing found, no false alarm.
    expect(precision).toBeGreaterThanOrEqual(1);
    expect(recall).toBeGreaterThanOrEqual(118 / 120 - 1e-9);
    expect(evasionRecall).toBeGreaterThanOrEqual(67 / 69 - 1e-9);
  });
});

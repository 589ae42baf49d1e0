import { describe, expect, it } from "vitest";
import { confusableKey, lookAlikeGroups } from "../../../src/reviews/confusables.ts";
import { nextPeriodStart, periodStart, previousPeriodStart } from "../../../src/reviews/periods.ts";
import { csvCell } from "../../../src/reviews/report.ts";
import { crossings, ratePer10k } from "../../../src/reviews/thresholds.ts";
import { partitionName, partitionRange } from "../../../src/journal/partitions.ts";

describe("confusable folding", () => {
  it("folds digits, Cyrillic/Greek look-alikes, separators and traditional characters", () => {
    expect(confusableKey("y0uku")).toBe(confusableKey("youku"));
    expect(confusableKey("paypal")).toBe(confusableKey("раypаl")); // Cyrillic р and а
    expect(confusableKey("appie")).toBe(confusableKey("app1e"));
    expect(confusableKey("云端·科技")).toBe(confusableKey("云端科技"));
    expect(confusableKey("雲端科技")).toBe(confusableKey("云端科技"));
    expect(confusableKey("云端科技")).not.toBe(confusableKey("云端商城"));
  });

  it("groups distinct texts sharing a key", () => {
    const groups = lookAlikeGroups([{ text: "云端科技" }, { text: "雲端科技" }, { text: "星河银行" }]);
    expect(groups).toEqual([[{ text: "云端科技" }, { text: "雲端科技" }]]);
  });
});

describe("complaint-rate thresholds", () => {
  it("computes complaints per 10,000 accepted and flags crossings above the minimum count", () => {
    expect(ratePer10k(3, 10_000)).toBe(3);
    expect(ratePer10k(1, 0)).toBe(Number.POSITIVE_INFINITY);
    const rows = [
      { subjectType: "signature" as const, subjectId: "a", complaints: 6, accepted: 10_000 },
      { subjectType: "signature" as const, subjectId: "b", complaints: 2, accepted: 10 },
      { subjectType: "port" as const, subjectId: "c", complaints: 12, accepted: 10_000 },
      { subjectType: "sp" as const, subjectId: "d", complaints: 4, accepted: 1_000_000 },
    ];
    const crossed = crossings(rows, { ratePer10k: 5, minComplaints: 3 });
    expect(crossed.map((c) => [c.subjectId, c.severity])).toEqual([
      ["a", "medium"],
      ["c", "high"],
    ]);
  });
});

describe("report CSV cells", () => {
  it("neutralises formulas and quotes separators", () => {
    expect(csvCell("=HYPERLINK(\"x\")")).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell("+86")).toBe("'+86");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("【云端优选】")).toBe("【云端优选】");
    expect(csvCell(null)).toBe("");
  });
});

describe("schedule periods (China calendar)", () => {
  it("finds month and quarter starts at UTC+8", () => {
    const at = new Date("2025-05-31T17:00:00Z"); // 2025-06-01 01:00 in Shanghai
    expect(periodStart("monthly", at).toISOString()).toBe("2025-05-31T16:00:00.000Z");
    expect(periodStart("quarterly", at).toISOString()).toBe("2025-03-31T16:00:00.000Z");
    expect(nextPeriodStart("quarterly", periodStart("quarterly", at)).toISOString()).toBe("2025-06-30T16:00:00.000Z");
    expect(previousPeriodStart("monthly", new Date("2024-12-31T16:00:00Z")).toISOString()).toBe("2024-11-30T16:00:00.000Z");
  });
});

describe("partition names", () => {
  it("name UTC months and read their ranges back", () => {
    expect(partitionName(new Date("2025-01-01T00:00:00Z"))).toBe("rejections_p202501");
    expect(partitionRange("rejections_p202512")).toEqual({ from: new Date("2025-12-01T00:00:00Z"), to: new Date("2026-01-01T00:00:00Z") });
    expect(partitionRange("rejections_default")).toBeUndefined();
  });
});

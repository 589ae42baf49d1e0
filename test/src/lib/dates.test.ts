import { describe, expect, it } from "vitest";
import { ChinaDayCache, chinaDayEndMs, chinaDayStart, chinaDayStartIso, chinaDayStartMs, localDate, localDayNumber, nextDay } from "../../../src/lib/dates.ts";

describe("src/lib/dates: China-day arithmetic", () => {
  it("puts midnight in Beijing, not in UTC: 15:59:59.999Z is still the same China day, 16:00Z the next", () => {
    const lastMs = Date.parse("2026-03-01T15:59:59.999Z");
    expect(localDate(lastMs)).toBe("2026-03-01");
    expect(localDate(lastMs + 1)).toBe("2026-03-02");
    expect(chinaDayStartMs("2026-03-02")).toBe(lastMs + 1);
    expect(chinaDayEndMs("2026-03-01")).toBe(lastMs);
    expect(chinaDayStart("2026-03-02").toISOString()).toBe("2026-03-01T16:00:00.000Z");
    expect(Date.parse(chinaDayStartIso("2026-03-02"))).toBe(lastMs + 1);
    expect(localDayNumber(lastMs)).toBe(localDayNumber(lastMs + 1) - 1);
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
  });

  it("ChinaDayCache gives localDate() for every instant, whichever order they come in", () => {
    const cache = new ChinaDayCache();
    const base = Date.parse("2026-03-01T15:59:59.000Z");
    const instants = [base, base + 999, base + 1000, base - 86_400_000, base + 1000, base + 86_400_000 * 40, base, 0, -1];
    for (const at of instants) expect(cache.localDate(at)).toBe(localDate(at));
  });
});

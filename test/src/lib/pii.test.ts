import { describe, expect, it } from "vitest";
import { createPiiProtector, normaliseMsisdn } from "../../../src/lib/pii.ts";

describe("phone numbers in one form", () => {
  it("drops +86, 0086, 86 before a mobile number, and the trunk 0 before a mobile number", () => {
    for (const written of ["13800000001", "+8613800000001", "008613800000001", "8613800000001", "+86 0138 0000 0001", "+86-0138-0000-0001", "86013800000001", "0086013800000001", "013800000001", "(0138) 0000 0001"]) {
      expect(normaliseMsisdn(written), written).toBe("13800000001");
    }
  });

  it("leaves other numbers alone and refuses what is not a number", () => {
    expect(normaliseMsisdn("10690001")).toBe("10690001");
    expect(normaliseMsisdn("+441234567890")).toBe("441234567890");
    expect(normaliseMsisdn("01012345678")).toBe("01012345678"); // a Beijing landline keeps its 0
    expect(normaliseMsisdn("1380000000x")).toBeUndefined();
  });

  it("hashes and masks every form of one number alike", () => {
    const pii = createPiiProtector("k".repeat(32));
    expect(new Set(["13800000001", "+86 013800000001", "013800000001"].map((n) => pii.hash(n))).size).toBe(1);
    expect(pii.mask("+86013800000001")).toBe("138****0001");
  });
});

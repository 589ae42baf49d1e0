import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
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

  it("gives an 11-digit number the same form whether it is taken as written or through the full normalisation", () => {
    // A leading space sends a number through the trim and the patterns; as written, an 11-digit
    // mobile number is returned as it is. Both must agree for every first two digits.
    for (let first = 0; first <= 9; first++) {
      for (let second = 0; second <= 9; second++) {
        const number = `${first}${second}${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
        expect(normaliseMsisdn(number), number).toBe(normaliseMsisdn(` ${number}`));
      }
    }
    expect(normaliseMsisdn("1380000000x")).toBeUndefined();
    expect(normaliseMsisdn("１3800000001")).toBeUndefined(); // a full-width first digit is no digit here
  });

  it("hashes and masks every form of one number alike", () => {
    const pii = createPiiProtector("k".repeat(32));
    expect(new Set(["13800000001", "+86 013800000001", "013800000001"].map((n) => pii.hash(n))).size).toBe(1);
    expect(pii.mask("+86013800000001")).toBe("138****0001");
  });
});

describe("the keyed hash", () => {
  it("is HMAC-SHA256 under the key, truncated to 128 bits: the same bytes stored hashes were made with", () => {
    // Stored opt-outs, DND entries and journal rows were hashed with node:crypto's HMAC; the faster
    // hasher must give the same value or every stored hash would stop matching.
    const keys = ["k", "pii-key-0123456789abcdef0123456789abcdef", "x".repeat(100), "密钥"];
    const numbers = ["13800130001", "10690001", "+44 7700 900123", "abc", ""];
    for (const key of keys) {
      const pii = createPiiProtector(key);
      for (const number of numbers) {
        const expected = createHmac("sha256", key).update(normaliseMsisdn(number) ?? number).digest("hex").slice(0, 32);
        expect(pii.hash(number), `${key} / ${number}`).toBe(expected);
      }
    }
  });
});

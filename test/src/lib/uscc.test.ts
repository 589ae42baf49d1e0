import { describe, expect, it } from "vitest";
import { USCC_ALPHABET, isValidUscc, usccCheckCharacter, validateUscc } from "../../../src/lib/uscc.ts";

/** Builds a valid made-up code from its first 17 characters. */
const withCheck = (first17: string) => first17 + usccCheckCharacter(first17);

describe("USCC check character (GB 32100-2015)", () => {
  it("accepts the well-known example 91350100M000100Y43", () => {
    expect(usccCheckCharacter("91350100M000100Y4")).toBe("3");
    expect(validateUscc("91350100M000100Y43")).toEqual({ ok: true, value: "91350100M000100Y43" });
  });

  it("agrees with a hand computation", () => {
    // 9·1 + 1·3 + 3·9 + 5·27 + 0·19 + 1·26 + 0·16 + 0·17 + M(21)·20 + 0 … + 1·8 + 0·24 + 0·10 + Y(30)·30 + 4·28
    const sum = 9 * 1 + 1 * 3 + 3 * 9 + 5 * 27 + 1 * 26 + 21 * 20 + 1 * 8 + 30 * 30 + 4 * 28;
    expect(USCC_ALPHABET[31 - (sum % 31)]).toBe("3");
  });

  it("maps a remainder of 0 to check character 0", () => {
    // Search made-up codes until one has sum ≡ 0 (mod 31): its check character must be '0', not the 32nd symbol.
    let found: string | undefined;
    for (let n = 0; n < 10_000 && !found; n++) {
      const first17 = `9111010${String(n).padStart(10, "0")}`;
      if (usccCheckCharacter(first17) === "0") found = first17;
    }
    expect(found).toBeDefined();
    expect(validateUscc(`${found}0`).ok).toBe(true);
  });

  it("accepts lower case and surrounding spaces, returning the canonical form", () => {
    const code = withCheck("92440300MA5F00001");
    expect(validateUscc(`  ${code.toLowerCase()} `)).toEqual({ ok: true, value: code });
  });

  it("accepts made-up codes across authorities and categories", () => {
    for (const head of ["11", "12", "31", "51", "52", "53", "91", "92", "93", "A1", "N2", "Y1"]) {
      expect(isValidUscc(withCheck(`${head}110105MA01ABCD`.padEnd(17, "1")))).toBe(true);
    }
  });
});

describe("USCC refusals name the rule", () => {
  const valid = withCheck("91110105MA01XYW12");

  it("length", () => {
    expect(validateUscc(valid.slice(0, 17))).toMatchObject({ ok: false, rule: "length" });
    expect(validateUscc(`${valid}1`)).toMatchObject({ ok: false, rule: "length" });
    expect(validateUscc("")).toMatchObject({ ok: false, rule: "length" });
  });

  it("character set (I, O, S, V, Z and non-alphanumerics are not in the alphabet)", () => {
    for (const bad of ["I", "O", "S", "V", "Z", "-", "中"]) {
      const code = `${valid.slice(0, 10)}${bad}${valid.slice(11)}`;
      const result = validateUscc(code);
      expect(result).toMatchObject({ ok: false, rule: "charset" });
      if (!result.ok) expect(result.message).toContain("character 11");
    }
  });

  it("registration authority and category", () => {
    expect(validateUscc(withCheck("B1110105MA01XYW12"))).toMatchObject({ ok: false, rule: "registration_authority" });
    expect(validateUscc(withCheck("95110105MA01XYW12"))).toMatchObject({ ok: false, rule: "category" });
    expect(validateUscc(withCheck("Y2110105MA01XYW12"))).toMatchObject({ ok: false, rule: "category" });
  });

  it("check character: every wrong final character is refused", () => {
    const right = valid[17]!;
    for (const wrong of USCC_ALPHABET) {
      if (wrong === right) continue;
      const result = validateUscc(valid.slice(0, 17) + wrong);
      expect(result).toMatchObject({ ok: false, rule: "check_character" });
      if (!result.ok) expect(result.message).toContain(`'${right}'`);
    }
  });

  it("catches a single changed character in the body", () => {
    const body = valid.slice(0, 17);
    const changed = `${body.slice(0, 12)}${body[12] === "1" ? "2" : "1"}${body.slice(13)}${valid[17]}`;
    expect(validateUscc(changed)).toMatchObject({ ok: false, rule: "check_character" });
  });
});

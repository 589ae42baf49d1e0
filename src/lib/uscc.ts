/**
 * 统一社会信用代码 (Unified Social Credit Code), GB 32100-2015. Pure: no I/O.
 *
 * 18 characters: registration-authority code (1), organisation category (1), administrative
 * division of the registering office (6), subject identifier (9, the GB 11714 organisation code),
 * check character (1). The alphabet is the 31 characters 0-9 A-H J-N P-R T U W-Y (no I, O, Z, S, V);
 * each character's value is its index in that alphabet.
 */

export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/**
 * Registration-authority codes and the organisation categories each may issue (GB 32100-2015
 * Appendix A, with the later-assigned A = 中央军委改革和编制办公室 and N = 农业农村).
 */
export const USCC_CATEGORIES: Readonly<Record<string, string>> = {
  "1": "1239", // 机构编制: 机关, 事业单位, 中央编办直管群众团体, 其他
  "2": "19", // 外交
  "3": "1234569", // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, …
  "4": "19", // 文化
  "5": "1239", // 民政: 社会团体, 民办非企业单位, 基金会, 其他
  "6": "129", // 旅游
  "7": "129", // 宗教
  "8": "19", // 工会
  "9": "123", // 工商: 企业, 个体工商户, 农民专业合作社
  A: "19", // 中央军委改革和编制办公室
  N: "1239", // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
  Y: "1", // 其他
};

/** Which rule an invalid code broke, in the order they are checked. */
export type UsccRule = "length" | "charset" | "registration_authority" | "category" | "check_character";

export type UsccResult = { ok: true; value: string } | { ok: false; rule: UsccRule; message: string };

/** The check character for the first 17 characters (which must already be in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError("usccCheckCharacter needs exactly 17 characters");
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]!);
    if (value < 0) throw new RangeError(`'${first17[i]}' is not a USCC character`);
    sum += value * WEIGHTS[i]!;
  }
  const check = 31 - (sum % 31);
  return USCC_ALPHABET[check === 31 ? 0 : check]!;
}

/** Upper-cases and trims, then checks length, alphabet, authority, category and check character. */
export function validateUscc(input: string): UsccResult {
  const value = input.trim().toUpperCase();
  if (value.length !== 18) {
    return { ok: false, rule: "length", message: `must be exactly 18 characters, got ${value.length}` };
  }
  for (let i = 0; i < value.length; i++) {
    if (!USCC_ALPHABET.includes(value[i]!)) {
      return {
        ok: false,
        rule: "charset",
        message: `character ${i + 1} ('${value[i]}') is not allowed; use 0-9 and A-H J-N P-R T U W-Y (no I, O, S, V, Z)`,
      };
    }
  }
  const categories = USCC_CATEGORIES[value[0]!];
  if (!categories) {
    return { ok: false, rule: "registration_authority", message: `'${value[0]}' is not a registration-authority code` };
  }
  if (!categories.includes(value[1]!)) {
    return {
      ok: false,
      rule: "category",
      message: `'${value[1]}' is not an organisation category of registration authority '${value[0]}' (allowed: ${categories.split("").join(", ")})`,
    };
  }
  const expected = usccCheckCharacter(value.slice(0, 17));
  if (value[17] !== expected) {
    return { ok: false, rule: "check_character", message: `check character is '${value[17]}' but the first 17 characters give '${expected}'` };
  }
  return { ok: true, value };
}

export function isValidUscc(input: string): boolean {
  return validateUscc(input).ok;
}

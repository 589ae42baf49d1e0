import { describe, expect, it } from "vitest";
import { compilePattern } from "../../../../src/policy/content/patterns.ts";

const code = (source: string) => {
  const r = compilePattern(source);
  return r.ok ? "ok" : r.error.code;
};

describe("compilePattern: accepted patterns", () => {
  it.each(["[贷借]款.{0,10}(无抵押|秒批)", "日息\\d{1,3}(\\.\\d{1,4})?%", "\\p{Script=Han}{1,10}\\d{1,5}", "(?:ab)+", "(?<w>vx|wx)[:：]?\\w{4,20}", "a*b", "加\\s?[vV微]", "贷款.*秒批"])(
    "%j is accepted",
    (source) => expect(code(source)).toBe("ok"),
  );

  it("tests the folded text", () => {
    const r = compilePattern("[贷借]款.{0,10}(无抵押|秒批)");
    if (!r.ok) throw new Error(r.error.message);
    expect(r.pattern.test("贷款 当天 秒批")).toBe(true);
    expect(r.pattern.test("借款请走正规渠道")).toBe(false);
  });
});

describe("compilePattern: refused patterns, each with a reason", () => {
  it.each([
    ["(a+)+$", "pattern_nested_quantifier"],
    ["(a*)*b", "pattern_nested_quantifier"],
    ["(?:a+)+", "pattern_nested_quantifier"],
    ["((a+))+", "pattern_nested_quantifier"],
    ["(a|a)*$", "pattern_repeated_alternation"],
    ["(a|ab)+c", "pattern_repeated_alternation"],
    ["((a|b))+", "pattern_repeated_alternation"],
    ["\\d*\\d*\\d*x", "pattern_too_costly"],
    [".*a.*b", "pattern_too_costly"],
    // Accepted by the first version (two unbounded repeats were allowed): 3 minutes on 5,000 digits.
    ["\\d+\\D{0,5}\\d+x", "pattern_too_costly"],
    ["日息\\d+(\\.\\d+)?%", "pattern_too_costly"],
    ["(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)(m|n)(o|p)(q|r)(s|t)(u|v)(w|x)(y|z)(1|2)", "pattern_too_costly"],
    ["(\\w)\\1", "pattern_backreference"],
    ["(?<n>a)\\k<n>", "pattern_backreference"],
    ["(?=a)b", "pattern_lookaround"],
    ["(?<!a)b", "pattern_lookaround"],
    ["a{1,1000}", "pattern_repeat_too_large"],
    ["[", "pattern_invalid"],
    ["a++", "pattern_invalid"],
    ["", "pattern_too_long"],
    ["a".repeat(501), "pattern_too_long"],
  ])("%j → %s", (source, expected) => {
    const r = compilePattern(source);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(expected);
      expect(r.error.message.length).toBeGreaterThan(10);
    }
  });

  it("does not count characters inside a class or escaped as quantifiers or groups", () => {
    expect(code("[(+*|)]+x")).toBe("ok");
    expect(code("\\(a\\|b\\)+")).toBe("ok");
  });
});

describe("compilePattern: what is accepted cannot be made to hang", () => {
  it("runs every accepted pattern over long adversarial inputs", () => {
    const accepted = ["[贷借]款.{0,10}(无抵押|秒批)", "日息\\d{1,3}(\\.\\d{1,4})?%", "a*a{1,9}$", "(?:ab)+c", "\\d+\\D?\\d{1,4}x", "a{1,100}a{1,100}b"]
      .map(compilePattern)
      .flatMap((r) => (r.ok ? [r.pattern] : []));
    expect(accepted.length).toBe(6);
    const inputs = ["a".repeat(5000), "ab".repeat(2500), "1".repeat(5000), "贷款".repeat(2500), `日息${"1".repeat(5000)}.`];
    const started = performance.now();
    for (const p of accepted) for (const input of inputs) p.test(input);
    console.log(`patterns: ${accepted.length} accepted patterns × ${inputs.length} inputs of 5,000 characters in ${(performance.now() - started).toFixed(1)} ms`);
  });
});

import { describe, expect, it } from "vitest";
import { buildPhraseMatcher, foldForPhrases } from "../../../../src/policy/content/phrases.ts";

const rules = buildPhraseMatcher([
  { phrase: "加微信", ruleId: "contact" },
  { phrase: "加QQ", ruleId: "contact" },
  { phrase: "无抵押贷款", ruleId: "loan" },
  { phrase: "贷款", ruleId: "loan" },
  { phrase: "百家乐", ruleId: "gambling" },
]);
const ids = (text: string) => rules.match(text).map((h) => `${h.ruleId}:${h.phrase}`);

describe("phrase matcher: happy path", () => {
  it("returns each rule hit once, with its first phrase, in order of appearance", () => {
    expect(ids("百家乐上线，无抵押贷款，详询请加微信，或加QQ")).toEqual(["gambling:百家乐", "loan:无抵押贷款", "contact:加微信"]);
  });

  it("finds nothing in a normal notice", () => {
    expect(rules.match("您的快递已到达驿站，请凭取件码取件")).toEqual([]);
  });

  it("finds overlapping phrases and phrases that are suffixes of others (the classic he/she/hers case)", () => {
    const m = buildPhraseMatcher([
      { phrase: "he", ruleId: "a" },
      { phrase: "she", ruleId: "b" },
      { phrase: "hers", ruleId: "c" },
      { phrase: "his", ruleId: "d" },
    ]);
    expect(m.match("ushers").map((h) => h.ruleId)).toEqual(["b", "a", "c"]);
  });

  it("skips phrases that fold to nothing and counts the rest", () => {
    const m = buildPhraseMatcher([{ phrase: " ，", ruleId: "empty" }, { phrase: "贷款", ruleId: "loan" }]);
    expect(m.phraseCount).toBe(1);
    expect(m.match("， ，")).toEqual([]);
  });
});

describe("phrase matcher: an SP splitting or disguising a phrase", () => {
  it.each(["加 微 信", "加-微-信", "加*微*信", "加\u200b微\u200d信", "加，微。信", "ＱＱ：加qq", "加ＱＱ"])("%j still hits contact", (text) => {
    expect(rules.match(text).map((h) => h.ruleId)).toContain("contact");
  });

  it("folds phrases the same way as the text, so an operator's full-width phrase matches half-width text", () => {
    const m = buildPhraseMatcher([{ phrase: "ＶＩＰ 内部 群", ruleId: "x" }]);
    expect(m.match("进vip内部群").length).toBe(1);
    expect(foldForPhrases("ＶＩＰ 内部-群")).toBe("vip内部群");
  });

  it("takes another fold (the classifier's traditional→simplified one, later) for build and match alike", () => {
    const toSimplified = (s: string) => foldForPhrases(s).replace(/貸/g, "贷");
    const m = buildPhraseMatcher([{ phrase: "貸款", ruleId: "loan" }], toSimplified);
    expect(m.match("贷款").length).toBe(1);
    expect(m.match("貸款").length).toBe(1);
  });
});

describe("phrase matcher: the compact text decide() hands it", () => {
  it("passes over punctuation, symbols and emoji as it reads, finding what cutting them out first finds", () => {
    const m = buildPhraseMatcher([
      { phrase: "贷款", ruleId: "loan" },
      { phrase: "加微信", ruleId: "contact" },
      { phrase: "𠀀号", ruleId: "astral" },
    ]);
    for (const text of ["贷😀款", "加🀄微➕信", "𠀀号", "𠀀😀号", "贷\ud83d款", "贷款，加微信", "a.b贷~款c", "无关"]) {
      const compact = text.replace(/\s/g, "").toLowerCase();
      expect(m.matchCompact(compact), text).toEqual(m.match(text));
    }
    expect(m.matchCompact("贷😀款").map((h) => h.ruleId)).toEqual(["loan"]);
    expect(m.matchCompact("𠀀😀号").map((h) => h.ruleId)).toEqual(["astral"]);
    // Offsets count what is read: the hit after the emoji is still the second rule found.
    expect(m.matchCompact("贷😀款，加，微，信").map((h) => [h.ruleId, h.at])).toEqual([["loan", 0], ["contact", 2]]);
  });
});

describe("phrase matcher: scale", () => {
  it("matches exactly the right phrases out of 10,000", () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => ({ phrase: `违禁词${i}号`, ruleId: `r${i % 50}` }));
    const m = buildPhraseMatcher(entries);
    expect(m.phraseCount).toBe(10_000);
    expect(m.match("这里有违禁词1234号和违禁词77号").map((h) => `${h.ruleId}:${h.phrase}`)).toEqual(["r34:违禁词1234号", "r27:违禁词77号"]);
    expect(m.match("违禁词号")).toEqual([]);
  });
});

describe("phrase fold: separators", () => {
  it("removes exactly what /[\\p{P}\\p{S}]/u removes, for every code point", () => {
    const all: string[] = [];
    for (let point = 0; point <= 0x2ffff; point++) if (point < 0xd800 || point > 0xdfff) all.push(String.fromCodePoint(point));
    // In runs, so a separator's neighbours and surrogate pairs are exercised too.
    for (let start = 0; start < all.length; start += 64) {
      const text = all.slice(start, start + 64).join("");
      expect(foldForPhrases(text, { folded: true })).toBe(text.replace(/[\p{P}\p{S}]/gu, ""));
    }
  });
});

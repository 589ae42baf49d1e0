import { describe, expect, it } from "vitest";
import { DEFAULT_SHORTENERS, extractLinks, isShortener } from "../../../../src/policy/content/links.ts";

const domains = (text: string, shorteners?: readonly string[]) => extractLinks(text, { shorteners }).map((l) => l.registrableDomain);

describe("extractLinks: happy path", () => {
  it("finds a plain link with its host, registrable domain and the exact original slice", () => {
    expect(extractLinks("【云端】点击 https://m.shop.example.com.cn/a?b=1 领取")).toEqual([
      { raw: "https://m.shop.example.com.cn/a?b=1", host: "m.shop.example.com.cn", registrableDomain: "example.com.cn" },
    ]);
  });

  it("finds every link in order, with and without scheme", () => {
    expect(domains("官网 www.example.com，商城 http://shop.example.net/x 和 abc.cn/x")).toEqual(["example.com", "example.net", "abc.cn"]);
  });

  it("reports the original characters as raw even when the text was folded", () => {
    expect(extractLinks("访问ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ领取")[0]!.raw).toBe("ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ");
    expect(extractLinks("example 。 c o m 见")[0]!.raw).toBe("example 。 c o m");
  });
});

describe("extractLinks: what is not a link", () => {
  it.each(["3.5折", "1.2万", "12.50元", "v1.2.3", "版本1.2.3.4", "SF1234567890", "报告.pdf", "file.txt", "利率3.65%", "活动时间12.1-12.12", ""])(
    "%j gives nothing",
    (text) => expect(extractLinks(text)).toEqual([]),
  );

  it("keeps separately owned sites under a shared hosting suffix apart (private PSL entries)", () => {
    expect(domains("evil.github.io/x 和 good.github.io/y")).toEqual(["evil.github.io", "good.github.io"]);
    expect(domains("https://a.b.blogspot.com")).toEqual(["b.blogspot.com"]);
  });

  it("counts .zip as a link because it is a real TLD", () => {
    expect(domains("下载 report.zip")).toEqual(["report.zip"]);
  });

  it("drops trailing punctuation that belongs to the sentence", () => {
    expect(extractLinks("详见abc.cn/x。")[0]!.raw).toBe("abc.cn/x");
    expect(extractLinks("see (https://abc.cn/x).")[0]!.raw).toBe("https://abc.cn/x");
  });

  it("ignores a malformed URL instead of throwing", () => {
    expect(() => extractLinks("http://exa mple..com:99999999/")).not.toThrow();
    expect(extractLinks("http://:80/")).toEqual([]);
  });
});

describe("extractLinks: an SP hiding a link", () => {
  it("takes the host after @ as the browser does", () => {
    expect(domains("http://trusted.com@evil.com/login")).toEqual(["evil.com"]);
    expect(domains("trusted.com@evil.com")).toEqual(["evil.com"]);
    expect(domains("http://user:pass@evil.com:8443/")).toEqual(["evil.com"]);
  });

  it("turns Cyrillic and Greek look-alike letters into punycode, so they never equal the approved Latin domain", () => {
    const [link] = extractLinks("登录 pаypal.com 验证"); // Cyrillic а
    expect(link!.host).toBe("xn--pypal-4ve.com");
    expect(link!.registrableDomain).not.toBe("paypal.com");
    expect(domains("еxample.com")).not.toEqual(["example.com"]); // Cyrillic е
    expect(domains("examρle.com")).not.toEqual(["example.com"]); // Greek rho
  });

  it("does not cut a host at a letter of another script, which would report the approved domain behind it", () => {
    for (const glue of ["\uab7c", "\u0561", "\u05d0", "\u0e01", "\u10d0"]) {
      // Cherokee, Armenian, Hebrew, Thai, Georgian letters glued in front of the approved domain
      const found = domains(`evil${glue}example.com`);
      expect(found.length, glue).toBe(1);
      expect(found[0], glue).not.toBe("example.com");
    }
  });

  it("still reports a link-like host that the URL parser refuses", () => {
    const [link] = extractLinks("访问 exa\u05d0mple.com 领取");
    expect(link?.registrableDomain).not.toBe("example.com");
    expect(link?.registrableDomain).toBeTruthy();
  });

  it("canonicalises IP addresses, including the decimal and hex forms", () => {
    expect(domains("http://3232235777/x")).toEqual(["192.168.1.1"]);
    expect(domains("http://0x7f.1/")).toEqual(["127.0.0.1"]);
    expect(domains("10.0.0.1:8080/admin")).toEqual(["10.0.0.1"]);
    expect(domains("访问 47.100.1.2 领取")).toEqual(["47.100.1.2"]);
    expect(domains("升级到版本 1.2.3.4 或 v2.0.0.1")).toEqual([]);
  });

  it("undoes disguised dots, schemes, spacing and invisible characters", () => {
    for (const text of ["example[.]com", "example(dot)com", "example 。 c o m", "e x a m p l e . c o m", "hxxps://example.com", "h t t p : / / example.com",
      "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ", "ex\u200bam\u2060ple.com", "EXAMPLE.COM", "example点com", "www。example。com", "example,com", "example，com"]) {
      expect(domains(text), text).toEqual(["example.com"]);
    }
  });

  it("finds a link glued to Chinese text on both sides", () => {
    expect(domains("请点击http://abc.cn请尽快")).toEqual(["abc.cn"]);
    expect(domains("戳abc.cn领奖")).toEqual(["abc.cn"]);
  });
});

describe("shorteners", () => {
  it("marks public shorteners from the default list, also by subdomain", () => {
    expect(extractLinks("t.cn/AbC1")[0]!.shortener).toBe(true);
    expect(extractLinks("https://m.tb.cn/h.x")[0]!.shortener).toBe(true);
    expect(extractLinks("example.com/x")[0]!.shortener).toBeUndefined();
  });

  it("uses the operator's list when given one", () => {
    expect(extractLinks("t.cn/x", { shorteners: ["s.example.com"] })[0]!.shortener).toBeUndefined();
    expect(extractLinks("https://s.example.com/x", { shorteners: ["s.example.com"] })[0]!.shortener).toBe(true);
  });

  it("isShortener compares whole labels, not suffixes of a label", () => {
    expect(isShortener("t.cn")).toBe(true);
    expect(isShortener("x.t.cn")).toBe(true);
    expect(isShortener("at.cn")).toBe(false);
    expect(isShortener("T.CN.")).toBe(true);
    expect(DEFAULT_SHORTENERS).toContain("bit.ly");
  });
});

describe("extractLinks: cost on hostile input", () => {
  // Regression: the scheme rewrite had four overlapping unbounded runs (h[\s*]*[tx*][\s*]*…) and
  // took 16 s on "h" followed by 3,000 asterisks. The bound is 10× anything seen under load.
  it.each([
    ["h + 5,000 asterisks", `h${"*".repeat(5000)}`],
    ["h + 5,000 spaces", `h${" ".repeat(5000)}x`],
    ["2,500 a.", "a.".repeat(2500)],
    ["2,500 a@", "a@".repeat(2500)],
    ["1,200 a[.]", "a[.]".repeat(1200)],
    ["600 hxxp://", "hxxp:// ".repeat(600)],
  ])("%s takes well under a second", (_, text) => {
    const started = performance.now();
    extractLinks(text);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

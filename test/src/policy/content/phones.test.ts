import { describe, expect, it } from "vitest";
import { classifyByPatterns, classifyDigits, extractPhoneNumbers, readPhoneNumbers } from "../../../../src/policy/content/phones.ts";

const numbers = (text: string) => extractPhoneNumbers(text).map((p) => `${p.kind}:${p.normalised}`);

describe("extractPhoneNumbers: happy path", () => {
  it("finds each kind with its normalised digits and the original slice", () => {
    expect(extractPhoneNumbers("客服 +86 138-0000-0001")).toEqual([{ raw: "+86 138-0000-0001", normalised: "13800000001", kind: "mobile" }]);
    expect(numbers("拨打400-123-4567或800 123 4567")).toEqual(["400:4001234567", "800:8001234567"]);
    expect(numbers("致电95588，或96199，或10086")).toEqual(["95:95588", "96:96199", "short:10086"]);
    expect(numbers("总机010-12345678，分部0755-1234567")).toEqual(["landline:01012345678", "landline:07551234567"]);
    expect(numbers("电话 87654321")).toEqual(["other:87654321"]);
    expect(numbers("Call +852 2345 6789 now")).toEqual(["other:+85223456789"]);
    expect(numbers("+1 415-555-0100")).toEqual(["other:+14155550100"]);
    expect(numbers("+86 10 1234 5678")).toEqual(["landline:01012345678"]);
  });

  it("classifies by exact shape", () => {
    expect(classifyDigits("008613800000001")).toEqual({ kind: "mobile", normalised: "13800000001" });
    expect(classifyDigits("12800000001")).toBeNull(); // 12x is no mobile prefix
    expect(classifyDigits("138000000012")).toBeNull(); // 12 digits
    expect(classifyDigits("400123")).toBeNull(); // too short for 400, too short for a local number
    expect(classifyDigits("4001234")).toEqual({ kind: "other", normalised: "4001234" }); // a 7-digit local number by shape
  });
});

describe("extractPhoneNumbers: codes, amounts, dates and orders are not phone numbers", () => {
  it.each([
    "您的验证码是123456，5分钟内有效", "验证码：95588", "95588是您的验证码", "您的动态码 10086", "消费95588元", "余额95588.00元", "¥12345",
    "2026-12-01", "2026/12/01 13:00", "12月1日", "10:30", "尾号1234", "卡号尾号95588", "运单号SF1234567890", "订单号 2026120112345678",
    "取件码 12345", "第12306期", "A95588", "编号87654321", "12345678", "1.2.3", "10.0.0.1", "您的验证码是482913，5分钟内有效，请勿泄露。", "快递单号SF1234567890，请注意查收。",
  ])("%j gives nothing", (text) => expect(extractPhoneNumbers(text)).toEqual([]));
});

describe("extractPhoneNumbers: an SP hiding a number", () => {
  it("joins groups split by spaces, dashes, dots, brackets, full-width and invisible characters", () => {
    for (const text of ["138 0000 0001", "138-0000-0001", "138.0000.0001", "(138)00000001", "１３８００００００01", "1\u200b3\u200b8\u200b00000001",
      "1 3 8 0 0 0 0 0 0 0 1", "①③⑧00000001", "138\u30000000\u30000001", "86 13800000001", "138…0000…0001", "138－0000－0001", "138／0000／0001",
      "138·0000·0001", "138—0000—0001", "(138)０0000001"]) {
      expect(numbers(text), text).toEqual(["mobile:13800000001"]);
    }
  });

  it("reads a number spelled in Chinese numerals or with O/l for 0/1", () => {
    expect(numbers("加我一三八零零零零零零零一")).toEqual(["mobile:13800000001"]);
    expect(numbers("壹叁捌零零零零零零零壹")).toEqual(["mobile:13800000001"]);
    expect(numbers("138OOOOOOO1")).toEqual(["mobile:13800000001"]);
    expect(numbers("138-oooo-ooo1")).toEqual(["mobile:13800000001"]);
  });

  it("reads numerals that only fold into Chinese numerals (Kangxi radicals, compatibility ideographs)", () => {
    // ⼀ (U+2F00) and ⼋ (U+2F0B) are Han script but not the unified 一 and 八; NFKC makes them so.
    expect(numbers("客服电话⼀三⼋⼋⼋⼋⼋⼋⼋⼋⼋")).toEqual(["mobile:13888888888"]);
    expect(numbers("验证码 123456，客服⼀三⼋⼋⼋⼋⼋⼋⼋⼋⼋")).toEqual(["mobile:13888888888"]);
  });

  it("leaves Chinese numerals in running text and letters after short numbers alone", () => {
    for (const text of ["一二三四五六七八九十", "二〇二六年十二月一日", "第一二三期", "10000lol", "容量500ml", "Room 101", "Room 101 lol 1o1"]) {
      expect(extractPhoneNumbers(text), text).toEqual([]);
    }
  });

  it("reports a strong-shaped number whatever the words around it", () => {
    expect(numbers("验证码13800000001")).toEqual(["mobile:13800000001"]);
    expect(numbers("订单号13800000001")).toEqual(["mobile:13800000001"]);
    expect(numbers("13800000001元")).toEqual(["mobile:13800000001"]);
    expect(numbers("加v13800000001")).toEqual(["mobile:13800000001"]);
  });

  it("does not let a code in front of a mobile swallow it", () => {
    expect(numbers("验证码1234 13800000001")).toEqual(["mobile:13800000001"]);
    expect(numbers("验证码123456，如有疑问请致电95588")).toEqual(["95:95588"]);
  });

  it("does not find a mobile inside a longer run of digits", () => {
    expect(numbers("113800000001")).toEqual([]);
    expect(numbers("SF13800000001234")).toEqual([]);
  });
});

describe("extractPhoneNumbers: cost on hostile input", () => {
  // Regression: the o/l-for-digit reading ended in (?![a-z]) and rescanned the rest of the text from
  // every digit of "1o1o1o…" (quadratic: 129 ms on 5,000 characters, seconds on 40,000). The bound is generous for load.
  it.each([
    ["1o × 20,000", "1o".repeat(20000)],
    ["1 × 5,000 spaced", "1 ".repeat(5000)],
    ["1- × 5,000", "1-".repeat(5000)],
    ["一 × 10,000", "一".repeat(10000)],
  ])("%s takes well under a second", (_, text) => {
    const started = performance.now();
    extractPhoneNumbers(text);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("extractPhoneNumbers: the fast exits agree with the reader", () => {
  it("gives what the full reader gives on 20,000 random texts of digits, gaps, Han, punctuation, +, o and l", () => {
    const alphabet = ["1", "3", "8", "0", "4", "9", "5", "2", "6", "7", " ", "-", ".", "(", ")", "/", "·", "—", "－", "．", "（", "）", "／", "…", "+", "＋", "，", "。",
      "验", "码", "电", "话", "元", "号", "一", "三", "八", "o", "l", "s", "f", "１", "\u3000", "⼀"];
    let x = 7;
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 20_000; n++) {
      let text = "";
      for (let i = 0, length = 4 + (next() % 24); i < length; i++) text += alphabet[next() % alphabet.length];
      expect(extractPhoneNumbers(text), JSON.stringify(text)).toEqual(readPhoneNumbers(text));
    }
  });
});

describe("classifyDigits: the shapes by length and first digit", () => {
  it("gives what the patterns give, for every length up to 17 and every likely prefix", () => {
    let seed = 3;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const prefixes = ["", "0", "1", "13", "10", "4", "400", "8", "800", "86", "8610", "86138", "0086", "0086138", "008610", "010", "021", "0755", "95", "96", "2", "9"];
    let found = 0;
    for (const prefix of prefixes) {
      for (let length = 1; length <= 17; length++) {
        for (let k = 0; k < 40; k++) {
          let digits = prefix.slice(0, length);
          while (digits.length < length) digits += String(random(10));
          const expected = classifyByPatterns(digits);
          expect(classifyDigits(digits), digits).toEqual(expected);
          if (expected !== null) found++;
        }
      }
    }
    expect(found).toBeGreaterThan(1000);
  });
});

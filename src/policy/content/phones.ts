/**
 * Call-back numbers in a message, for the rule that a message may only give the enterprise's
 * registered service numbers.
 *
 * The rule that tells a phone number from a one-time code, an amount, a date or an order number:
 * 1. Digits are read after folding (full-width １３８ → 138, ① → 1, invisible characters removed);
 *    seven or more Chinese numerals in a row (一三八零零…, 壹叁捌…) and a digit run with o for 0 or
 *    l for 1 (138ooooooo1, at least 3 real digits) are read as digits.
 *    Groups of digits separated by at most three spaces, hyphens, dots, slashes or brackets are joined
 *    ("138 0000 0001", "+86-138-0000-0001", "(010)1234-5678"); a run of digits without separators is
 *    always taken whole, so "SF1234567890" or an 18-digit order number never hides an 11-digit mobile.
 * 2. The joined digits must have an exact shape: mobile 1[3-9] + 9 digits (optionally 86/0086 in
 *    front), 400/800 + 7 digits, a landline 0 + area code + 7–8 digits (10–12 digits; +86 10… without
 *    the 0 too), 95/96 + 3–4 digits, a short service number 10/11/12 + 3–4 digits, or (only after
 *    电话/致电/拨打/客服/tel…) a 7–8 digit local number ("other"). A foreign number written with +
 *    and 8–15 digits (+852 2345 6789) is "other", normalised with its +, and always reported.
 * 3. Strong shapes (mobile, 400, 800, landline) are reported whatever the words around them: a
 *    one-time code is 4–8 digits, an amount of 13,800,000,001 元 is not a real message, so an SP
 *    gains nothing by wrapping a mobile number in 验证码/元/订单号. Weak shapes (95, 96, short,
 *    other: 5–8 digits) are dropped when the same clause says they are something else: a code
 *    (验证码, 校验码, 动态码, code, 取件码… before, or "…是您的验证码" after), an amount (¥, ￥,
 *    RMB, 金额, 余额… before; 元, 万, .xx, %… after), a date or time (年月日号时点分秒 after, or the
 *    yyyy-mm-dd shape), a version or IPv4 address (1.2.3, 10.0.0.1), a card tail (尾号, 卡号…) or an order/tracking number (订单号, 运单号, 快递…),
 *    or when letters are glued to them (A95588 is a code).
 */
import { scanBody, type BodyScan } from "./body-scan.ts";
import { charTest } from "./char-test.ts";
import { foldMapped, rawSlice, replaceMapped, type Mapped } from "./mapped.ts";

export type PhoneKind = "mobile" | "landline" | "400" | "800" | "95" | "96" | "short" | "other";

export interface ExtractedPhone {
  /** The slice of the original message. */
  readonly raw: string;
  /** Digits only, without the 86/0086 country prefix. */
  readonly normalised: string;
  readonly kind: PhoneKind;
}

const STRONG: ReadonlySet<PhoneKind> = new Set(["mobile", "landline", "400", "800"]);
const GAP = /^[\s\-–—.()/·]{1,3}$/;
const CLAUSE_END = /[，。；！？,;!?\n]/;
/** CLAUSE_END for one UTF-16 unit, without a regex call per character. */
function isClauseEnd(c: number): boolean {
  return c === 0xff0c || c === 0x3002 || c === 0xff1b || c === 0xff01 || c === 0xff1f || c === 0x2c || c === 0x3b || c === 0x21 || c === 0x3f || c === 0x0a;
}
const BEFORE_WINDOW = 12;
const AFTER_WINDOW = 10;

const CODE_BEFORE = /(验证码|校验码|动态码|确认码|激活码|授权码|短信码|取件码|提货码|密码|口令|code|otp|pin)\D{0,6}$/;
const CODE_AFTER = /^\D{0,4}(验证码|校验码|动态码|确认码|激活码|授权码|取件码|code|otp)/;
const AMOUNT_BEFORE = /(¥|￥|\$|rmb|人民币|金额|余额|消费|支付|付款|收款|转账|扣款|到账|支出|收入|充值|还款|欠款|共计|合计|价格|售价|仅需|只需|优惠|满|减|积分|分值|point)\s*[:：]?\s*$/;
const AMOUNT_AFTER = /^\s*(\.\d|元|块|圆|万|亿|千|百|角|rmb|美元|港币|积分|%|折|个|件|次|人|条|g\b|kg|ml)/;
const DATE_AFTER = /^\s*(年|月|日|号|时|点|分|秒|天|周|小时)/;
const DATE_SHAPE = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;
/** A version number or an IPv4 address: 1.2.3, 10.0.0.1. */
const DOTTED = /^\d{1,3}(\.\d{1,3}){2,}$/;
const TAIL_OR_ORDER_BEFORE = /(尾号|末四位|后四位|卡号|账号|账户|运单号|订单号|单号|快递|物流|编号|工单|流水号|交易号|序号|第)\D{0,6}$/;
const PHONE_WORD_BEFORE = /(电话|致电|拨打|联系|热线|客服|手机|座机|来电|tel|call|phone|☎|📞)\D{0,6}$/;

/** The kind of a string of digits by its shape alone, and the digits without country prefix. */
export function classifyDigits(digits: string): { kind: PhoneKind; normalised: string } | null {
  return mayHaveShape(digits.length, digits.charCodeAt(0)) ? classifyByPatterns(digits) : null;
}

/** classifyDigits without its exit on length and first digit (exported so a test holds the two to each other). */
export function classifyByPatterns(digits: string): { kind: PhoneKind; normalised: string } | null {
  const intl = /^(?:0086|86)(1[3-9]\d{9})$/.exec(digits);
  if (intl) return { kind: "mobile", normalised: intl[1]! };
  if (/^1[3-9]\d{9}$/.test(digits)) return { kind: "mobile", normalised: digits };
  // +86 10 1234 5678: a landline written internationally drops the trunk 0.
  const intlLandline = /^(?:0086|86)([1-9]\d{8,10})$/.exec(digits);
  if (intlLandline && classifyDigits(`0${intlLandline[1]}`)?.kind === "landline") return { kind: "landline", normalised: `0${intlLandline[1]}` };
  if (/^400\d{7}$/.test(digits)) return { kind: "400", normalised: digits };
  if (/^800\d{7}$/.test(digits)) return { kind: "800", normalised: digits };
  if (/^0(?:10|2\d|[3-9]\d{2})\d{7,8}$/.test(digits) && digits.length <= 12) return { kind: "landline", normalised: digits };
  if (/^95\d{3,4}$/.test(digits)) return { kind: "95", normalised: digits };
  if (/^96\d{3,4}$/.test(digits)) return { kind: "96", normalised: digits };
  if (/^1[0-2]\d{3,4}$/.test(digits)) return { kind: "short", normalised: digits };
  if (/^[2-8]\d{6,7}$/.test(digits)) return { kind: "other", normalised: digits };
  return null;
}

/**
 * Whether some shape below has this length and first digit, before any pattern runs (the shapes'
 * lengths: none under 5 digits, 95/96/short 5–6,
 * other 7–8, 400/800 10, mobile 11, landline 10–12, 86 + mobile 13, 0086 + mobile 15, 86/0086 +
 * landline without its 0 11–15). Order and tracking numbers (SF1234567890: ten digits from 1)
 * stop here, before any pattern runs.
 */
function mayHaveShape(length: number, first: number): boolean {
  const zero = first === 0x30;
  const eight = first === 0x38;
  if (length < 5) return false;
  // Five or six digits are only 95/96 or a short number (1[0-2]…): a one-time code such as 482913
  // is told apart by its first digit.
  if (length <= 6) return first === 0x39 || first === 0x31;
  if (length <= 8) return true;
  if (length === 9 || length > 15) return false;
  if (length === 10) return zero || first === 0x34 || eight;
  if (length === 11) return zero || first === 0x31 || eight;
  if (length === 12) return zero || eight;
  return zero || eight;
}

interface Group {
  readonly start: number;
  readonly end: number;
}

/**
 * The shortest number read is 5 digits (95xxx); digits can also come from full-width or circled
 * digits (any non-ASCII \p{N}), seven Chinese numerals in a row, or o/l among at least 3 digits.
 * A text with fewer than 5 ASCII digits, no other number character and fewer than 7 Chinese
 * numerals in all holds no phone number: the fast path of most marketing and notification texts.
 * The counts come from the body scan (body-scan.ts), one pass shared with the link reader. A
 * Kangxi radical (⼀ ⼋) or compatibility ideograph is Han script too, but folds into a numeral
 * (⼀ → 一): the scan counts it as unusual, not plain.
 */
/** No phone number can be read: fewer than 5 digits and nothing that folds or reads into more. */
function cannotHoldPhone(scan: BodyScan): boolean {
  if (scan.digits >= 5 || scan.unusual || scan.numerals >= 7) return false;
  return !(scan.digits >= 3 && scan.lettersOl);
}

/** `scan`: scanBody(text), when the caller has it already (decide() scans each body once). */
export function extractPhoneNumbers(text: string, scan: BodyScan = scanBody(text)): ExtractedPhone[] {
  if (cannotHoldPhone(scan)) return [];
  if (!scan.unusual && !scan.lettersOl && scan.numerals < 7 && scan.oneForOne && noShapeAsWritten(text)) return [];
  return readPhoneNumbers(text, scan.numerals >= 7);
}

/**
 * The reader itself, without the fast exits (exported so a test can hold the exits to it).
 * `mayHaveChineseRun` false skips the numeral-run rewrite when the text as written has fewer than
 * seven numerals; a text the fold changes gets it anyway (the fold may make numerals).
 */
export function readPhoneNumbers(text: string, mayHaveChineseRun = true): ExtractedPhone[] {
  const folded = foldMapped(text);
  const m = digitsAsWritten(folded, mayHaveChineseRun || folded.from !== undefined);
  const groups = digitGroups(m.text);
  const out: ExtractedPhone[] = [];
  for (let i = 0; i < groups.length; ) {
    const found = longestNumberFrom(m.text, groups, i);
    if (found === null) {
      i++;
      continue;
    }
    const start = groups[i]!.start;
    const end = groups[found.last]!.end;
    if (STRONG.has(found.kind) || found.international || !explainedAway(m.text, start, end, found.kind)) {
      const plus = start > 0 && m.text[start - 1] === "+" ? 1 : 0;
      out.push({ raw: rawSlice(m, start - plus, end), normalised: found.normalised, kind: found.kind });
    }
    i = found.last + 1;
  }
  return out;
}

/** GAP's characters as written in a text that folds one for one (full-width forms fold into them). */
const WRITTEN_GAP = charTest(/^[\s\-–—.()/·－．（）／]$/);

/**
 * The reader's answer without folding, for a text of plain characters that folds one for one, with
 * no Chinese numeral run and no o or l to read as digits: its digit runs as written are the folded
 * text's groups. Such a text holds no number when no two runs are joined by a gap and no run alone
 * has a phone shape or is an international number after +. Most one-time codes ("验证码482913")
 * and order numbers ("SF1234567890") end here.
 */
function noShapeAsWritten(text: string): boolean {
  let previousEnd = -1;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c >= 0xff10 && c <= 0xff19) return false; // a full-width digit: the fold makes it a digit
    if (!isDigit(c)) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (previousEnd >= 0 && start - previousEnd <= 3) {
      let gap = true;
      for (let k = previousEnd; k < start; k++) gap &&= WRITTEN_GAP.has(text.charCodeAt(k));
      if (gap) return false;
    }
    const length = i - start;
    if (mayHaveShape(length, text.charCodeAt(start)) && classifyByPatterns(text.slice(start, i)) !== null) return false;
    const before = start > 0 ? text.charCodeAt(start - 1) : 0;
    if (length >= 8 && (before === 0x2b || before === 0xff0b)) return false;
    previousEnd = i;
  }
  return true;
}

const CHINESE_DIGIT: Readonly<Record<string, string>> = {
  〇: "0", 零: "0", 一: "1", 壹: "1", 幺: "1", 二: "2", 贰: "2", 两: "2", 三: "3", 叁: "3", 四: "4", 肆: "4",
  五: "5", 伍: "5", 六: "6", 陆: "6", 七: "7", 柒: "7", 八: "8", 捌: "8", 九: "9", 玖: "9",
};
/** Seven or more Chinese numerals in a row: a number spelled out (一三八零…), never running text. */
const CHINESE_RUN = /[〇零一壹幺二贰两三叁四肆五伍六陆七柒八捌九玖]{7,}/g;
/**
 * Digits with o for 0 or l for 1 between them (folded: O and L too), 138OOOOOOO1, 138-oooo-ooo1;
 * read so only with at least 3 real digits and when the result has a strong shape.
 */
const LETTER_DIGITS = /\d(?:[-\s.]?[\dol]){5,}[-\s.]?\d/g;
const DIGIT_THEN_LETTER = /\d[-\s.]?[ol]/;

/** Digits written as Chinese numerals or look-alike letters, turned into digits (mapping kept). */
function digitsAsWritten(m: Mapped, mayHaveChineseRun: boolean): Mapped {
  const chinese = mayHaveChineseRun ? replaceMapped(m, CHINESE_RUN, (x) => [...x[0]].map((c) => CHINESE_DIGIT[c]).join("")) : m;
  // A LETTER_DIGITS match that holds an o or l has one right after a digit (or after a digit and
  // one separator); without that, every match is plain digits and is left as it is.
  if (!DIGIT_THEN_LETTER.test(chinese.text)) return chinese;
  return replaceMapped(chinese, LETTER_DIGITS, (x) => {
    if ((x[0].match(/\d/g)?.length ?? 0) < 3) return x[0];
    const read = x[0].replace(/o/g, "0").replace(/l/g, "1");
    // Only when that gives a mobile, 400, 800 or landline number: "101 lol" stays text.
    const kind = classifyDigits(read.replace(/\D/g, ""))?.kind;
    return kind !== undefined && STRONG.has(kind) ? read : x[0];
  });
}

/** The longest join of groups i..j (separated by short gaps) that has a phone shape. */
interface Found {
  readonly last: number;
  readonly kind: PhoneKind;
  readonly normalised: string;
  /** Written with + and a country code other than 86: reported like a strong shape. */
  readonly international?: true;
}

function longestNumberFrom(text: string, groups: readonly Group[], i: number): Found | null {
  const plus = text[groups[i]!.start - 1] === "+";
  let digits = "";
  let best: Found | null = null;
  for (let j = i; j < groups.length; j++) {
    if (j > i && !GAP.test(text.slice(groups[j - 1]!.end, groups[j]!.start))) break;
    digits += text.slice(groups[j]!.start, groups[j]!.end);
    if (digits.length > 15) break;
    // After + comes a country code: +1 415… is not the mobile 141…; only +86 is read as Chinese.
    if (plus && !digits.startsWith("86")) {
      if (digits.length >= 8) best = { last: j, kind: "other", normalised: `+${digits}`, international: true };
      continue;
    }
    const c = classifyDigits(digits);
    if (c !== null) best = { last: j, ...c };
  }
  return best;
}

/** True when the clause around a weak-shaped number says it is a code, amount, date, tail or order. */
function explainedAway(text: string, start: number, end: number, kind: PhoneKind): boolean {
  const before = clauseBefore(text, start);
  const after = clauseAfter(text, end);
  if (/[a-z]$/.test(before) || /^[a-z]/.test(after)) return true;
  if (DATE_SHAPE.test(text.slice(start, end)) || DOTTED.test(text.slice(start, end))) return true;
  if (CODE_BEFORE.test(before) || CODE_AFTER.test(after)) return true;
  if (AMOUNT_BEFORE.test(before) || AMOUNT_AFTER.test(after)) return true;
  if (DATE_AFTER.test(after) || TAIL_OR_ORDER_BEFORE.test(before)) return true;
  return kind === "other" && !PHONE_WORD_BEFORE.test(before);
}

function clauseBefore(text: string, start: number): string {
  let from = Math.max(0, start - BEFORE_WINDOW);
  for (let k = start - 1; k >= from; k--) {
    if (isClauseEnd(text.charCodeAt(k))) {
      from = k + 1;
      break;
    }
  }
  const before = text.slice(from, start);
  return before.endsWith("+") ? before.slice(0, -1) : before;
}

/** The runs of ASCII digits (what /\d+/g finds), without a regex iterator. */
function digitGroups(text: string): Group[] {
  const groups: Group[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!isDigit(text.charCodeAt(i))) continue;
    const start = i;
    while (i + 1 < text.length && isDigit(text.charCodeAt(i + 1))) i++;
    groups.push({ start, end: i + 1 });
  }
  return groups;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function clauseAfter(text: string, end: number): string {
  const window = text.slice(end, end + AFTER_WINDOW);
  const stop = window.search(CLAUSE_END);
  return stop < 0 ? window : window.slice(0, stop);
}

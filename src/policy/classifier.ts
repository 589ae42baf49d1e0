import type { Category } from "./types.ts";
import { foldCompact, foldForClassification } from "./text.ts";

/**
 * What a message reads as. The result is the LEAST category the text can honestly be filed under:
 *  - marketing when it carries marketing evidence (strong words, or two different weak ones);
 *  - else notification when it carries notification evidence and no verification evidence;
 *  - else verification (a text with no evidence at all widens no scope, so it ranks lowest).
 * decide() escalates the declared category to this one, never down.
 *
 * A message DECLARED verification must read as one — a verification word (验证码, code …) AND a
 * code (4–8 digits, or 4–8 letters and digits with at least one digit); otherwise the declaration
 * counts for nothing and the message is judged by its content alone, where a single marketing
 * signal, strong or weak, makes it marketing (see judgeCategory).
 *
 * Matching is one pass of one precompiled regex over the folded text (foldForClassification: NFKC,
 * lower case, invisible characters removed, traditional → simplified, separators inside Chinese
 * words and between spaced-out letters removed). Chinese keywords tolerate spaces between their characters ("优 惠"), English
 * ones need word boundaries ("sale" but not "wholesale"). Single characters that the brief lists
 * (送, 折, 券) are matched only in compounds, because alone they sit inside everyday notification
 * words: 发送, 配送, 送达, 周折, 折叠, 证券, 债券. Those compounds are listed as NEUTRAL entries: the
 * regex consumes them first, so the weaker entries cannot match inside them.
 */

export interface Classification {
  category: Category;
  /** A verification word and a code: what a message declared VER must carry. */
  readsAsVerification: boolean;
  /** How many distinct marketing signals (strong, weak, short links) were seen. */
  marketingSignals: number;
  /** What was seen, e.g. "marketing:优惠券", "verification:验证码", "link", "short_link", "digit_code". */
  signals: string[];
}

type Kind = "strong" | "weak" | "verification" | "notification" | "link" | "short_link" | "digit_code" | "neutral";

/** Chinese keyword → pattern that allows whitespace between its characters. */
function cjk(word: string): string {
  return Array.from(word, (ch) => ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s*");
}
function en(words: string): string {
  return `\\b(?:${words})\\b`;
}

// Order matters only between entries that can start at the same position: longer first.
const ENTRIES: readonly (readonly [Kind, string, string])[] = [
  // Neutral compounds that contain a marketing character but are everyday words.
  ["neutral", "", ["证券", "债券", "国债", "发送", "配送", "送达", "送货", "运送", "护送", "周折", "折叠", "折旧", "折算", "骨折"].map(cjk).join("|")],
  // Strong marketing: one is enough.
  ["strong", "优惠券", ["优惠券", "代金券", "现金券", "抵用券", "满减券", "购物券", "礼券"].map(cjk).join("|")],
  ["strong", "优惠", cjk("优惠")],
  ["strong", "促销", cjk("促销")],
  ["strong", "特价", cjk("特价")],
  ["strong", "限时", cjk("限时")],
  ["strong", "抢购", cjk("抢购")],
  ["strong", "秒杀", cjk("秒杀")],
  ["strong", "大促", cjk("大促")],
  ["strong", "会员日", cjk("会员日")],
  ["strong", "红包", cjk("红包")],
  ["strong", "打折", `${cjk("打折")}|${cjk("折扣")}|${cjk("折起")}`],
  ["strong", "N折", "(?:\\d\\s*\\.\\s*\\d|\\d|[一二三四五六七八九两])\\s*折"],
  ["strong", "满减", `满\\s*\\d+\\s*(?:元\\s*)?减`],
  ["strong", "买赠", `买\\s*[一二三\\d]\\s*送|买\\s*[一二三\\d]\\s*赠`],
  ["strong", "0元", "(?<![\\d.])0\\s*元"],
  ["strong", "回复订购", "回\\s*复?[^，。,.!?！？\\n]{0,8}?订\\s*购"],
  ["strong", "包邮", cjk("包邮")],
  ...(["半价", "特惠", "清仓", "甩卖", "直降", "立减", "钜惠", "巨惠", "狂欢", "酬宾", "让利", "团购", "拼团", "抽奖", "爆款", "折上折", "满送", "大放送", "优选好物", "买一送一", "跳楼价", "亏本", "低价", "超值", "疯抢", "开抢", "抢先", "神券", "领券", "补贴", "年货节", "双十一", "双11", "双12", "618大促", "店庆", "周年庆", "开业", "新品首发", "预售", "尾货"] as const).map((word) => ["strong", word, cjk(word)] as const),
  ["strong", "sale", en("sale|sales event|flash sale")],
  ["strong", "discount", en("discounts?|\\d+\\s*%\\s*off|\\d+\\s*percent\\s*off|half\\s*price|clearance|promo(?:tion)?s?(?:\\s*code)?|coupons?|vouchers?|cashback|black friday")],
  // Pinyin spellings of the strong words (youhui 大放送, hongbao 已到账).
  ["strong", "pinyin", en("youhui|hongbao|cuxiao|tejia|miaosha|qianggou|zhekou|manjian|baoyou|qingcang")],
  ["strong", "limited time", en("limited time|shop now|buy one get one|bogo")],
  // Weak marketing: two different ones are needed.
  ["weak", "赠送", `${cjk("赠送")}|送\\s*[您你]|加\\s*送|就\\s*送|即\\s*送|免\\s*费\\s*送|送\\s*好\\s*礼`],
  ["weak", "免费", cjk("免费")],
  ["weak", "领取", `${cjk("立即领取")}|${cjk("免费领")}|${cjk("领取福利")}|${cjk("点击领取")}|${cjk("速领")}`],
  ["weak", "券", "券"],
  ["weak", "福利", cjk("福利")],
  ["weak", "活动", cjk("活动")],
  ["weak", "专享", cjk("专享")],
  ["weak", "低至", cjk("低至")],
  ["weak", "上新", `${cjk("上新")}|${cjk("新品")}`],
  ["weak", "返现", cjk("返现")],
  ...(["全场", "专属", "来袭", "惊喜", "好礼", "首单", "新客", "新人", "会员", "积分兑换", "兑换", "优享", "尊享", "火热", "倒计时", "最后一天", "名额有限", "速来", "进店", "到店", "下单", "回馈", "感恩"] as const).map((word) => ["weak", word, cjk(word)] as const),
  ["weak", "free", en("free")],
  ["weak", "deal", en("deals?|offers?")],
  ["weak", "exclusive", en("exclusive|gifts?|members? only|shop|buy|percent|off|save|win|prize|today only")],
  // Verification.
  ["verification", "验证码", ["验证码", "校验码", "动态码", "动态密码", "激活码", "确认码", "安全码", "短信码"].map(cjk).join("|")],
  ["verification", "请勿泄露", ["请勿泄露", "切勿泄露", "请勿泄漏", "勿告知他人", "请勿告诉", "不要告诉他人"].map(cjk).join("|")],
  ["verification", "code", en("verification code|security code|one-time (?:password|code)|otp|passcode|code|do not share")],
  // Notification.
  ["notification", "订单", cjk("订单")],
  ["notification", "发货", `${cjk("已发货")}|${cjk("发货")}|${cjk("已签收")}`],
  ["notification", "快递", ["快递", "包裹", "取件", "物流"].map(cjk).join("|")],
  ["notification", "账单", ["账单", "缴费", "还款", "扣款", "余额"].map(cjk).join("|")],
  ["notification", "到账", `${cjk("到账")}|${cjk("入账")}`],
  ["notification", "预约", ["预约", "就诊", "航班", "挂号"].map(cjk).join("|")],
  ["notification", "提醒", `${cjk("提醒")}|${cjk("通知")}`],
  ["notification", "order", en("orders?|shipped|delivery|delivered|parcel|bill|payment|due|appointment|reminder|balance")],
  // Links. Known shorteners first: they are typical of marketing and count as a weak signal.
  ["short_link", "short_link", "\\b(?:t\\.cn|dwz\\.cn|url\\.cn|suo\\.im|bit\\.ly|tinyurl\\.com|u\\.nu|3\\.cn|m\\.tb\\.cn|c\\.tb\\.cn|w\\.url\\.cn|s\\.tb\\.cn)\\/[\\w\\-]*"],
  ["link", "link", "https?:\\/\\/\\S+|www\\.\\S+"],
  ["digit_code", "digit_code", "(?<!\\d|\\d\\.)\\d{4,8}(?!\\d|%|\\.\\d)"],
  ["digit_code", "digit_code", "(?<![a-z\\d])(?=[a-z]{0,7}\\d)(?=\\d{0,7}[a-z])[a-z\\d]{4,8}(?![a-z\\d])"],
];

// One capture group per entry: after a match, the first defined group tells which entry it was.
const SCANNER = new RegExp(ENTRIES.map(([, , source]) => `(${source})`).join("|"), "g");
const VERIFICATION = 1;
const NOTIFICATION = 2;

export function classifyText(text: string): Classification {
  return classifyFolded(foldForClassification(text));
}

/** For callers that already folded the text with foldForClassification (decide does, once). */
export function classifyFolded(folded: string): Classification {
  const signals: string[] = [];
  let code = false;
  let strong = 0;
  let weak = 0;
  let evidence = 0;
  SCANNER.lastIndex = 0;
  for (let match = SCANNER.exec(folded); match !== null; match = SCANNER.exec(folded)) {
    let index = 1;
    while (match[index] === undefined) index++;
    const entry = ENTRIES[index - 1]!;
    const kind = entry[0];
    if (kind === "neutral") continue;
    if (kind === "digit_code") code = true;
    const signal = kind === "strong" || kind === "weak" ? `marketing:${entry[1]}` : kind === "verification" || kind === "notification" ? `${kind}:${entry[1]}` : kind;
    if (signals.includes(signal)) continue; // count each signal once: "免费…免费" is not two weak words
    signals.push(signal);
    if (kind === "strong") strong++;
    else if (kind === "weak" || kind === "short_link") weak++;
    else if (kind === "verification") evidence |= VERIFICATION;
    else if (kind === "notification") evidence |= NOTIFICATION;
  }
  const category: Category =
    strong > 0 || weak >= 2 ? "marketing" : evidence === NOTIFICATION ? "notification" : "verification";
  return { category, signals, readsAsVerification: code && (evidence & VERIFICATION) !== 0, marketingSignals: strong + weak };
}

/**
 * The category a message is judged as. Declared verification that does not read as verification
 * is judged by its content alone: marketing on any marketing signal, else notification. Otherwise
 * the declared category is escalated, never lowered, to what the text reads as.
 */
export function judgeCategory(declared: Category, classification: Classification): Category {
  if (declared === "verification" && !classification.readsAsVerification) {
    return classification.marketingSignals > 0 ? "marketing" : "notification";
  }
  const read = classification.category;
  return RANK[read] > RANK[declared] ? read : declared;
}

const RANK: Readonly<Record<Category, number>> = { verification: 0, notification: 1, marketing: 2 };

/** The declared category escalated (never lowered) to what the text reads as. */
export function effectiveCategory(declared: Category, classified: Category): Category {
  return RANK[classified] > RANK[declared] ? classified : declared;
}

/**
 * Opt-out instructions, matched on the compact fold (no whitespace, lower case, full-width folded),
 * so "回 Ｔ 退订" and "Reply STOP" both count. Two Chinese word orders — "回T退订" and "退订回T" —
 * with the usual reply words, plus the English forms carriers and SPs use.
 */
const OPT_OUT_HINT = new RegExp(
  [
    "回(?:复|覆)?(?:td|t|n|r|0|stop|退订)(?:即可)?(?:退订|拒收|退|取消)",
    "(?:退订|拒收|取消订阅|取消)(?:请|可|请您)?(?:回|回复|回覆|发送?|短信回复?)(?:td|t|n|r|0|stop)(?![a-z])",
    "(?:reply|replying|txt|text|send|sms)stop",
    "stop(?:to|2)(?:optout|opt-out|unsubscribe|unsub|end|quit|cancel|stop)",
  ].join("|"),
);

export function hasOptOutHint(text: string): boolean {
  return OPT_OUT_HINT.test(foldCompact(text));
}

/** For callers that already folded the text with foldCompact. */
export function hasOptOutHintCompact(compact: string): boolean {
  return OPT_OUT_HINT.test(compact);
}

const OPT_OUT_WORDS: ReadonlySet<string> = new Set(["t", "td", "n", "r", "退订", "取消", "stop", "unsubscribe"]);
const TRAILING_PUNCTUATION = /[\p{P}\p{S}]+$/u;

/**
 * A mobile-originated reply that means "stop": exactly one opt-out word, ignoring width, case,
 * surrounding and embedded whitespace, invisible characters and trailing punctuation ("Ｔ。", "td!").
 */
export function isOptOutWord(moText: string): boolean {
  if (moText.length > 64) return false; // an opt-out word is short; do not fold a long message
  const compact = foldCompact(moText).replace(TRAILING_PUNCTUATION, "");
  return OPT_OUT_WORDS.has(compact);
}

/**
 * Confusable folding for look-alike signatures (pure). Two signatures that fold to the same key look
 * the same to a recipient: 【Y0UKU】 and 【youku】, 【云端科技】 and 【雲端科技】, Latin "pay" and
 * Cyrillic "раy". Input is the stored normalised text (NFKC, lower case, no whitespace).
 */

const LATIN_LOOKALIKES: Record<string, string> = {
  "0": "o",
  "1": "l",
  i: "l",
  "|": "l",
  "!": "l",
  "5": "s",
  "$": "s",
  "@": "a",
};

/** Cyrillic and Greek letters that render like Latin ones (lower case; input is already lower-cased). */
const SCRIPT_LOOKALIKES: Record<string, string> = {
  // Cyrillic
  а: "a", в: "b", е: "e", ё: "e", к: "k", м: "m", н: "h", о: "o", р: "p", с: "c", т: "t", у: "y", х: "x", і: "l", ї: "l", ј: "j", ѕ: "s", ԁ: "d", ԛ: "q", ԝ: "w", һ: "h", ɡ: "g",
  // Greek
  α: "a", β: "b", ε: "e", η: "n", ι: "l", κ: "k", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", ω: "w", γ: "y",
};

/** A small table of traditional → simplified characters common in company names (optional by design: not exhaustive). */
const TRADITIONAL: Record<string, string> = {
  國: "国", 銀: "银", 東: "东", 華: "华", 電: "电", 訊: "讯", 達: "达", 業: "业", 網: "网", 雲: "云", 發: "发", 廣: "广", 車: "车",
  貝: "贝", 門: "门", 時: "时", 寶: "宝", 聯: "联", 購: "购", 優: "优", 選: "选", 興: "兴", 匯: "汇", 紅: "红", 長: "长", 豐: "丰",
  醫: "医", 藥: "药", 險: "险", 證: "证", 券: "券", 貸: "贷", 錢: "钱", 財: "财", 順: "顺", 慶: "庆", 龍: "龙", 鳳: "凤", 馬: "马",
  眾: "众", 衆: "众", 萬: "万", 來: "来", 學: "学", 書: "书", 樂: "乐", 閃: "闪", 團: "团", 遊: "游", 戲: "戏", 體: "体", 訂: "订",
};

/** Separators that do not change how a name reads: 云端·科技, 云端-科技. */
const SEPARATORS = /[·•・\-_.,，。、'’"“”:：/\\]/g;

export function confusableKey(text: string): string {
  let out = "";
  for (const ch of text.toLowerCase().replace(SEPARATORS, "")) {
    out += TRADITIONAL[ch] ?? SCRIPT_LOOKALIKES[ch] ?? LATIN_LOOKALIKES[ch] ?? ch;
  }
  // Multi-letter look-alikes after the single-letter ones: rn → m, vv → w, cl → d.
  return out.replace(/rn/g, "m").replace(/vv/g, "w").replace(/cl/g, "d");
}

/** Groups of two or more distinct texts that share a confusable key. */
export function lookAlikeGroups<T extends { text: string }>(items: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = confusableKey(item.text);
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  return [...groups.values()].filter((list) => new Set(list.map((i) => i.text)).size >= 2);
}

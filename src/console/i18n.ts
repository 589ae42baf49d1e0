/**
 * Console labels in Chinese (the default) and English. `?lang=zh|en` sets a cookie; the cookie
 * keeps the choice. Every label the console shows comes from here (the dictionaries are
 * messages.en.ts and messages.zh.ts), so a missing translation is a type error rather than an
 * untranslated page.
 */
import { CHINA_OFFSET_MINUTES } from "../lib/dates.ts";
import { reasons, type ReasonCode } from "../policy/reasons.ts";
import { en, type MessageKey } from "./messages.en.ts";
import { zh } from "./messages.zh.ts";

export type { MessageKey } from "./messages.en.ts";

export const languages = ["zh", "en"] as const;
export type Lang = (typeof languages)[number];
export const LANG_COOKIE = "gk_console_lang";

const messages: Record<Lang, Record<MessageKey, string>> = { en, zh };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  return (key, values) => {
    const text = messages[lang][key];
    return values ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)) : text;
  };
}

export function parseLang(value: string | undefined | null): Lang | undefined {
  return value === "zh" || value === "en" ? value : undefined;
}

/** The sentence for a journaled reason code, in the console's language; unknown codes show as is. */
export function reasonSentence(lang: Lang, code: string): string {
  const reason = (reasons as Record<string, (typeof reasons)[ReasonCode] | undefined>)[code];
  if (!reason) return code;
  return lang === "zh" ? reason.sentenceZh : reason.sentence;
}

/** Times are shown in China Standard Time (UTC+8, no daylight saving), where the operators and the MIIT rules live. */
export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return "";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return new Date(date.getTime() + CHINA_OFFSET_MINUTES * 60_000).toISOString().slice(0, 19).replace("T", " ");
}

/** A label from a dynamic key (a status, a role), or the raw value when there is no translation. */
export function labelOf(t: Translate, prefix: string, value: string): string {
  return (t(`${prefix}.${value}` as MessageKey) as string | undefined) ?? value;
}

import type { Reason } from "./reason.ts";

/**
 * What a message may say (issue 15): links, call-back numbers, operator content rules, signature
 * templates and port purpose, each group in monitor mode by default (src/policy/groups.ts).
 * Vendor statuses 0x480–0x4AF, a block of 8 per group: links 0x480, call-backs 0x488, content
 * 0x490, templates 0x498, port purpose 0x4A0. All permanent: the same text would be refused again.
 */
export const contentReasons = {
  link_not_allowed: {
    code: "link_not_allowed",
    sentence: "The message links to a domain that is not approved for the sending enterprise (link-domains).",
    sentenceZh: "短信中的链接域名未为该企业报备通过。",
    commandStatus: 0x480,
    retryable: false,
    rule: "links",
  },
  link_shortener_not_allowed: {
    code: "link_shortener_not_allowed",
    sentence: "The message uses a public link shortener; only a shortener domain approved for the enterprise itself may be used.",
    sentenceZh: "短信使用了公共短链接服务，未报备的短链接不得使用。",
    commandStatus: 0x481,
    retryable: false,
    rule: "links",
  },
  callback_number_not_allowed: {
    code: "callback_number_not_allowed",
    sentence: "The message names a phone number that is not a registered call-back number of the sending enterprise.",
    sentenceZh: "短信中的回拨号码不是该企业登记的服务号码。",
    commandStatus: 0x488,
    retryable: false,
    rule: "callbacks",
  },
  content_prohibited: {
    code: "content_prohibited",
    sentence: "The message matches an operator content rule (loan, gambling, fraud, contact diversion, prohibited goods…).",
    sentenceZh: "短信内容命中运营商内容规则（贷款、博彩、诈骗、引流加微信等）。",
    commandStatus: 0x490,
    retryable: false,
    rule: "content",
  },
  template_not_matched: {
    code: "template_not_matched",
    sentence: "The signature may send only its approved templates, and the text fits none of them.",
    sentenceZh: "该签名仅可发送已报备模板，短信内容与模板不符。",
    commandStatus: 0x498,
    retryable: false,
    rule: "templates",
  },
  template_variable_invalid: {
    code: "template_variable_invalid",
    sentence: "The text fits an approved template, but a variable's value is too long, of the wrong kind, or carries a link or number it may not.",
    sentenceZh: "短信与模板相符，但变量内容超长、类型不符或夹带链接、号码。",
    commandStatus: 0x499,
    retryable: false,
    rule: "templates",
  },
  port_category_not_allowed: {
    code: "port_category_not_allowed",
    sentence: "The port (or extension) is not registered to carry this category of message.",
    sentenceZh: "该端口（或扩展号）未登记可发送此类短信。",
    commandStatus: 0x4a0,
    retryable: false,
    rule: "port_purpose",
  },
} as const satisfies Record<string, Reason>;

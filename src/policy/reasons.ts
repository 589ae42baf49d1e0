/**
 * The one closed list of rejection reasons. The journal, the API, the docs and the tests import it;
 * nobody writes a command_status by hand.
 *
 * Wire statuses follow how ESMEs react (smpp/README.md, "How ESMEs react"): Kannel re-queues only 0x08, 0x14, 0x58 and
 * 0x64, so every refusal by the registry uses a PERMANENT status, otherwise the SP's gateway would
 * resubmit the same refused message in a loop. A source address that is not the SP's port uses the
 * standard ESME_RINVSRCADR (0x0A); the other refusals use vendor-specific codes from 0x400–0x4FF,
 * one per reason, so the SP can tell exactly what was wrong from the wire alone. The codes are
 * grouped by rule in blocks of 0x10 to leave room for new reasons without renumbering.
 */

import type { Reason } from "./reason.ts";
import { bindReasons } from "./reasons-bind.ts";
import { contentReasons } from "./reasons-content.ts";

/** Rule groups, their default modes and CONFIGURABLE_RULES are declared in src/policy/groups.ts. */
export { CONFIGURABLE_RULES, type RuleGroup } from "./groups.ts";

export type { Reason } from "./reason.ts";

/** SMPP 3.4 standard statuses used here. */
export const ESME_RINVSRCADR = 0x0a;
export const ESME_RINVDSTADR = 0x0b;
export const ESME_RMSGQFUL = 0x14;
export const ESME_RTHROTTLED = 0x58;
export { ESME_RBINDFAIL, ESME_RINVPASWD, ESME_RINVSYSID } from "./reasons-bind.ts";

// `satisfies` keeps the literal keys (for the ReasonCode union) while checking every entry's shape.
export const reasons = {
  // --- port (0x0A, 0x400–0x40F) ---
  port_unknown: {
    code: "port_unknown",
    sentence: "The source address does not belong to any registered port.",
    sentenceZh: "源地址不属于任何已登记的端口号。",
    // Same wire status as port_not_owned on purpose: the wire must not tell an SP whether a number
    // it does not own exists and belongs to someone else. The journal keeps the precise code.
    commandStatus: ESME_RINVSRCADR,
    retryable: false,
    rule: "port",
  },
  port_not_owned: {
    code: "port_not_owned",
    sentence: "The source port is registered to another service provider, not to the one that is bound.",
    sentenceZh: "源端口号不属于当前绑定的短信息服务企业。",
    commandStatus: ESME_RINVSRCADR,
    retryable: false,
    rule: "port",
  },
  port_suspended: {
    code: "port_suspended",
    sentence: "The source port is suspended; nothing may be sent from it until it is reinstated.",
    sentenceZh: "源端口号已被暂停使用。",
    commandStatus: 0x401,
    retryable: false,
    rule: "port",
  },
  port_revoked: {
    code: "port_revoked",
    sentence: "The source port has been revoked (withdrawn) and may no longer be used.",
    sentenceZh: "源端口号已被收回。",
    commandStatus: 0x402,
    retryable: false,
    rule: "port",
  },
  extension_unassigned: {
    code: "extension_unassigned",
    sentence: "The digits after the port number are not an extension assigned on this port.",
    sentenceZh: "端口扩展号未分配。",
    commandStatus: 0x403,
    retryable: false,
    rule: "port",
  },

  // --- signature (0x410–0x41F) ---
  signature_missing: {
    code: "signature_missing",
    sentence: "The message carries no signature 【…】 at its start or end.",
    sentenceZh: "短信未携带签名（签名【…】须位于短信开头或结尾）。",
    commandStatus: 0x410,
    retryable: false,
    rule: "signature",
  },
  signature_empty: {
    code: "signature_empty",
    sentence: "The signature brackets are empty (or hold only spaces or invisible characters).",
    sentenceZh: "签名内容为空。",
    commandStatus: 0x411,
    retryable: false,
    rule: "signature",
  },
  signature_unclosed: {
    code: "signature_unclosed",
    sentence: "A signature bracket at the start or end of the message is not closed (or not opened).",
    sentenceZh: "签名括号不完整。",
    commandStatus: 0x412,
    retryable: false,
    rule: "signature",
  },
  signature_multiple: {
    code: "signature_multiple",
    sentence: "The message carries more than one signature tag (repeated, stacked, or a 【】-like bracket anywhere in the text); exactly one is allowed.",
    sentenceZh: "短信携带了多个签名。",
    commandStatus: 0x413,
    retryable: false,
    rule: "signature",
  },
  signature_not_at_edge: {
    code: "signature_not_at_edge",
    sentence: "A bracketed signature appears inside the text, but the signature must be at the start or end.",
    sentenceZh: "签名须位于短信开头或结尾。",
    commandStatus: 0x414,
    retryable: false,
    rule: "signature",
  },
  signature_unregistered: {
    code: "signature_unregistered",
    sentence: "The signature is not registered.",
    sentenceZh: "签名未报备。",
    commandStatus: 0x415,
    retryable: false,
    rule: "signature",
  },
  signature_not_approved: {
    code: "signature_not_approved",
    sentence: "The signature is registered but not approved (pending review or rejected).",
    sentenceZh: "签名未通过审核。",
    commandStatus: 0x416,
    retryable: false,
    rule: "signature",
  },
  signature_suspended: {
    code: "signature_suspended",
    sentence: "The signature is suspended.",
    sentenceZh: "签名已被暂停使用。",
    commandStatus: 0x417,
    retryable: false,
    rule: "signature",
  },
  signature_revoked: {
    code: "signature_revoked",
    sentence: "The signature has been revoked.",
    sentenceZh: "签名已被撤销。",
    commandStatus: 0x418,
    retryable: false,
    rule: "signature",
  },
  signature_expired: {
    code: "signature_expired",
    sentence: "The signature's registration has expired.",
    sentenceZh: "签名报备已过期。",
    commandStatus: 0x419,
    retryable: false,
    rule: "signature",
  },

  // --- sublet 违规转租 (0x420–0x42F) ---
  sublet_no_contract: {
    code: "sublet_no_contract",
    sentence: "The service provider has no active contract with the enterprise that owns the signature.",
    sentenceZh: "短信息服务企业与签名所属企业无有效合同（疑似违规转租）。",
    commandStatus: 0x420,
    retryable: false,
    rule: "sublet",
  },
  sublet_port_not_bound: {
    code: "sublet_port_not_bound",
    sentence: "The signature is not bound to this port or extension.",
    sentenceZh: "签名未与该端口号（或扩展号）绑定。",
    commandStatus: 0x421,
    retryable: false,
    rule: "sublet",
  },
  sublet_extension_mismatch: {
    code: "sublet_extension_mismatch",
    sentence: "The extension is assigned to a different enterprise than the one that owns the signature.",
    sentenceZh: "扩展号所属企业与签名所属企业不一致（疑似违规转租）。",
    commandStatus: 0x422,
    retryable: false,
    rule: "sublet",
  },

  // --- scope 扩大签名使用范围 (0x430–0x43F) ---
  scope_exceeded: {
    code: "scope_exceeded",
    sentence: "The message's category is outside the scope the signature was approved for.",
    sentenceZh: "短信类型超出签名报备的使用范围。",
    commandStatus: 0x430,
    retryable: false,
    rule: "scope",
  },

  // --- marketing (0x440–0x44F) ---
  opt_out_hint_missing: {
    code: "opt_out_hint_missing",
    sentence: "A marketing message must tell the recipient how to opt out (e.g. 回T退订).",
    sentenceZh: "营销短信须携带退订方式（如“回T退订”）。",
    commandStatus: 0x440,
    retryable: false,
    rule: "opt_out_hint",
  },
  recipient_opted_out: {
    code: "recipient_opted_out",
    sentence: "The recipient has refused marketing from this enterprise (under any of its signatures).",
    sentenceZh: "接收方已退订该企业的营销短信。",
    commandStatus: 0x441,
    retryable: false,
    rule: "opt_out",
  },
  recipient_do_not_disturb: {
    code: "recipient_do_not_disturb",
    sentence: "The recipient is on the operator's do-not-disturb list for marketing.",
    sentenceZh: "接收方已加入运营商营销短信免打扰名单。",
    commandStatus: 0x442,
    retryable: false,
    rule: "dnd",
  },
  quiet_hours: {
    code: "quiet_hours",
    // Permanent on the wire although the message would pass later: an automatic retry by the ESME
    // would come back within seconds and be refused again, for hours. The SP reschedules.
    sentence: "Marketing may not be sent during quiet hours; submit it again after they end.",
    sentenceZh: "营销短信不得在夜间免打扰时段发送。",
    commandStatus: 0x443,
    retryable: false,
    rule: "quiet_hours",
  },
  daily_cap_exceeded: {
    code: "daily_cap_exceeded",
    sentence: "The recipient has already received today's maximum of marketing messages from this enterprise.",
    sentenceZh: "接收方当日接收该企业营销短信已达上限。",
    commandStatus: 0x444,
    retryable: false,
    rule: "daily_cap",
  },
  recipient_duplicate: {
    code: "recipient_duplicate",
    sentence: "The marketing message names this number more than once; only its first occurrence may be sent.",
    sentenceZh: "同一条营销短信不得重复发送给同一号码。",
    commandStatus: 0x445,
    retryable: false,
    rule: "duplicate_recipient",
  },

  // --- consent (0x460–0x46F) ---
  consent_missing: {
    code: "consent_missing",
    // 《通信短信息服务管理规定》 art. 18: no commercial SMS without the recipient's consent or request.
    sentence: "The recipient has no current consent on record for marketing from this enterprise.",
    sentenceZh: "接收方未同意接收该企业的商业性短信息（无有效同意记录）。",
    commandStatus: 0x460,
    retryable: false,
    rule: "consent",
  },
  consent_request_repeated: {
    code: "consent_request_repeated",
    // Art. 18: after a refusal or no reply, the same or a similar request may not be sent again.
    sentence: "This enterprise already sent this recipient a consent request within the configured period.",
    sentenceZh: "该企业已在规定期限内向接收方发送过同意请求，不得重复发送。",
    commandStatus: 0x461,
    retryable: false,
    rule: "consent",
  },

  // --- protocol: decided by the proxy, not by decide() (0x0B, 0x14, 0x58, 0x450–0x45F) ---
  throttled: {
    code: "throttled",
    sentence: "The account is sending faster than its allowed rate; slow down and retry.",
    sentenceZh: "提交速率超过限制，请降速后重试。",
    commandStatus: ESME_RTHROTTLED,
    retryable: true,
    rule: "protocol",
  },
  upstream_unavailable: {
    // 0x14 rather than 0x58: Kannel and Jasmin both retry it, with a longer back-off (Jasmin
    // 2×180 s) suited to an SMSC outage, and it stays distinguishable from our own throttling.
    code: "upstream_unavailable",
    sentence: "The operator's SMSC cannot be reached right now; retry later.",
    sentenceZh: "上游短信中心暂不可用，请稍后重试。",
    commandStatus: ESME_RMSGQFUL,
    retryable: true,
    rule: "protocol",
  },
  concatenation_incomplete: {
    // Permanent, not 0x64: parts that never assembled usually went through another bind (or another
    // proxy behind the load balancer) or were never sent; a retry resends the same parts the same
    // way and fails again, multiplying load. A final NACK makes the loss visible to the SP.
    code: "concatenation_incomplete",
    sentence: "Not every part of a concatenated message arrived in time; the message was not sent.",
    sentenceZh: "长短信分段未在时限内到齐，未发送。",
    commandStatus: 0x450,
    retryable: false,
    rule: "protocol",
  },
  invalid_destination: {
    code: "invalid_destination",
    sentence: "The destination address is missing, is not a valid phone number, or repeats one already named in the same submit_multi.",
    sentenceZh: "目的号码无效（或在同一 submit_multi 中重复）。",
    commandStatus: ESME_RINVDSTADR,
    retryable: false,
    rule: "protocol",
  },
  undecodable_text: {
    code: "undecodable_text",
    sentence: "The message text cannot be decoded with its data_coding, so it cannot be checked.",
    sentenceZh: "短信内容无法按其编码解码。",
    commandStatus: 0x451,
    retryable: false,
    rule: "protocol",
  },
  message_too_long: {
    code: "message_too_long",
    sentence: "The message is longer than the allowed number of parts or characters.",
    sentenceZh: "短信内容超过允许的长度。",
    commandStatus: 0x452,
    retryable: false,
    rule: "protocol",
  },
  tlv_repeated: {
    // SMPP 3.4 allows the optional parameters of submit_sm, data_sm and submit_multi at most once,
    // but for callback_num and its two companions (smpp/wire/tlv.ts REPEATABLE_TLV_TAGS). A repeated
    // one has two readings (we might judge the first while the SMSC sends the second).
    code: "tlv_repeated",
    sentence: "An optional parameter (TLV) that SMPP allows once appears more than once, so the SMSC could read another value than the one checked.",
    sentenceZh: "可选参数（TLV）重复出现，短信中心可能读取未经审核的内容。",
    commandStatus: 0x453,
    retryable: false,
    rule: "protocol",
  },
  message_ambiguous: {
    // Two places for one thing: the gatekeeper cannot know which one the SMSC or the handset uses.
    code: "message_ambiguous",
    sentence: "The PDU gives its text or its concatenation in two places, asks for a canned message, is not shown to the reader (silent or SIM-bound), or its text holds characters that change what is shown (NUL, bidirectional controls, a reversed byte-order mark), so what was checked may not be what is sent.",
    sentenceZh: "短信内容或分段信息存在多种解读（如同时使用 short_message 与 message_payload），无法确保审核内容即发送内容。",
    commandStatus: 0x454,
    retryable: false,
    rule: "protocol",
  },
  scheduled_delivery: {
    // Quiet hours, the daily cap, opt-outs and the registry are judged when the message arrives;
    // a schedule_delivery_time would have the SMSC send it later, past all of them (marketing
    // submitted at 20:59 for 23:30). Permanent: the SP submits at the time it wants it sent.
    code: "scheduled_delivery",
    sentence: "The message asks for deferred delivery (schedule_delivery_time), but it is judged for the moment it is submitted; submit it when it should be sent.",
    sentenceZh: "不接受定时发送（schedule_delivery_time），短信按提交时刻审核，请在需要发送时提交。",
    commandStatus: 0x455,
    retryable: false,
    rule: "protocol",
  },
  sp_suspended: {
    // A gateway bind (an ISMG carrying many SPs) stays bound while one of its SPs is suspended;
    // that SP's own binds are refused (bind_account_disabled), and so is each of its messages here.
    code: "sp_suspended",
    sentence: "The service provider that owns the source port is suspended; a gateway bind may not carry its messages.",
    sentenceZh: "源端口号所属的短信息服务企业已被暂停，网关不得代其发送。",
    commandStatus: 0x456,
    retryable: false,
    rule: "protocol",
  },

  // --- carrier-wide shield: velocity and subscriber preferences (0x470–0x47F) ---
  recipient_velocity_exceeded: {
    // Permanent on purpose: a temporary status (0x14, 0x58) makes the SP's gateway resubmit the
    // same code at once, straight back into the limit, adding to the flood it is meant to stop.
    code: "recipient_velocity_exceeded",
    sentence: "This number has received as many verification messages as the carrier allows in the period (from every sender together), or too many different enterprises sent it codes this hour; do not resend.",
    sentenceZh: "该号码在本时段内接收验证码短信已达全网上限（或本小时内向其发送验证码的企业过多），请勿重发。",
    commandStatus: 0x470,
    retryable: false,
    rule: "velocity",
  },
  recipient_preference_blocked: {
    code: "recipient_preference_blocked",
    sentence: "The subscriber has asked not to receive messages of this category (now, or at this time of day).",
    sentenceZh: "用户已设置拒收此类短信（或在此时段拒收）。",
    commandStatus: 0x471,
    retryable: false,
    rule: "preferences",
  },

  ...contentReasons,
  ...bindReasons,
} as const satisfies Record<string, Reason>;

export type ReasonCode = keyof typeof reasons;

/** The reasons a bind is refused for (rule group `bind`). */
export type BindReasonCode = Extract<ReasonCode, `bind_${string}`>;

/** Every code, in table order (for docs, the API's enum and exhaustive tests). */
export const REASON_CODES = Object.keys(reasons) as ReasonCode[];

export function commandStatusFor(code: ReasonCode): number {
  return reasons[code].commandStatus;
}

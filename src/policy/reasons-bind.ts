/**
 * The reasons a bind is refused for (rule group `bind`), part of the one closed list in
 * src/policy/reasons.ts (spread into it; kept apart only to keep that file short).
 *
 * The statuses bind_resp has always carried: a wrong system_id and a wrong password have their
 * standard codes; every other refusal shares ESME_RBINDFAIL, so the wire does not tell a peer
 * which check it failed (address, lockout, account state, bind limit). The journal keeps the
 * difference. No ESME retries these on its own, so none is retryable.
 */
import type { Reason } from "./reason.ts";

/** SMPP 3.4 standard bind statuses. */
export const ESME_RBINDFAIL = 0x0d;
export const ESME_RINVPASWD = 0x0e;
export const ESME_RINVSYSID = 0x0f;

export const bindReasons = {
  bind_unknown_system_id: {
    code: "bind_unknown_system_id",
    sentence: "The bind names a system_id that belongs to no bind account.",
    sentenceZh: "绑定的 system_id 不属于任何绑定账号。",
    commandStatus: ESME_RINVSYSID,
    retryable: false,
    rule: "bind",
  },
  bind_bad_password: {
    code: "bind_bad_password",
    sentence: "The bind's password does not match the bind account's.",
    sentenceZh: "绑定密码错误。",
    commandStatus: ESME_RINVPASWD,
    retryable: false,
    rule: "bind",
  },
  bind_locked_out: {
    code: "bind_locked_out",
    sentence: "Too many binds from this address failed; it is locked out for a while, whatever the password.",
    sentenceZh: "该地址绑定失败次数过多，暂时禁止绑定。",
    commandStatus: ESME_RBINDFAIL,
    retryable: false,
    rule: "bind",
  },
  bind_address_not_allowed: {
    code: "bind_address_not_allowed",
    sentence: "The bind came from an address outside the bind account's allowlist.",
    sentenceZh: "绑定来源地址不在该账号的白名单内。",
    commandStatus: ESME_RBINDFAIL,
    retryable: false,
    rule: "bind",
  },
  bind_account_disabled: {
    code: "bind_account_disabled",
    sentence: "The bind account is disabled, or its service provider is suspended.",
    sentenceZh: "绑定账号已停用，或其短信息服务企业已被暂停。",
    commandStatus: ESME_RBINDFAIL,
    retryable: false,
    rule: "bind",
  },
  bind_too_many_binds: {
    code: "bind_too_many_binds",
    sentence: "The bind account already has as many binds as it is allowed.",
    sentenceZh: "该账号的并发绑定数已达上限。",
    commandStatus: ESME_RBINDFAIL,
    retryable: false,
    rule: "bind",
  },
} as const satisfies Record<string, Reason>;

/**
 * The messages the demo's stories send over SMPP as SP 华信通信 (bind account hx_sp), against the
 * registry seed.ts builds. `npm run demo` prints them; the console's browser test replays them to
 * make the traffic its reviewer looks back on. Phone numbers are made up.
 */
import type { ReasonCode } from "../src/policy/reasons.ts";

export interface DemoMessage {
  /** source_addr: the port number, followed by the extension when there is one. */
  from: string;
  to: string;
  /** VER / NTF / MKT: the category the SP declares. */
  serviceType: string;
  text: string;
  /** What the gatekeeper answers: accepted, or the reason it refuses the message. */
  expected: "accepted" | ReasonCode;
}

/** 1. A verification message on extension 01 (云端科技有限公司): accepted, and its receipt relayed back. */
export const acceptedVerification: DemoMessage = {
  from: "1069000101",
  to: "13800000001",
  serviceType: "VER",
  text: "【云端科技】您的验证码是482913，5分钟内有效。",
  expected: "accepted",
};

/** 2. Sublet (违规转租): 华信通信 sends 星河银行's signature, which it has no contract to carry. */
export const subletAttempt: DemoMessage = {
  from: "10690001",
  to: "13800000003",
  serviceType: "NTF",
  text: "【星河银行】您尾号8888的账户于今日入账500.00元。",
  expected: "sublet_no_contract",
};

/** 3. Out of scope (扩大签名使用范围): marketing under 【云端科技】, approved for verification and notification only. */
export const outOfScopeAttempt: DemoMessage = {
  from: "10690001",
  to: "13800000003",
  serviceType: "NTF",
  text: "【云端科技】双11大促，全场5折，领取优惠券 t.cn/abc 回T退订",
  expected: "scope_exceeded",
};

/** 4a. Marketing under 【云端商城】 to a fan, accepted (the fan then replies "T"). */
export const marketingTo = (fan: string): DemoMessage => ({
  from: "1069000101",
  to: fan,
  serviceType: "MKT",
  text: "【云端商城】会员日全场8折，回T退订",
  expected: "accepted",
});

/** 4b. After the fan's "T": marketing under another signature of the same enterprise is refused. */
export const marketingAfterOptOut = (fan: string): DemoMessage => ({
  from: "1069000101",
  to: fan,
  serviceType: "MKT",
  text: "【云端优选】新品上市，限时特价，回T退订",
  expected: "recipient_opted_out",
});

/** 5a. A foreign short link under 【云端商城】: refused once the links group is enforced. */
export const foreignShortLink: DemoMessage = {
  from: "1069000101",
  to: "13800000005",
  serviceType: "MKT",
  text: "【云端商城】会员日全场8折，详情 bit.ly/3xYz9 回T退订",
  expected: "link_shortener_not_allowed",
};

/** 5b. The enterprise's own, ICP-filed domain: accepted. */
export const ownDomainLink: DemoMessage = {
  from: "1069000101",
  to: "13800000005",
  serviceType: "MKT",
  text: "【云端商城】会员日全场8折，详情 https://www.yunduan-keji.com/vip 回T退订",
  expected: "accepted",
};

/** 5c. Free text under the template-only bank signature (sent by 远景短信, which carries 星河银行): refused. */
export const bankFreeText: DemoMessage = {
  from: "10690002",
  to: "13800000006",
  serviceType: "NTF",
  text: "【星河银行】您的账户存在风险，请致电 13912345678 处理",
  expected: "template_not_matched",
};

/** 5d. The bank's approved template: accepted. */
export const bankTemplate: DemoMessage = {
  from: "10690002",
  to: "13800000006",
  serviceType: "VER",
  text: "【星河银行】您的验证码是 736251，5分钟内有效。",
  expected: "accepted",
};

/** 6a. Consent enforced: marketing to a number with no consent on record is refused (consent_missing). */
export const marketingWithoutConsent = (fan: string): DemoMessage => ({
  from: "1069000101",
  to: fan,
  serviceType: "MKT",
  text: "【云端商城】周末会员专享，全场8折，回T退订",
  expected: "consent_missing",
});

/** 6b. The same message once the fan's consent is recorded (POST /api/v1/consents): accepted. */
export const marketingWithConsent = (fan: string): DemoMessage => ({ ...marketingWithoutConsent(fan), expected: "accepted" });

/** 6c. After the fan's "T", which also withdrew the consent: refused again. */
export const marketingAfterWithdrawal = (fan: string): DemoMessage => ({ ...marketingWithoutConsent(fan), expected: "recipient_opted_out" });

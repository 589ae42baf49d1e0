/**
 * The message mix both benchmarks send: mostly verification and notification, marketing with
 * opt-out hints, and about 10% that the registry refuses, spread over reasons. Written against the
 * regular world of registry-seed.ts, for the account of SP 1 (port 1069000001, enterprise 1).
 */
import { benchId, KIND, OPTED_OUT_MSISDNS, portNumber, signatureText, type Scale } from "./registry-seed.ts";

export interface MixEntry {
  name: string;
  /** Out of 1000. */
  weight: number;
  serviceType: "VER" | "NTF" | "MKT";
  sourceAddr: string;
  text: string;
  /** Recipient: "random" (a fresh 138… number) or "opted_out" (enterprise 1's opt-out list). */
  recipient: "random" | "opted_out";
  /** The reason the registry refuses it with, or "accept". */
  expect: string;
}

/** The mix for SP `sp` (default 1) in a world of `scale`. */
export function messageMix(scale: Scale): MixEntry[] {
  const S = scale.serviceProviders;
  const P = scale.ports;
  const own = portNumber(1);
  // Another enterprise of SP 1, bound to another of SP 1's ports (when the world has one).
  const sibling = 1 + S < scale.enterprises ? 1 + S : undefined;
  const entries: MixEntry[] = [
    { name: "verification", weight: 450, serviceType: "VER", sourceAddr: own, text: `【${signatureText(1, 0)}】您的验证码是482913，5分钟内有效，请勿泄露。`, recipient: "random", expect: "accept" },
    { name: "notification", weight: 300, serviceType: "NTF", sourceAddr: own, text: `【${signatureText(1, 1)}】您的订单已发货，快递单号SF1234567890，请注意查收。`, recipient: "random", expect: "accept" },
    { name: "marketing", weight: 150, serviceType: "MKT", sourceAddr: own, text: `【${signatureText(1, 2)}】会员日全场8折，优惠券已到账，回T退订`, recipient: "random", expect: "accept" },
    // ~10% refused, spread over reasons.
    { name: "sublet_no_contract", weight: 20, serviceType: "NTF", sourceAddr: own, text: `【${signatureText(2, 1)}】您尾号1234的账户于今日入账500元。`, recipient: "random", expect: "sublet_no_contract" },
    { name: "scope_exceeded", weight: 20, serviceType: "NTF", sourceAddr: own, text: `【${signatureText(1, 0)}】双11大促，全场5折，领取优惠券 t.cn/abc 回T退订`, recipient: "random", expect: "scope_exceeded" },
    { name: "signature_unregistered", weight: 15, serviceType: "VER", sourceAddr: own, text: "【未登记科技】您的验证码是739201。", recipient: "random", expect: "signature_unregistered" },
    { name: "recipient_opted_out", weight: 15, serviceType: "MKT", sourceAddr: own, text: `【${signatureText(1, 3)}】新品上市，限时特价，回T退订`, recipient: "opted_out", expect: "recipient_opted_out" },
    { name: "opt_out_hint_missing", weight: 10, serviceType: "MKT", sourceAddr: own, text: `【${signatureText(1, 2)}】新品上市，限时特价，快来抢购！`, recipient: "random", expect: "opt_out_hint_missing" },
    { name: "port_not_owned", weight: 10, serviceType: "VER", sourceAddr: portNumber(2 % P), text: `【${signatureText(1, 0)}】您的验证码是112233。`, recipient: "random", expect: "port_not_owned" },
    { name: "signature_missing", weight: 5, serviceType: "NTF", sourceAddr: own, text: "您的订单已发货，请注意查收。", recipient: "random", expect: "signature_missing" },
  ];
  if (sibling !== undefined) {
    entries.push({ name: "sublet_port_not_bound", weight: 5, serviceType: "VER", sourceAddr: own, text: `【${signatureText(sibling, 0)}】您的验证码是556677。`, recipient: "random", expect: "sublet_port_not_bound" });
  } else entries[0]!.weight += 5;
  return entries;
}

export const BENCH_SP = 1;
export const benchSpId = () => benchId(KIND.sp, BENCH_SP);
export const benchAccountId = () => benchId(KIND.account, BENCH_SP);
export const optedOutMsisdn = (n: number) => OPTED_OUT_MSISDNS[n % OPTED_OUT_MSISDNS.length]!;
export const randomMsisdn = (n: number) => `138${String((n * 7919 + 12345) % 100_000_000).padStart(8, "0")}`;

/** A deterministic sequence of mix indices with the entries' weights, `length` long. */
export function mixSchedule(mix: MixEntry[], length = 1000): Uint8Array {
  const total = mix.reduce((sum, entry) => sum + entry.weight, 0);
  const schedule = new Uint8Array(length);
  // Evenly spread (largest remainder over positions) so short runs see the same mix.
  const credit = mix.map(() => 0);
  for (let i = 0; i < length; i++) {
    let best = 0;
    for (let k = 0; k < mix.length; k++) {
      credit[k]! += mix[k]!.weight / total;
      if (credit[k]! > credit[best]!) best = k;
    }
    credit[best]! -= 1;
    schedule[i] = best;
  }
  return schedule;
}

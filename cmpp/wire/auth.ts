/**
 * CONNECT authentication.
 *
 *   AuthenticatorSource = MD5(Source_Addr + 9 × 0x00 + shared secret + Timestamp)
 *   AuthenticatorISMG   = MD5(Status + AuthenticatorSource + shared secret)
 *
 * Timestamp is MMDDHHMMSS as ten ASCII digits (leading zero kept: "0121080510"). Status is one
 * byte in CMPP 2.0 and four bytes big-endian in 3.0, exactly as it is sent in CONNECT_RESP.
 * Times are China Standard Time (UTC+8, no daylight saving), the operator's clock.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { widths, type CmppVersion } from "./constants.ts";

const CHINA_OFFSET_MS = 8 * 3600_000;
const encoder = new TextEncoder();

export function timestampDigits(timestamp: number): string {
  return String(timestamp).padStart(10, "0");
}

export function authenticatorSource(sourceAddr: string, secret: string, timestamp: number): Uint8Array {
  return md5(encoder.encode(sourceAddr), new Uint8Array(9), encoder.encode(secret), encoder.encode(timestampDigits(timestamp)));
}

export function authenticatorIsmg(status: number, authSource: Uint8Array, secret: string, version: CmppVersion): Uint8Array {
  const statusBytes = new Uint8Array(widths[version].resultBytes);
  for (let i = statusBytes.length - 1, v = status; i >= 0; i--, v = Math.floor(v / 256)) statusBytes[i] = v & 0xff;
  return md5(statusBytes, authSource, encoder.encode(secret));
}

/** Constant-time comparison of two authenticators (false on any length other than 16). */
export function authenticatorsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== 16 || b.length !== 16) return false;
  return timingSafeEqual(a, b);
}

/** The CONNECT Timestamp for an instant: MMDDHHMMSS in China time, as a number. */
export function timestampAt(epochMs: number): number {
  const d = new Date(epochMs + CHINA_OFFSET_MS);
  return (((d.getUTCMonth() + 1) * 100 + d.getUTCDate()) * 100 + d.getUTCHours()) * 10_000 + d.getUTCMinutes() * 100 + d.getUTCSeconds();
}

export type TimestampCheck = { ok: true; skewMs: number } | { ok: false; reason: "invalid" | "skewed"; skewMs?: number };

/**
 * Is `timestamp` a real MMDDHHMMSS within `maxSkewMs` of `nowMs`? The value has no year, so it is
 * read in the year before, the current and the year after (China time), and the closest reading
 * wins: "1231235959" checked at 00:00:01 on 1 January is two seconds old, not a year ahead.
 */
export function checkTimestamp(timestamp: number, nowMs: number, maxSkewMs: number): TimestampCheck {
  if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > 1231235959) return { ok: false, reason: "invalid" };
  const second = timestamp % 100;
  const minute = Math.floor(timestamp / 100) % 100;
  const hour = Math.floor(timestamp / 10_000) % 100;
  const day = Math.floor(timestamp / 1_000_000) % 100;
  const month = Math.floor(timestamp / 100_000_000);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return { ok: false, reason: "invalid" };
  const year = new Date(nowMs + CHINA_OFFSET_MS).getUTCFullYear();
  let best: number | undefined;
  for (const y of [year - 1, year, year + 1]) {
    const local = Date.UTC(y, month - 1, day, hour, minute, second);
    if (new Date(local).getUTCDate() !== day) continue; // 31 April, or 29 February outside a leap year
    const skew = local - CHINA_OFFSET_MS - nowMs;
    if (best === undefined || Math.abs(skew) < Math.abs(best)) best = skew;
  }
  if (best === undefined) return { ok: false, reason: "invalid" };
  return Math.abs(best) <= maxSkewMs ? { ok: true, skewMs: best } : { ok: false, reason: "skewed", skewMs: best };
}

function md5(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash("md5");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}
